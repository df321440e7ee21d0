package dev.dashspark.core.fft;

import dev.dashspark.core.util.WorkCounter;

/**
 * The pure-Java lane transform: mixed radix 2 and 3, in place, 1D or 2D (one axis after the other).
 *
 * <p><b>Forward</b> is decimation in frequency. For a length n = r₁·r₂·…·r_k, pass j splits every block of
 * m = n/(r₁…r_{j−1}) points into r = r_j legs of L = m/r points: for each offset t &lt; L it takes the r points
 * a_q = x[t + qL], replaces them by their r-point DFT y_s = Σ_q a_q·ω_r^{qs}, multiplies y_s by the twiddle
 * ω_m^{ts} (ω_m = e^{−2πi/m}) and stores it at t + sL; then each leg is a block of the next pass. The spectrum
 * ends digit-reversed: X[k] sits at the point whose mixed-radix digits are those of k in reverse order. Point 0
 * holds X[0].
 *
 * <p><b>Inverse</b> is the transposed graph with conjugated constants (decimation in time): the passes in reverse
 * order, each one multiplying by conj(ω_m^{ts}) before a conjugate r-point DFT. Since the DFT matrix is
 * symmetric, the transpose of (digit reversal · DFT) is (DFT · its inverse permutation), so the inverse reads the
 * digit-reversed order and writes the natural one, unnormalised.
 *
 * <p>Blocks are processed depth first, so after the first passes a block fits in the caches. Every butterfly is
 * one short loop over the lanes of its points, with scalar twiddles; those loops are what the JIT vectorises.
 */
final class MixedRadixFft implements LaneFft {
    private final int rows;
    private final int cols;
    private final Axis rowAxis;
    private final Axis colAxis;

    MixedRadixFft(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.rowAxis = rows == 1 ? null : Axis.of(rows);
        this.colAxis = cols == 1 ? null : Axis.of(cols);
    }

