package dev.dashspark.core.fft;

import dev.dashspark.core.util.WorkCounter;
import org.jtransforms.fft.DoubleFFT_1D;
import org.jtransforms.fft.DoubleFFT_2D;
import org.visnow.jlargearrays.ConcurrencyUtils;

import java.util.HashMap;
import java.util.Map;

/**
 * JTransforms on the CPU. JTransforms' own threading is switched off: callers parallelise over signals, which
 * scales better for the many short transforms of a convolution layer (STACK-NOTES.md).
 *
 * <p>Lengths are rounded up to powers of two: measured on the 2-core CI machine, a 4096-point transform is faster
 * than a 3072-point one and 7–26× faster than the reference's exact N + S − 1 (BENCHMARKS.md).
 */
public final class JTransformsBackend implements FftBackend {
    static final JTransformsBackend INSTANCE = new JTransformsBackend();

    static {
        ConcurrencyUtils.setNumberOfThreads(1);
    }

    private final ThreadLocal<Map<Long, ComplexFft>> plans = ThreadLocal.withInitial(HashMap::new);

    private JTransformsBackend() {
    }

    @Override
    public ComplexFft plan(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("FFT size must be positive, got " + rows + "×" + cols);
        }
        long key = ((long) rows << 32) | cols;
        // a rows × 1 transform is a 1D transform of the column, which is contiguous in the interleaved buffer
        // (DoubleFFT_2D rejects a dimension of 1)
        return plans.get().computeIfAbsent(key, k -> rows == 1 || cols == 1
                ? new Plan1D(rows, cols, new DoubleFFT_1D((long) rows * cols)) : new Plan2D(rows, cols));
    }

    @Override
    public int fastLength(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("length must be ≥ 1, got " + n);
        }
        return Integer.highestOneBit(n) == n ? n : Integer.highestOneBit(n) << 1;
    }

    private record Plan1D(int rows, int cols, DoubleFFT_1D fft) implements ComplexFft {

        @Override
        public void forward(double[] a) {
            fft.complexForward(a);
            WorkCounter.fft(points());
        }

        @Override
        public void inverse(double[] a) {
            fft.complexInverse(a, true);
            WorkCounter.fft(points());
        }
    }

    private record Plan2D(int rows, int cols, DoubleFFT_2D fft) implements ComplexFft {
        Plan2D(int rows, int cols) {
            this(rows, cols, new DoubleFFT_2D(rows, cols));
        }

        @Override
        public void forward(double[] a) {
            fft.complexForward(a);
            WorkCounter.fft(points());
        }

        @Override
        public void inverse(double[] a) {
            fft.complexInverse(a, true);
            WorkCounter.fft(points());
        }
    }
}
