# Sourced by submit/dash: which OpenBLAS kernels dash's JVM runs.
# ND4J 1.0.0-M2.1 loads OpenBLAS 0.3.19, which predates AMD Zen 4/5: left to itself on a Zen 5 it picks its
# "Barcelona" (SSE2-era) kernels. Its "SkylakeX" kernels need AVX-512 F, CD, BW, DQ and VL; with them dash-core's
# convolutions run ~4.5x faster than with Barcelona's and ~2.7x faster than with the AVX2 "Haswell" kernels
# (BENCHMARKS.md). OpenBLAS reads OPENBLAS_CORETYPE when it loads, so it is set before the JVM starts:
#   DASH_OPENBLAS_CORETYPE=auto (default)  SKYLAKEX on a CPU with those five flags, even over an OPENBLAS_CORETYPE
#                                          set for the whole machine (for other, newer OpenBLAS builds); else
#                                          OPENBLAS_CORETYPE as it is
#   DASH_OPENBLAS_CORETYPE=keep            OPENBLAS_CORETYPE as it is
#   DASH_OPENBLAS_CORETYPE=<core>          OPENBLAS_CORETYPE=<core> (OpenBLAS's names: Haswell, SkylakeX, Zen, ...)
# openblas_coretype: prints the OPENBLAS_CORETYPE to export, or nothing to leave it as it is.
openblas_coretype() {
  local choice="${DASH_OPENBLAS_CORETYPE:-auto}" flags f
  case "$choice" in
    keep) return 0 ;;
    auto) ;;
    *) printf '%s' "$choice"; return 0 ;;
  esac
  [ -r /proc/cpuinfo ] || return 0
  flags=$(grep -m 1 '^flags' /proc/cpuinfo)
  for f in avx512f avx512cd avx512bw avx512dq avx512vl; do
    case " $flags " in *" $f "*) ;; *) return 0 ;; esac
  done
  printf 'SKYLAKEX'
}
