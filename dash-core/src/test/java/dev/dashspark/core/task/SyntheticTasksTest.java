package dev.dashspark.core.task;

import dev.dashspark.core.metric.MeanAuroc;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SyntheticTasks}: shapes, determinism, and that each task's labels are what its construction says. */
class SyntheticTasksTest {

    private static float[] values(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    private static void assertSame(TaskData a, TaskData b) {
        assertArrayEquals(values(a.xTrain()), values(b.xTrain()));
        assertArrayEquals(values(a.yTrain()), values(b.yTrain()));
        assertArrayEquals(values(a.xVal()), values(b.xVal()));
        assertArrayEquals(values(a.xTest()), values(b.xTest()));
        assertArrayEquals(values(a.yTest()), values(b.yTest()));
    }

    /** max over t of |x[t] + x[t+g] + x[t+2g]|: the response of a (1, 1, 1) filter with dilation g. */
    private static double tripletResponse(float[] x, int off, int length, int g) {
        double best = 0;
        for (int t = 0; t + 2 * g < length; t++) {
            best = Math.max(best, Math.abs(x[off + t] + x[off + t + g] + x[off + t + 2 * g]));
        }
        return best;
    }

    @Test
    void spacingTripletsAreExactlySevenApartInClassOneAndNeverInClassZero() {
        // noise 0, one triplet: a filter with taps 7 apart answers 3·amplitude on class 1 and 1·amplitude on class 0
        // (near misses 6 or 8 apart); a three-tap filter with any other dilation covers one spike of a class-1 triplet
        TaskData d = SyntheticTasks.generate("spacing", Map.of("noise", "0", "triplets", "1", "amplitude", "2",
                "decoy", "1", "train", "200", "val", "0", "test", "1"), 3);
        float[] x = d.xTrain().dup().data().asFloat();
        int[] labels = new int[200];
        for (int b = 0; b < 200; b++) {
            labels[b] = d.yTrain().getDouble(b, 1) == 1.0 ? 1 : 0;
        }
        int ones = 0;
        for (int b = 0; b < 200; b++) {
            double seven = tripletResponse(x, b * 256, 256, 7);
            if (labels[b] == 1) {
                ones++;
                assertEquals(6.0, seven, 1e-6, "class-1 sample " + b);
                for (int g : new int[]{1, 2, 3, 4, 5, 6, 8, 9, 11}) {
                    assertEquals(2.0, tripletResponse(x, b * 256, 256, g), 1e-6, "class-1 sample " + b + ", dilation " + g);
                }
            } else {
                assertEquals(2.0, seven, 1e-6, "class-0 sample " + b);
                assertTrue(tripletResponse(x, b * 256, 256, 6) == 6.0 || tripletResponse(x, b * 256, 256, 8) == 6.0,
                        "class-0 sample " + b + ": a triplet 6 or 8 apart");
            }
        }
        assertEquals(100, ones, "balanced classes");
    }

    @Test
    void defaultShapesOfEveryGenerator() {
        Object[][] expected = {
                {"long-lag", new long[]{512, 1, 256}, new long[]{512, 2}, 128L, 256L},
                {"motifs", new long[]{512, 1, 128}, new long[]{512, 4}, 128L, 256L},
                {"texture", new long[]{192, 1, 16, 16}, new long[]{192, 3}, 48L, 96L},
                {"darcy", new long[]{64, 1, 16, 16}, new long[]{64, 1, 16, 16}, 16L, 32L}};
        for (Object[] row : expected) {
            String name = (String) row[0];
            TaskData d = SyntheticTasks.generate(name, Map.of(), 3);
            assertArrayEquals((long[]) row[1], d.xTrain().shape(), name);
            assertArrayEquals((long[]) row[2], d.yTrain().shape(), name);
            assertEquals(row[3], d.valSize(), name);
            assertEquals(row[4], d.testSize(), name);
            SyntheticTasks.Layout l = SyntheticTasks.layout(name, Map.of());
            long[] x = d.xTrain().shape();
            assertArrayEquals(java.util.Arrays.copyOfRange(x, 2, x.length),
                    java.util.Arrays.stream(l.shape()).asLongStream().toArray(), name);
        }
    }

    @Test
    void sameSeedSameArraysOtherSeedOtherArrays() {
        Map<String, String> small = Map.of("train", "12", "val", "6", "test", "6");
        for (String name : SyntheticTasks.NAMES) {
            TaskData a = SyntheticTasks.generate(name, small, 11);
            assertSame(a, SyntheticTasks.generate(name, small, 11));
            TaskData b = SyntheticTasks.generate(name, small, 12);
            assertFalse(java.util.Arrays.equals(values(a.xTrain()), values(b.xTrain())), name);
            assertFalse(java.util.Arrays.equals(values(a.xTest()), values(b.xTest())), name);
            TaskData c = SyntheticTasks.generate(name, Map.of("train", "20", "val", "6", "test", "6"), 11);
            assertArrayEquals(values(a.xTest()), values(c.xTest()), name + ": test does not depend on the train size");
        }
        TaskData noVal = SyntheticTasks.generate("texture", Map.of("train", "6", "val", "0", "test", "3"), 1);
        assertFalse(noVal.hasValidation());
        assertNull(noVal.yVal());
    }

    @Test
    void longLagLabelsAreBalancedAndTheSignOfTheLagSum() {
        int lag = 40;
        int length = 96;
        TaskData d = SyntheticTasks.generate("long-lag", Map.of("length", "" + length, "lag", "" + lag,
                "train", "301", "val", "0", "test", "400"), 5);
        assertEquals(150.0, d.yTrain().getColumn(1).sumNumber().doubleValue(), 0.0, "⌊301/2⌋ of class 1");
        assertEquals(200.0, d.yTest().getColumn(1).sumNumber().doubleValue(), 0.0);
        float[] x = values(d.xTest());
        int n = (int) d.testSize();
        int shortHits = 0;
        for (int b = 0; b < n; b++) {
            int label = (int) d.yTest().getDouble(b, 1);
            assertEquals(1.0, d.yTest().getDouble(b, 0) + d.yTest().getDouble(b, 1), 0.0, "one-hot");
            double s = SyntheticTasks.lagSum(x, b * length, length, lag);
            assertEquals(label == 1, s > 0, "sample " + b + ": S = " + s);
            // The same statistic one step shorter sees no pair: it must be uninformative.
            shortHits += (SyntheticTasks.lagSum(x, b * length, length, lag - 1) > 0) == (label == 1) ? 1 : 0;
        }
        double shortAccuracy = (double) shortHits / n;
        assertTrue(Math.abs(shortAccuracy - 0.5) < 0.1, "lag τ−1 accuracy " + shortAccuracy);

        // Without planted pairs the label is still exactly the sign of S (rejection, not planting, decides it).
        TaskData plain = SyntheticTasks.generate("long-lag", Map.of("length", "" + length, "lag", "" + lag,
                "pairs", "0", "train", "1", "val", "0", "test", "200"), 6);
        float[] xp = values(plain.xTest());
        for (int b = 0; b < 200; b++) {
            double s = SyntheticTasks.lagSum(xp, b * length, length, lag);
            assertEquals(plain.yTest().getDouble(b, 1) == 1.0, s > 0, "unplanted sample " + b + ": S = " + s);
        }
        assertEquals(100.0, plain.yTest().getColumn(1).sumNumber().doubleValue(), 0.0);
    }

    @Test
    void motifLabelsMarkPlantedMotifs() {
        TaskData d = SyntheticTasks.generate("motifs", Map.of("train", "400", "val", "0", "test", "1"), 9);
        double[][] motifs = SyntheticTasks.motifs();
        assertEquals(4, motifs.length);
        int length = 128;
        float[] x = values(d.xTrain());
        int n = 400;
        double[][] score = new double[n][motifs.length];
        for (int j = 0; j < motifs.length; j++) {
            assertTrue(motifs[j].length <= 7);
            double frequency = d.yTrain().getColumn(j).sumNumber().doubleValue() / n;
            assertTrue(Math.abs(frequency - 0.5) < 0.1, "label " + j + " frequency " + frequency);
            for (int b = 0; b < n; b++) {
                double best = Double.NEGATIVE_INFINITY;
                for (int pos = 0; pos + motifs[j].length <= length; pos++) {
                    double s = 0;
                    for (int t = 0; t < motifs[j].length; t++) {
                        s += x[b * length + pos + t] * motifs[j][t];
                    }
                    best = Math.max(best, s);
                }
                score[b][j] = best;
            }
        }
        // A matched filter separates present from absent motifs nearly perfectly.
        double auroc = new MeanAuroc().compute(Nd4j.createFromArray(score), d.yTrain());
        assertTrue(auroc > 0.95, "matched-filter AUROC " + auroc);
    }

    @Test
    void textureClassesAreBalancedAndOriented() {
        TaskData d = SyntheticTasks.generate("texture", Map.of("train", "150", "val", "0", "test", "1"), 4);
        int n = 150;
        int h = 16;
        int w = 16;
        float[] x = values(d.xTrain());
        int correct = 0;
        for (int c = 0; c < 3; c++) {
            assertEquals(50.0, d.yTrain().getColumn(c).sumNumber().doubleValue(), 0.0, "class " + c);
        }
        for (int b = 0; b < n; b++) {
            double withinRows = 0;
            double withinCols = 0;
            for (int i = 0; i < h; i++) {
                withinRows += variance(x, b * h * w + i * w, 1, w);
            }
            for (int j = 0; j < w; j++) {
                withinCols += variance(x, b * h * w + j, w, h);
            }
            withinRows /= h;
            withinCols /= w;
            int guess = withinRows < 0.45 ? 0 : withinCols < 0.45 ? 1 : 2;
            correct += d.yTrain().getDouble(b, guess) == 1.0 ? 1 : 0;
        }
        assertTrue(correct >= 0.9 * n, "orientation rule matches " + correct + " of " + n);
    }

    private static double variance(float[] v, int start, int stride, int count) {
        double m = 0;
        for (int k = 0; k < count; k++) {
            m += v[start + k * stride];
        }
        m /= count;
        double s = 0;
        for (int k = 0; k < count; k++) {
            double d = v[start + k * stride] - m;
            s += d * d;
        }
        return s / count;
    }

    @Test
    void darcyOutputsSolveTheDiscreteEquationOnTheirCoefficients() {
        TaskData d = SyntheticTasks.generate("darcy", Map.of("size", "12", "train", "8", "val", "0", "test", "2"), 2);
        int n = 12;
        float[] a = values(d.xTrain());
        float[] u = values(d.yTrain());
        boolean sawLow = false;
        boolean sawHigh = false;
        for (int b = 0; b < 8; b++) {
            double[][] field = new double[n][n];
            double[][] sol = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    field[i][j] = a[b * n * n + i * n + j];
                    sol[i][j] = u[b * n * n + i * n + j];
                    assertTrue(field[i][j] == 1 || field[i][j] == 10, "a ∈ {1, 10}");
                    sawLow |= field[i][j] == 1;
                    sawHigh |= field[i][j] == 10;
                    boolean boundary = i == 0 || j == 0 || i == n - 1 || j == n - 1;
                    assertTrue(boundary ? sol[i][j] == 0 : sol[i][j] > 0, "u(" + i + ", " + j + ") = " + sol[i][j]);
                }
            }
            // The stored float32 u solves it to float precision; the float64 solve to 1e-8 and below.
            assertTrue(DarcySolverTest.residual(field, sol) < 1e-5, "float32 residual");
            double[][] exact = DarcySolver.solve(field, SyntheticTasks.DARCY_TOLERANCE);
            assertTrue(DarcySolverTest.residual(field, exact) <= 1e-8, "float64 residual");
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals((float) exact[i][j], (float) sol[i][j], 0f, "stored u is the solution");
                }
            }
        }
        assertTrue(sawLow && sawHigh, "both coefficient values occur");
    }

    @Test
    void badParametersAreRejectedNamingGeneratorParameterAndValue() {
        assertEquals("synthetic: unknown generator 'spiral'; expected one of [long-lag, motifs, texture, darcy, spacing]",
                reject("spiral", Map.of()));
        assertEquals("synthetic 'darcy': unknown parameter 'length'; expected one of [high, low, size, smooth, test, "
                + "train, val]", reject("darcy", Map.of("length", "3")));
        assertEquals("synthetic 'long-lag': lag: 256 must be in [1, 255] (below length 256)",
                reject("long-lag", Map.of("lag", "256")));
        assertEquals("synthetic 'long-lag': lag: 0 must be in [1, 255] (below length 256)",
                reject("long-lag", Map.of("lag", "0")));
        assertEquals("synthetic 'motifs': length: 6 must be in [7, 1048576]", reject("motifs", Map.of("length", "6")));
        assertEquals("synthetic 'motifs': probability: 1.5 must be in [0.0, 1.0]",
                reject("motifs", Map.of("probability", "1.5")));
        assertEquals("synthetic 'texture': noise: 'loud' is not a number", reject("texture", Map.of("noise", "loud")));
        assertEquals("synthetic 'texture': train: 0 must be in [1, 2147483647]", reject("texture", Map.of("train", "0")));
        assertEquals("synthetic 'darcy': size: 'big' is not an integer", reject("darcy", Map.of("size", "big")));
        assertEquals("synthetic 'darcy': low: 0.0 must be in [1.0E-6, 1000000.0]", reject("darcy", Map.of("low", "0")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SyntheticTasks.layout("texture", Map.of("val", "-1")));
        assertEquals("synthetic 'texture': val: -1 must be in [0, 2147483647]", e.getMessage());
    }

    private static String reject(String name, Map<String, String> params) {
        return assertThrows(IllegalArgumentException.class, () -> SyntheticTasks.generate(name, params, 1)).getMessage();
    }
}
