package dev.dashspark.core.util;

import java.util.concurrent.atomic.LongAdder;

/**
 * Floating-point work done by dash-core's own kernels (FFTs counted as 5·n·log2(n) per complex transform, GEMMs as
 * 2·m·k·n), so benchmarks can set measured time against the machine's measured throughput.
 */
public final class WorkCounter {
    private static final LongAdder FFT = new LongAdder();
    private static final LongAdder GEMM = new LongAdder();

    private WorkCounter() {
    }

    public static void fft(int points) {
        FFT.add((long) (5.0 * points * (Math.log(points) / Math.log(2))));
    }

    public static void gemm(long batch, long m, long k, long n) {
        GEMM.add(2 * batch * m * k * n);
    }

    public static long fftFlops() {
        return FFT.sum();
    }

    public static long gemmFlops() {
        return GEMM.sum();
    }

    public static void reset() {
        FFT.reset();
        GEMM.reset();
    }
}
