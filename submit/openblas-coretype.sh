# Sourced by submit/dash: which OpenBLAS kernels dash's JVM runs.
# ND4J 1.0.0-M2.1 loads OpenBLAS 0.3.19, which predates AMD Zen 4/5: left to itself on a Zen 5 it picks its
# "Barcelona" (SSE2-era) kernels. Its "SkylakeX" kernels need AVX-512 F, CD, BW, DQ and VL; with them dash-core's
# convolutions run ~4.5x faster than with Barcelona's and ~2.7x faster than with the AVX2 "Haswell" kernels
# (BENCHMARKS.md). OpenBLAS reads OPENBLAS_CORETYPE when it loads, so it is set before the JVM starts:
#   DASH_OPENBLAS_CORETYPE=auto (default)  OPENBLAS_CORETYPE as it is when it is set (a machine-wide setting is
#                                          usually there because an old OpenBLAS computes wrong results or crashes
#                                          on that CPU); else SKYLAKEX on a CPU with those five flags
#   DASH_OPENBLAS_CORETYPE=keep            OPENBLAS_CORETYPE as it is
#   DASH_OPENBLAS_CORETYPE=<core>          OPENBLAS_CORETYPE=<core> (OpenBLAS's names: Haswell, SkylakeX, Zen, ...)
# openblas_coretype: prints the OPENBLAS_CORETYPE to export, or nothing to leave it as it is.
openblas_coretype() {
  local choice="${DASH_OPENBLAS_CORETYPE:-auto}" flags f
  case "$choice" in
    keep) return 0 ;;
    auto) [ -z "${OPENBLAS_CORETYPE:-}" ] || return 0 ;;
    *) printf '%s' "$choice"; return 0 ;;
  esac
  [ -r /proc/cpuinfo ] || return 0
  flags=$(grep -m 1 '^flags' /proc/cpuinfo)
  for f in avx512f avx512cd avx512bw avx512dq avx512vl; do
    case " $flags " in *" $f "*) ;; *) return 0 ;; esac
  done
  printf 'SKYLAKEX'
}
