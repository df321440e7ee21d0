package dev.dashspark.core.fft;

/**
 * An in-place complex FFT plan of a fixed 1D or 2D size on interleaved (re, im) doubles, row-major.
 *
 * <p>{@code forward} is unnormalised, {@code inverse} is scaled by 1/n, so {@code inverse(forward(x)) == x}. A plan may
 * keep scratch state: use one plan per thread (the {@link FftBackend} hands out thread-confined plans).
 */
public interface ComplexFft {
    /** Extent of the first axis (1 for a 1D plan). */
    int rows();

    /** Extent of the last axis. */
    int cols();

    /** Number of complex points, rows·cols. */
    default int points() {
        return rows() * cols();
    }

    void forward(double[] interleaved);

    void inverse(double[] interleaved);
}
