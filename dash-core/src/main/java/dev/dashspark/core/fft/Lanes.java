package dev.dashspark.core.fft;

import java.util.Arrays;

/**
 * Many complex signals of one size side by side: signal {@code l}'s value at point {@code p} is
 * {@code re[p][l] + i·im[p][l]}. Each point is its own pair of arrays, indexed by signal ("lane"), so that the
 * transforms' inner loops run over lanes with plain array indices, which the JIT compiles to SIMD instructions
 * (docs/fft.md). Points of a 2D signal are row-major.
 *
 * <p>Only the first {@link #lanes()} entries of each array are used. Not thread-safe: one buffer per thread.
 */
public final class Lanes {
    private final double[][] re;
    private final double[][] im;
    private int lanes;

    private Lanes(double[][] re, double[][] im, int lanes) {
        this.re = re;
        this.im = im;
        this.lanes = lanes;
    }

    /** A zeroed buffer of {@code points} points for up to {@code capacity} lanes, {@code capacity} in use. */
    public static Lanes allocate(int points, int capacity) {
        if (points < 1 || capacity < 1) {
            throw new IllegalArgumentException("Lanes: points and capacity must be ≥ 1, got " + points + ", "
                    + capacity);
        }
        double[][] re = new double[points][];
        double[][] im = new double[points][];
        for (int p = 0; p < points; p++) {
            // allocated point by point, so the two arrays of one point are adjacent in memory
            re[p] = new double[capacity];
            im[p] = new double[capacity];
        }
        return new Lanes(re, im, capacity);
    }

    public int points() {
        return re.length;
    }

    /** Lanes in use. */
    public int lanes() {
        return lanes;
    }

    /** Lanes this buffer can hold. */
    public int capacity() {
        return re[0].length;
    }

    /** Sets the lanes in use, 1 ≤ {@code n} ≤ {@link #capacity()}. */
    public Lanes use(int n) {
        if (n < 1 || n > capacity()) {
            throw new IllegalArgumentException("Lanes: " + n + " lanes requested, capacity " + capacity());
        }
        lanes = n;
        return this;
    }

    /** Real parts of point {@code p}, indexed by lane. */
    public double[] re(int p) {
        return re[p];
    }

    /** Imaginary parts of point {@code p}, indexed by lane. */
    public double[] im(int p) {
        return im[p];
    }

    double[][] re() {
        return re;
    }

    double[][] im() {
        return im;
    }

    /** Zeroes the lanes in use of points {@code [from, to)}. */
    public void zero(int from, int to) {
        for (int p = from; p < to; p++) {
            Arrays.fill(re[p], 0, lanes, 0.0);
            Arrays.fill(im[p], 0, lanes, 0.0);
        }
    }

    /** Zeroes the lanes in use of every point. */
    public void zero() {
        zero(0, points());
    }
}