    /** Whether n is a product of 2s and 3s, the lengths this transform takes. */
    static boolean supports(int n) {
        if (n < 1) {
            return false;
        }
        while (n % 2 == 0) {
            n /= 2;
        }
        while (n % 3 == 0) {
            n /= 3;
        }
        return n == 1;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public void forward(Lanes x) {
        transform(x, false);
    }

    @Override
    public void inverse(Lanes x) {
        transform(x, true);
    }

    /** Each axis in turn: rows then columns forward, columns then rows inverse (each the other's transpose). */
    private void transform(Lanes x, boolean inverse) {
        if (x.points() != points()) {
            throw new IllegalArgumentException("FFT of " + rows + "×" + cols + " points given a buffer of "
                    + x.points() + " points");
        }
        double[][] re = x.re();
        double[][] im = x.im();
        int lanes = x.lanes();
        for (int k = 0; k < 2; k++) {
            boolean alongRows = (k == 0) != inverse;
            Axis axis = alongRows ? colAxis : rowAxis;
            if (axis == null) {
                continue;
            }
            int count = alongRows ? rows : cols;
            for (int i = 0; i < count; i++) {
                int base = alongRows ? i * cols : i;
                int stride = alongRows ? 1 : cols;
                int n = alongRows ? cols : rows;
                if (inverse) {
                    axis.dit(re, im, lanes, base, stride, n, 0);
                } else {
                    axis.dif(re, im, lanes, base, stride, n, 0);
                }
            }
        }
        WorkCounter.fft(points(), lanes);
    }

    /**
     * One axis: its steps (outermost first) and the twiddles ω_n^k, k &lt; n. A step is a radix-3 pass, a radix-2
     * pass, or two radix-2 passes done together on each group of four points (radix 4), which keeps the four points
     * in the L1 cache between the two passes.
     */
    private static final class Axis {
        private static final double SIN60 = Math.sqrt(3.0) / 2.0;
        /** Point-lanes (16 bytes each) up to which a block is done step by step: 256 KiB, within L2. */
        private static final long TILE = 1 << 14;
        private final int n;
        private final int[] step;
        private final double[] wr;
        private final double[] wi;

        private Axis(int n, int[] step) {
            this.n = n;
            this.step = step;
            this.wr = new double[n];
            this.wi = new double[n];
            for (int k = 0; k < n; k++) {
                double angle = 2.0 * Math.PI * k / n;
                wr[k] = Math.cos(angle);
                wi[k] = -Math.sin(angle);
            }
        }

        static Axis of(int n) {
            if (!supports(n)) {
                throw new IllegalArgumentException("mixed-radix FFT length must be 2^a·3^b, got " + n);
            }
            int threes = 0;
            int twos = 0;
            for (int m = n; m > 1; ) {
                if (m % 3 == 0) {
                    threes++;
                    m /= 3;
                } else {
                    twos++;
                    m /= 2;
                }
            }
            // radix-3 steps first, then radix 4, and a last radix-2 step when the power of two is odd
            int[] step = new int[threes + twos / 2 + twos % 2];
            int i = 0;
            while (i < threes) {
                step[i++] = 3;
            }
            for (int k = 0; k < twos / 2; k++) {
                step[i++] = 4;
            }
            if (twos % 2 == 1) {
                step[i] = 2;
            }
            return new Axis(n, step);
        }

        /**
         * Forward steps {@code s}, {@code s + 1}, … on the block of m points base, base + stride, …: depth first
         * while the block is larger than {@link #TILE} point-lanes, then step by step over the whole block.
         */
        void dif(double[][] re, double[][] im, int lanes, int base, int stride, int m, int s) {
            if ((long) m * lanes <= TILE) {
                for (int j = s, size = m; size > 1; size /= step[j], j++) {
                    for (int b = base; b < base + m * stride; b += size * stride) {
                        forwardStep(re, im, lanes, b, stride, size, step[j]);
                    }
                }
                return;
            }
            forwardStep(re, im, lanes, base, stride, m, step[s]);
            int legs = m / step[s];
            for (int q = 0; q < step[s]; q++) {
                dif(re, im, lanes, base + q * legs * stride, stride, legs, s + 1);
            }
        }

        /** Inverse of {@link #dif}: the legs first (depth first while large), then the conjugate step. */
        void dit(double[][] re, double[][] im, int lanes, int base, int stride, int m, int s) {
            if ((long) m * lanes <= TILE) {
                int last = s;
                int innermost = m;
                while (innermost / step[last] > 1) {
                    innermost /= step[last];
                    last++;
                }
                for (int j = last, size = innermost; j >= s; j--) {
                    for (int b = base; b < base + m * stride; b += size * stride) {
                        inverseStep(re, im, lanes, b, stride, size, step[j]);
                    }
                    if (j > s) {
                        size *= step[j - 1];
                    }
                }
                return;
            }
            int legs = m / step[s];
            for (int q = 0; q < step[s]; q++) {
                dit(re, im, lanes, base + q * legs * stride, stride, legs, s + 1);
            }
            inverseStep(re, im, lanes, base, stride, m, step[s]);
        }

        /** The butterflies of one forward step of radix r on one block of m points. */
        private void forwardStep(double[][] re, double[][] im, int lanes, int base, int stride, int m, int r) {
            if (r == 4) {
                forward4(re, im, lanes, base, stride, m);
            } else if (r == 2) {
                radix2(re, im, lanes, base, stride, m, false);
            } else {
                forward3(re, im, lanes, base, stride, m);
            }
        }

        /** The butterflies of one inverse step of radix r on one block of m points: {@link #forwardStep} transposed. */
        private void inverseStep(double[][] re, double[][] im, int lanes, int base, int stride, int m, int r) {
            if (r == 4) {
                inverse4(re, im, lanes, base, stride, m);
            } else if (r == 2) {
                radix2(re, im, lanes, base, stride, m, true);
            } else {
                inverse3(re, im, lanes, base, stride, m);
            }
        }

        /**
         * Two radix-2 passes on each group (a, b, c, d) = points (t, t + L, t + 2L, t + 3L), L = m/4: the first on
         * (a, c) and (b, d) with twiddles ω_m^t and ω_m^(t+L), the second on (a, b) and (c, d) with ω_m^(2t).
         */
        private void forward4(double[][] re, double[][] im, int lanes, int base, int stride, int m) {
            int legs = m / 4;
            int tw = n / m;
            int hop = legs * stride;
            dft2(re[base], im[base], re[base + 2 * hop], im[base + 2 * hop], lanes);
            butterfly(re[base + hop], im[base + hop], re[base + 3 * hop], im[base + 3 * hop], lanes, wr[legs * tw],
                    wi[legs * tw]);
            dft2(re[base], im[base], re[base + hop], im[base + hop], lanes);
            dft2(re[base + 2 * hop], im[base + 2 * hop], re[base + 3 * hop], im[base + 3 * hop], lanes);
            for (int t = 1, a = base + stride; t < legs; t++, a += stride) {
                int b = a + hop;
                int c = b + hop;
                int d = c + hop;
                butterfly(re[a], im[a], re[c], im[c], lanes, wr[t * tw], wi[t * tw]);
                butterfly(re[b], im[b], re[d], im[d], lanes, wr[(t + legs) * tw], wi[(t + legs) * tw]);
                butterfly(re[a], im[a], re[b], im[b], lanes, wr[2 * t * tw], wi[2 * t * tw]);
                butterfly(re[c], im[c], re[d], im[d], lanes, wr[2 * t * tw], wi[2 * t * tw]);
            }
        }

        /** {@link #forward4} transposed: the second pass first, with conjugate twiddles. */
        private void inverse4(double[][] re, double[][] im, int lanes, int base, int stride, int m) {
            int legs = m / 4;
            int tw = n / m;
            int hop = legs * stride;
            dft2(re[base], im[base], re[base + hop], im[base + hop], lanes);
            dft2(re[base + 2 * hop], im[base + 2 * hop], re[base + 3 * hop], im[base + 3 * hop], lanes);
            dft2(re[base], im[base], re[base + 2 * hop], im[base + 2 * hop], lanes);
            conjugateButterfly(re[base + hop], im[base + hop], re[base + 3 * hop], im[base + 3 * hop], lanes,
                    wr[legs * tw], wi[legs * tw]);
            for (int t = 1, a = base + stride; t < legs; t++, a += stride) {
                int b = a + hop;
                int c = b + hop;
                int d = c + hop;
                conjugateButterfly(re[a], im[a], re[b], im[b], lanes, wr[2 * t * tw], wi[2 * t * tw]);
                conjugateButterfly(re[c], im[c], re[d], im[d], lanes, wr[2 * t * tw], wi[2 * t * tw]);
                conjugateButterfly(re[a], im[a], re[c], im[c], lanes, wr[t * tw], wi[t * tw]);
                conjugateButterfly(re[b], im[b], re[d], im[d], lanes, wr[(t + legs) * tw], wi[(t + legs) * tw]);
            }
        }

        /**
         * One radix-2 pass: (t, t + m/2) with twiddle ω_m^t, or its transpose. As the last step of an odd power of two
         * it only meets blocks of two points (no twiddles).
         */
        private void radix2(double[][] re, double[][] im, int lanes, int base, int stride, int m, boolean inverse) {
            int legs = m / 2;
            int tw = n / m;
            int hop = legs * stride;
            dft2(re[base], im[base], re[base + hop], im[base + hop], lanes);
            for (int t = 1, a = base + stride; t < legs; t++, a += stride) {
                if (inverse) {
                    conjugateButterfly(re[a], im[a], re[a + hop], im[a + hop], lanes, wr[t * tw], wi[t * tw]);
                } else {
                    butterfly(re[a], im[a], re[a + hop], im[a + hop], lanes, wr[t * tw], wi[t * tw]);
                }
            }
        }

        /** One radix-3 pass: (t, t + m/3, t + 2m/3) with twiddles ω_m^t and ω_m^(2t) after the 3-point DFT. */
        private void forward3(double[][] re, double[][] im, int lanes, int base, int stride, int m) {
            int legs = m / 3;
            int tw = n / m;
            int hop = legs * stride;
            for (int t = 0, a = base; t < legs; t++, a += stride) {
                int b = a + hop;
                int c = b + hop;
                dft3(re[a], im[a], re[b], im[b], re[c], im[c], lanes, SIN60);
                if (t != 0) {
                    twiddle(re[b], im[b], lanes, wr[t * tw], wi[t * tw]);
                    twiddle(re[c], im[c], lanes, wr[2 * t * tw], wi[2 * t * tw]);
                }
            }
        }

        private void inverse3(double[][] re, double[][] im, int lanes, int base, int stride, int m) {
            int legs = m / 3;
            int tw = n / m;
            int hop = legs * stride;
            for (int t = 0, a = base; t < legs; t++, a += stride) {
                int b = a + hop;
                int c = b + hop;
                if (t != 0) {
                    twiddle(re[b], im[b], lanes, wr[t * tw], -wi[t * tw]);
                    twiddle(re[c], im[c], lanes, wr[2 * t * tw], -wi[2 * t * tw]);
                }
                dft3(re[a], im[a], re[b], im[b], re[c], im[c], lanes, -SIN60);
            }
        }

        /** (a, b) ← (a + b, a − b). */
        private static void dft2(double[] ar, double[] ai, double[] br, double[] bi, int lanes) {
            for (int v = 0; v < lanes; v++) {
                double xr = ar[v];
                double xi = ai[v];
                double yr = br[v];
                double yi = bi[v];
                ar[v] = xr + yr;
                ai[v] = xi + yi;
                br[v] = xr - yr;
                bi[v] = xi - yi;
            }
        }

        /** (a, b) ← (a + b, (a − b)·w). */
        private static void butterfly(double[] ar, double[] ai, double[] br, double[] bi, int lanes, double wr,
                                     double wi) {
            for (int v = 0; v < lanes; v++) {
                double xr = ar[v];
                double xi = ai[v];
                double yr = br[v];
                double yi = bi[v];
                double dr = xr - yr;
                double di = xi - yi;
                ar[v] = xr + yr;
                ai[v] = xi + yi;
                br[v] = dr * wr - di * wi;
                bi[v] = dr * wi + di * wr;
            }
        }

        /** (a, b) ← (a + b·conj(w), a − b·conj(w)). */
        private static void conjugateButterfly(double[] ar, double[] ai, double[] br, double[] bi, int lanes, double wr,
                                     double wi) {
            for (int v = 0; v < lanes; v++) {
                double xr = ar[v];
                double xi = ai[v];
                double yr = br[v] * wr + bi[v] * wi;
                double yi = bi[v] * wr - br[v] * wi;
                ar[v] = xr + yr;
                ai[v] = xi + yi;
                br[v] = xr - yr;
                bi[v] = xi - yi;
            }
        }

        /** b ← b·w. */
        private static void twiddle(double[] br, double[] bi, int lanes, double wr, double wi) {
            for (int v = 0; v < lanes; v++) {
                double xr = br[v];
                double xi = bi[v];
                br[v] = xr * wr - xi * wi;
                bi[v] = xr * wi + xi * wr;
            }
        }

        /**
         * The 3-point DFT with ω = e^{−2πi/3} = −1/2 − i·√3/2 when {@code s} = √3/2: y0 = a + b + c, y1 = u − i·v,
         * y2 = u + i·v with u = a − (b + c)/2 and v = s·(b − c); with s = −√3/2 it is the conjugate DFT.
         */
        private static void dft3(double[] ar, double[] ai, double[] br, double[] bi, double[] cr, double[] ci,
                                 int lanes, double s) {
            for (int v = 0; v < lanes; v++) {
                double tr = br[v] + cr[v];
                double ti = bi[v] + ci[v];
                double ur = ar[v] - 0.5 * tr;
                double ui = ai[v] - 0.5 * ti;
                double vr = s * (br[v] - cr[v]);
                double vi = s * (bi[v] - ci[v]);
                ar[v] += tr;
                ai[v] += ti;
                br[v] = ur + vi;
                bi[v] = ui - vr;
                cr[v] = ur - vi;
                ci[v] = ui + vr;
            }
        }
    }
}
