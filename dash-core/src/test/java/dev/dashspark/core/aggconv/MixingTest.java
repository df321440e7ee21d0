package dev.dashspark.core.aggconv;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

import static dev.dashspark.core.aggconv.Tolerance.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/algorithm.md, "What one layer computes": c = softmax(α + G) with Gumbel(0,1) noise G from a seeded generator, or G = 0.
 */
class MixingTest {

    private static double[] softmaxByHand(double[] a) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            max = Math.max(max, v);
        }
        double[] e = new double[a.length];
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            e[i] = Math.exp(a[i] - max);
            sum += e[i];
        }
        for (int i = 0; i < a.length; i++) {
            e[i] /= sum;
        }
        return e;
    }

    @Test
    void softmaxEqualsExpOverSumOfExp() {
        double[] alpha = {0.3, -1.2, 2.0, 0.0};
        double[] expected = new double[alpha.length];
        double sum = 0;
        for (double a : alpha) {
            sum += Math.exp(a);
        }
        for (int i = 0; i < alpha.length; i++) {
            expected[i] = Math.exp(alpha[i]) / sum;
        }
        assertArrayEquals(expected, Mixing.softmax(alpha), 1e-15);
        assertArrayEquals(new double[]{0.25, 0.25, 0.25, 0.25}, Mixing.softmax(new double[]{7, 7, 7, 7}), 1e-15);
        assertArrayEquals(new double[]{1.0}, Mixing.softmax(new double[]{-3.0}), 0.0);
        // DASH's initialisation, 1e-3·N(0,1): c is close to uniform but not uniform
        double[] init = {1e-3, -2e-3, 0.5e-3};
        assertArrayEquals(softmaxByHand(init), Mixing.softmax(init), 1e-15);
    }

    @Test
    void softmaxIsStableForLargeLogits() {
        double[] c = Mixing.softmax(new double[]{1000, 1001, 999});
        double e = Math.E;
        double z = 1 / e + 1 + 1 / (e * e);
        assertArrayEquals(new double[]{1 / e / z, 1 / z, 1 / (e * e) / z}, c, 1e-12);
        double[] small = Mixing.softmax(new double[]{-1000, -1001});
        assertArrayEquals(new double[]{1 / (1 + 1 / e), (1 / e) / (1 + 1 / e)}, small, 1e-12);
    }

    @Test
    void gumbelSoftmaxWithoutNoiseIsSoftmax() {
        double[] alpha = {0.1, 0.7, -0.4};
        assertArrayEquals(softmaxByHand(alpha), Mixing.gumbelSoftmax(alpha, null), 1e-15);
    }

    @Test
    void gumbelSoftmaxIsReproducibleWithTheSameSeedAndDiffersWithAnother() {
        double[] alpha = {0.2, -0.1, 0.05, 0.4, -0.3};
        double[] a = Mixing.gumbelSoftmax(alpha, new SplittableRandom(42));
        double[] b = Mixing.gumbelSoftmax(alpha, new SplittableRandom(42));
        double[] other = Mixing.gumbelSoftmax(alpha, new SplittableRandom(43));
        assertArrayEquals(a, b, 0.0, "same seed, same c");
        assertFalse(java.util.Arrays.equals(a, other), "another seed, another c");
        assertFalse(java.util.Arrays.equals(a, Mixing.softmax(alpha)), "noise changes c");
        double sum = 0;
        for (double v : a) {
            assertTrue(v > 0 && v < 1, "c in (0, 1): " + v);
            sum += v;
        }
        assertEquals(1.0, sum, 1e-12, "c sums to 1");

        // successive draws from one generator differ, and a second generator with the same seed replays them
        SplittableRandom r1 = new SplittableRandom(7);
        SplittableRandom r2 = new SplittableRandom(7);
        double[] first = Mixing.gumbelSoftmax(alpha, r1);
        double[] second = Mixing.gumbelSoftmax(alpha, r1);
        assertFalse(java.util.Arrays.equals(first, second), "successive draws differ");
        assertArrayEquals(first, Mixing.gumbelSoftmax(alpha, r2), 0.0);
        assertArrayEquals(second, Mixing.gumbelSoftmax(alpha, r2), 0.0);
    }

    @Test
    void gumbelSamplesHaveTheGumbelMean() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 20000;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Mixing.gumbel(rng);
        }
        // Gumbel(0,1): mean = Euler–Mascheroni γ ≈ 0.5772, sd = π/√6 ≈ 1.28, so the mean's sd is ≈ 0.009
        assertEquals(0.5772156649, sum / n, 0.04);
    }

    @Test
    void argmaxFrequencyOfGumbelSoftmaxApproachesSoftmax() {
        double[] alpha = {0.5, -0.3, 1.2, 0.0, -1.0};
        double[] p = softmaxByHand(alpha);
        SplittableRandom rng = new SplittableRandom(2022);
        int n = 20000;
        int[] counts = new int[alpha.length];
        for (int t = 0; t < n; t++) {
            double[] c = Mixing.gumbelSoftmax(alpha, rng);
            int best = 0;
            for (int i = 1; i < c.length; i++) {
                if (c[i] > c[best]) {
                    best = i;
                }
            }
            counts[best]++;
        }
        for (int i = 0; i < alpha.length; i++) {
            assertEquals(p[i], counts[i] / (double) n, 0.02, "argmax frequency of candidate " + i);
        }
    }

    @Test
    void softmaxBackwardMatchesFiniteDifferencesOfCDotG() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int n : new int[]{1, 2, 9, 16}) {
            double[] alpha = DirectReference.normal(rng, n);
            double[] g = DirectReference.normal(rng, n);
            double[] c = Mixing.softmax(alpha);
            double[] analytic = Mixing.softmaxBackward(c, g);
            double h = 1e-6;
            double[] numeric = new double[n];
            for (int i = 0; i < n; i++) {
                double keep = alpha[i];
                alpha[i] = keep + h;
                double plus = DirectReference.dot(Mixing.softmax(alpha), g);
                alpha[i] = keep - h;
                double minus = DirectReference.dot(Mixing.softmax(alpha), g);
                alpha[i] = keep;
                numeric[i] = (plus - minus) / (2 * h);
            }
            if (n == 1) {
                assertArrayEquals(new double[]{0.0}, analytic, 0.0, "one candidate: c = 1 whatever α");
            } else {
                assertClose("dα, n=" + n, analytic, numeric, 1e-7);
            }
            double sum = 0;
            for (double v : analytic) {
                sum += v;
            }
            assertEquals(0.0, sum, 1e-12, "dα sums to 0 (softmax is shift invariant)");
        }
    }

    @Test
    void aggConvDrawsItsCoefficientsFromTheGivenGenerator() {
        SearchSpace space = SearchSpace.of(new int[]{1, 3}, new int[]{1, 2});
        AggConvSpec spec = new AggConvSpec(1, 1, 1, false, 1, space);
        AggConv op = new AggConv(spec, Strategy.FFT);
        SplittableRandom data = new SplittableRandom(5);
        INDArray x = DirectReference.array(DirectReference.normal(data, 8), DataType.DOUBLE, 1, 1, 8);
        INDArray[] w = DirectReference.weightArrays(spec, DirectReference.weights(data, spec, DataType.DOUBLE), DataType.DOUBLE);
        double[] alpha = {0.1, -0.2, 0.3, 0.0};
        assertArrayEquals(Mixing.gumbelSoftmax(alpha, new SplittableRandom(99)),
                op.forward(x, w, null, alpha, new SplittableRandom(99), false).c(), 0.0, "with noise");
        assertArrayEquals(softmaxByHand(alpha), op.forward(x, w, null, alpha, null, false).c(), 1e-15, "without noise");
    }
}
