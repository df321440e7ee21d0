package dev.dashspark.core.util;

import java.util.concurrent.atomic.LongAdder;

/**
 * Work done by dash-core's own kernels, so benchmarks can set measured time against the machine's measured
 * throughput: FFTs counted as 5·n·log2(n) flops per complex transform, the frequency-domain channel mixing of
 * dense AggConv layers as 8 flops per complex multiply-add, and the wall time spent inside AggConv layers.
 */
public final class WorkCounter {
    private static final LongAdder FFT = new LongAdder();
    private static final LongAdder MIX = new LongAdder();
    private static final LongAdder AGGCONV_NANOS = new LongAdder();

    private WorkCounter() {
    }

    /** {@code count} complex transforms of {@code points} points each. */
    public static void fft(int points, int count) {
        FFT.add((long) (5.0 * points * (Math.log(points) / Math.log(2)) * count));
    }

    /** One mixing of {@code signals} complex signals of {@code points} points from {@code ins} to {@code outs} channels. */
    public static void mix(long points, long signals, long ins, long outs) {
        MIX.add(8 * points * signals * ins * outs);
    }

    /** Wall time spent inside AggConv layers' forward and backward passes. */
    public static void aggConvNanos(long nanos) {
        AGGCONV_NANOS.add(nanos);
    }

    public static long aggConvNanos() {
        return AGGCONV_NANOS.sum();
    }

    public static long fftFlops() {
        return FFT.sum();
    }

    public static long mixFlops() {
        return MIX.sum();
    }

    public static void reset() {
        FFT.reset();
        MIX.reset();
        AGGCONV_NANOS.reset();
    }
}
