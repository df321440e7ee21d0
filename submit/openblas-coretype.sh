# Sourced by submit/dash: which OpenBLAS kernels this machine should run.
# ND4J 1.0.0-M2.1 loads OpenBLAS 0.3.19, which predates AMD Zen 4/5 and runs its AVX2 ("Haswell") kernels there
# even when the CPU has AVX-512. Its AVX-512 ("SkylakeX") kernels need AVX-512 F, CD, BW, DQ and VL; with them
# dash-core's GEMM convolution is about 2.5x faster (BENCHMARKS.md). OpenBLAS reads OPENBLAS_CORETYPE when it
# loads, so it must be set before the JVM starts.
# openblas_coretype: prints SKYLAKEX when this CPU has those five, nothing otherwise.
openblas_coretype() {
  local flags f
  [ -r /proc/cpuinfo ] || return 0
  flags=$(grep -m 1 '^flags' /proc/cpuinfo)
  for f in avx512f avx512cd avx512bw avx512dq avx512vl; do
    case " $flags " in *" $f "*) ;; *) return 0 ;; esac
  done
  printf 'SKYLAKEX'
}
