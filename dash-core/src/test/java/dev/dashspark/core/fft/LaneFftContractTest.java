package dev.dashspark.core.fft;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link LaneFft} contract, on every backend, against direct O(n²) sums: the spectrum is the DFT in some order
 * (a permutation of the directly summed one, with X[0] first), point-by-point products transform back to the
 * circular convolution, and the inverse undoes the forward up to the factor n. Sizes cover every radix and step
 * mix of {@link MixedRadixFft} (2, 3, 4, 2·4^k, 3^a·4^b·2), 1D and 2D, and lane counts that are not multiples of
 * the vector width.
 */
class LaneFftContractTest {
    private static final double TOL = 1e-11;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[][] sizes = {{1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 6}, {1, 8}, {1, 9}, {1, 12}, {1, 16}, {1, 18}, {1, 27},
                {1, 32}, {1, 48}, {1, 64}, {1, 96}, {1, 128}, {1, 144}, {1, 512}, {1, 1536}, {3, 4}, {4, 1}, {6, 1},
                {8, 9}, {12, 16}, {2, 32}};
        for (String backend : new String[]{MixedRadixBackend.ID, JTransformsBackend.ID}) {
            for (int[] rc : sizes) {
                if (backend.equals(JTransformsBackend.ID) && !(isPowerOfTwo(rc[0]) && isPowerOfTwo(rc[1]))) {
                    continue; // JTransforms is used at powers of two only
                }
                for (int lanes : new int[]{1, 3, 17}) {
                    out.add(Arguments.of(backend, rc[0], rc[1], lanes));
                }
            }
        }
        // large blocks: past the depth-first threshold of the mixed-radix transform
        out.add(Arguments.of(MixedRadixBackend.ID, 1, 2048, 64));
        out.add(Arguments.of(MixedRadixBackend.ID, 1, 1152, 64));
        return out.stream();
    }

    private static boolean isPowerOfTwo(int n) {
        return Integer.bitCount(n) == 1;
    }

    @ParameterizedTest(name = "{0} {1}x{2} lanes={3}")
    @MethodSource("cases")
    void spectrumIsThePermutedDftAndProductsAreCircularConvolutions(String id, int rows, int cols, int lanes) {
        FftBackend backend = FftBackend.named(id);
        LaneFft plan = backend.plan(rows, cols);
        int n = rows * cols;
        SplittableRandom rng = new SplittableRandom(31L * n + lanes);
        double[][][] x = random(rng, n, lanes);
        double[][][] y = random(rng, n, lanes);
        Lanes a = fill(x, lanes);
        Lanes b = fill(y, lanes);
        plan.forward(a);
        plan.forward(b);

        double tolX = TOL * norm(x) * n;
        double tolXy = TOL * norm(x) * norm(y) * n;
        for (int l : checkedLanes(lanes)) {
            double[][] dft = directDft(x, l, rows, cols);
            // X[0] (the sum) comes first, and the spectrum is a permutation of the direct one
            assertEquals(dft[0][0], a.re(0)[l], tolX, "DC real");
            assertEquals(dft[1][0], a.im(0)[l], tolX, "DC imaginary");
            assertPermutation(dft, a, l, tolX);
        }

        // z = a·b point by point, back: n times the circular convolution
        Lanes z = Lanes.allocate(n, lanes);
        for (int p = 0; p < n; p++) {
            for (int l = 0; l < lanes; l++) {
                double ar = a.re(p)[l];
                double ai = a.im(p)[l];
                double br = b.re(p)[l];
                double bi = b.im(p)[l];
                z.re(p)[l] = ar * br - ai * bi;
                z.im(p)[l] = ar * bi + ai * br;
            }
        }
        plan.inverse(z);
        for (int l : checkedLanes(lanes)) {
            double[][] conv = circularConvolution(x, y, l, rows, cols);
            for (int p = 0; p < n; p++) {
                assertEquals(n * conv[0][p], z.re(p)[l], tolXy, "convolution real, lane " + l + " point " + p);
                assertEquals(n * conv[1][p], z.im(p)[l], tolXy, "convolution imaginary, lane " + l + " point " + p);
            }
        }

        plan.inverse(a);
        for (int p = 0; p < n; p++) {
            for (int l = 0; l < lanes; l++) {
                assertEquals(n * x[0][p][l], a.re(p)[l], tolX, "inverse(forward) real");
                assertEquals(n * x[1][p][l], a.im(p)[l], tolX, "inverse(forward) imaginary");
            }
        }
    }

    /** The first, a middle and the last lane: the direct sums are O(n²) per lane. */
    private static int[] checkedLanes(int lanes) {
        return java.util.stream.IntStream.of(0, lanes / 2, lanes - 1).distinct().toArray();
    }

    private static double[][][] random(SplittableRandom rng, int n, int lanes) {
        double[][][] v = new double[2][n][lanes];
        for (int part = 0; part < 2; part++) {
            for (int p = 0; p < n; p++) {
                for (int l = 0; l < lanes; l++) {
                    v[part][p][l] = rng.nextDouble(-1, 1);
                }
            }
        }
        return v;
    }

    private static Lanes fill(double[][][] v, int lanes) {
        Lanes out = Lanes.allocate(v[0].length, lanes);
        for (int p = 0; p < v[0].length; p++) {
            System.arraycopy(v[0][p], 0, out.re(p), 0, lanes);
            System.arraycopy(v[1][p], 0, out.im(p), 0, lanes);
        }
        return out;
    }

    private static double norm(double[][][] v) {
        double m = 0;
        for (double[][] part : v) {
            for (double[] point : part) {
                for (double value : point) {
                    m = Math.max(m, Math.abs(value));
                }
            }
        }
        return m;
    }

    /** X[k0, k1] = Σ x[j0, j1]·e^{−2πi(k0·j0/rows + k1·j1/cols)}, as {re[], im[]} in natural order. */
    private static double[][] directDft(double[][][] x, int lane, int rows, int cols) {
        int n = rows * cols;
        double[][] w0 = roots(rows);
        double[][] w1 = roots(cols);
        double[][] out = new double[2][n];
        for (int k0 = 0; k0 < rows; k0++) {
            for (int k1 = 0; k1 < cols; k1++) {
                double sr = 0;
                double si = 0;
                for (int j0 = 0; j0 < rows; j0++) {
                    double ar = w0[0][k0 * j0 % rows];
                    double ai = w0[1][k0 * j0 % rows];
                    for (int j1 = 0; j1 < cols; j1++) {
                        double br = w1[0][k1 * j1 % cols];
                        double bi = w1[1][k1 * j1 % cols];
                        double c = ar * br - ai * bi;
                        double s = ar * bi + ai * br;
                        double re = x[0][j0 * cols + j1][lane];
                        double im = x[1][j0 * cols + j1][lane];
                        sr += re * c - im * s;
                        si += re * s + im * c;
                    }
                }
                out[0][k0 * cols + k1] = sr;
                out[1][k0 * cols + k1] = si;
            }
        }
        return out;
    }

    /** e^{−2πik/n} for k &lt; n, as {cos[], sin[]}. */
    private static double[][] roots(int n) {
        double[][] w = new double[2][n];
        for (int k = 0; k < n; k++) {
            w[0][k] = Math.cos(2 * Math.PI * k / n);
            w[1][k] = -Math.sin(2 * Math.PI * k / n);
        }
        return w;
    }

    /** Every direct DFT value is matched by a distinct point of the transform. */
    private static void assertPermutation(double[][] dft, Lanes a, int lane, double tol) {
        int n = dft[0].length;
        boolean[] used = new boolean[n];
        for (int k = 0; k < n; k++) {
            int found = -1;
            for (int p = 0; p < n && found < 0; p++) {
                if (!used[p] && Math.abs(a.re(p)[lane] - dft[0][k]) <= tol && Math.abs(a.im(p)[lane] - dft[1][k]) <= tol) {
                    found = p;
                }
            }
            assertTrue(found >= 0, "DFT bin " + k + " (" + dft[0][k] + ", " + dft[1][k] + ") is not in the spectrum");
            used[found] = true;
        }
    }

    /** (x ⊛ y)[j] = Σ_t x[t]·y[(j − t) mod n] per axis, complex, as {re[], im[]}. */
    private static double[][] circularConvolution(double[][][] x, double[][][] y, int lane, int rows, int cols) {
        int n = rows * cols;
        double[][] out = new double[2][n];
        for (int j0 = 0; j0 < rows; j0++) {
            for (int j1 = 0; j1 < cols; j1++) {
                double sr = 0;
                double si = 0;
                for (int t0 = 0; t0 < rows; t0++) {
                    for (int t1 = 0; t1 < cols; t1++) {
                        int u = t0 * cols + t1;
                        int v = Math.floorMod(j0 - t0, rows) * cols + Math.floorMod(j1 - t1, cols);
                        double ar = x[0][u][lane];
                        double ai = x[1][u][lane];
                        double br = y[0][v][lane];
                        double bi = y[1][v][lane];
                        sr += ar * br - ai * bi;
                        si += ar * bi + ai * br;
                    }
                }
                out[0][j0 * cols + j1] = sr;
                out[1][j0 * cols + j1] = si;
            }
        }
        return out;
    }
}
