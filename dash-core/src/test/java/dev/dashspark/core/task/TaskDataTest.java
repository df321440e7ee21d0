package dev.dashspark.core.task;

import dev.dashspark.core.backbone.BackboneType;
import dev.dashspark.core.loss.Loss;
import dev.dashspark.core.metric.Metrics;
import dev.dashspark.core.trial.HpoGrid;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TaskData}: structural validation, the deterministic validation hold-out, and shape checks against a spec. */
class TaskDataTest {

    static TaskSpec spec1d(OutputKind kind, int outputs, int channels, int length) {
        String loss = kind == OutputKind.CLASSES ? "ce" : kind == OutputKind.MULTI_LABEL ? "bce" : "mse";
        String metric = kind == OutputKind.CLASSES ? "accuracy" : kind == OutputKind.MULTI_LABEL ? "auroc" : "mae";
        return new TaskSpec("t", 1, channels, new int[]{length}, kind, outputs, Loss.parse(loss), Metrics.parse(metric),
                BackboneType.RESNET1D, new int[]{3}, new int[]{1}, 4, 1, 1, 1, 100, 1.0, HpoGrid.REFERENCE,
                TargetNormalization.NONE, null, null, null);
    }

    /** x[b] is filled with b, y[b] = (b, −b): every row carries its sample id. */
    private static INDArray ids(long n, long... rest) {
        long[] shape = new long[rest.length + 1];
        shape[0] = n;
        System.arraycopy(rest, 0, shape, 1, rest.length);
        INDArray a = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, shape);
        for (int b = 0; b < n; b++) {
            a.get(org.nd4j.linalg.indexing.NDArrayIndex.point(b)).assign(b);
        }
        return a;
    }

    private static INDArray idLabels(int n) {
        float[][] y = new float[n][2];
        for (int b = 0; b < n; b++) {
            y[b] = new float[]{b, -b};
        }
        return Nd4j.createFromArray(y);
    }

    @Test
    void firstDimensionsMustAgreeAndValidationComesInPairs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TaskData(
                Nd4j.zeros(4, 1, 8), Nd4j.zeros(3, 2), null, null, Nd4j.zeros(2, 1, 8), Nd4j.zeros(2, 2)));
        assertEquals("x_train has 4 samples (shape [4, 1, 8]) but y_train has 3 (shape [3, 2])", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TaskData(
                Nd4j.zeros(4, 1, 8), Nd4j.zeros(4, 2), Nd4j.zeros(2, 1, 8), null, Nd4j.zeros(2, 1, 8), Nd4j.zeros(2, 2)));
        assertEquals("x_val is given without y_val", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TaskData(Nd4j.zeros(4, 1, 8), Nd4j.zeros(4, 2),
                Nd4j.zeros(2, 1, 9), Nd4j.zeros(2, 2), Nd4j.zeros(2, 1, 8), Nd4j.zeros(2, 2)));
        assertEquals("x_val: shape [2, 1, 9] differs per sample from x_train shape [4, 1, 8]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TaskData(
                Nd4j.zeros(4, 1, 8), Nd4j.zeros(4, 2), null, null, Nd4j.zeros(2, 1, 8), Nd4j.zeros(3, 2)));
        assertTrue(e.getMessage().startsWith("x_test has 2 samples"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TaskData(
                Nd4j.zeros(4), Nd4j.zeros(4, 2), null, null, Nd4j.zeros(2, 1, 8), Nd4j.zeros(2, 2)));
        assertTrue(e.getMessage().startsWith("x_train: shape [4] must be (B, C, spatial...)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TaskData(
                Nd4j.zeros(4, 1, 8), Nd4j.zeros(4, 2), null, null, null, Nd4j.zeros(2, 2)));
        assertEquals("x_test: must not be null", e.getMessage());
    }

    @Test
    void validationSplitIsADeterministicShuffledPartitionOfTrain() {
        int n = 20;
        INDArray xTest = Nd4j.ones(3, 1, 4);
        TaskData data = new TaskData(ids(n, 1, 4), idLabels(n), null, null, xTest, Nd4j.zeros(3, 2));
        TaskData split = data.withValidationSplit(0.25, 42);
        assertTrue(split.hasValidation());
        assertEquals(5, split.valSize());
        assertEquals(15, split.trainSize());
        assertSame(xTest, split.xTest(), "test is never touched");
        long[] trainIds = idsOf(split.xTrain(), split.yTrain());
        long[] valIds = idsOf(split.xVal(), split.yVal());
        TreeSet<Long> all = new TreeSet<>();
        Arrays.stream(trainIds).forEach(all::add);
        Arrays.stream(valIds).forEach(all::add);
        assertEquals(n, all.size(), "disjoint and complete");
        assertEquals(0L, all.first());
        assertEquals(n - 1L, all.last());
        assertTrue(isSorted(trainIds) && isSorted(valIds), "original order kept");
        assertArrayEquals(valIds, idsOf(data.withValidationSplit(0.25, 42).xVal(), data.withValidationSplit(0.25, 42).yVal()));
        assertNotEquals(Arrays.toString(valIds), Arrays.toString(idsOf(data.withValidationSplit(0.25, 43).xVal(),
                data.withValidationSplit(0.25, 43).yVal())), "another seed, another split");
        assertFalse(Arrays.equals(valIds, new long[]{0, 1, 2, 3, 4}), "shuffled, not the first rows");
        TaskData.Holdout h = data.holdout(0.25, 42);
        assertArrayEquals(valIds, Arrays.stream(h.val()).asLongStream().toArray(), "the indices copied");
        assertArrayEquals(trainIds, Arrays.stream(h.train()).asLongStream().toArray(), "the indices copied");
    }

    @Test
    void validationSplitWorksOnFourDimensionalInputs() {
        TaskData data = new TaskData(ids(10, 2, 3, 3), idLabels(10), null, null, Nd4j.ones(2, 2, 3, 3), Nd4j.zeros(2, 2));
        TaskData split = data.withValidationSplit(0.3, 7);
        assertArrayEquals(new long[]{3, 2, 3, 3}, split.xVal().shape());
        assertArrayEquals(new long[]{7, 2, 3, 3}, split.xTrain().shape());
        idsOf(split.xVal(), split.yVal());
    }

    @Test
    void validationSplitRejectsBadFractionsAndExistingValidation() {
        TaskData data = new TaskData(ids(10, 1, 4), idLabels(10), null, null, Nd4j.ones(3, 1, 4), Nd4j.zeros(3, 2));
        for (double f : new double[]{0, 1, -0.1, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> data.withValidationSplit(f, 1));
            assertTrue(e.getMessage().startsWith("withValidationSplit: fraction " + f + " must be in (0, 1)"),
                    e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> data.withValidationSplit(0.01, 1));
        assertTrue(e.getMessage().contains("gives 0 validation samples"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> data.withValidationSplit(0.99, 1));
        assertTrue(e.getMessage().contains("gives 10 validation samples"), e.getMessage());
        TaskData split = data.withValidationSplit(0.5, 1);
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> split.withValidationSplit(0.5, 1));
        assertTrue(s.getMessage().contains("5 samples is already present"), s.getMessage());
    }

    @Test
    void checkAgainstNamesArrayShapeAndExpectation() {
        TaskSpec spec = spec1d(OutputKind.CLASSES, 2, 1, 8);
        TaskData ok = new TaskData(Nd4j.zeros(4, 1, 8), Nd4j.zeros(4, 2), Nd4j.zeros(2, 1, 8), Nd4j.zeros(2, 2),
                Nd4j.zeros(3, 1, 8), Nd4j.zeros(3, 2));
        assertSame(ok, ok.checkAgainst(spec));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TaskData(Nd4j.zeros(4, 2, 8),
                Nd4j.zeros(4, 2), null, null, Nd4j.zeros(3, 2, 8), Nd4j.zeros(3, 2)).checkAgainst(spec));
        assertEquals("task 't': data: x_train: shape [4, 2, 8] (float32), expected [B, 1, 8] for channels 1, shape 8", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TaskData(Nd4j.zeros(4, 1, 8), Nd4j.zeros(4, 3),
                null, null, Nd4j.zeros(3, 1, 8), Nd4j.zeros(3, 3)).checkAgainst(spec));
        assertEquals("task 't': data: y_train: shape [4, 3] (float32), expected class indices [B] or [B, 1], or"
                + " one-hot [B, 2], for output classes with 2 classes", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TaskData(Nd4j.zeros(4, 1, 8), Nd4j.zeros(4, 2),
                null, null, Nd4j.zeros(3, 1, 16), Nd4j.zeros(3, 2)).checkAgainst(spec));
        assertEquals("task 't': data: x_test: shape [3, 1, 16] (float32), expected [B, 1, 8] for channels 1, shape 8", e.getMessage());
    }

    @Test
    void denseTestMayHaveAnotherSpatialSizeButMatchingLabels() {
        TaskSpec spec = spec1d(OutputKind.DENSE, 1, 2, 8);
        TaskData data = new TaskData(Nd4j.zeros(4, 2, 8), Nd4j.zeros(4, 1, 8), null, null, Nd4j.zeros(3, 2, 32),
                Nd4j.zeros(3, 1, 32));
        data.checkAgainst(spec);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TaskData(Nd4j.zeros(4, 2, 8),
                Nd4j.zeros(4, 1, 8), null, null, Nd4j.zeros(3, 2, 32), Nd4j.zeros(3, 1, 8)).checkAgainst(spec));
        assertEquals("task 't': data: y_test: shape [3, 1, 8] (float32), expected [B, 1, 32] for output dense with 1"
                + " output channel on the grid of its x [3, 2, 32]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TaskData(Nd4j.zeros(4, 2, 8),
                Nd4j.zeros(4, 1, 8), null, null, Nd4j.zeros(3, 1, 32), Nd4j.zeros(3, 1, 32)).checkAgainst(spec));
        assertEquals("task 't': data: x_test: shape [3, 1, 32] (float32), expected [B, 2, 8] for channels 2, shape 8"
                + " (any spatial size for the test split of a dense task)", e.getMessage());
    }

    /** Sample ids of a split, checking that x and y rows belong together. */
    private static long[] idsOf(INDArray x, INDArray y) {
        long n = x.size(0);
        long[] out = new long[(int) n];
        for (int b = 0; b < n; b++) {
            INDArray row = x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(b));
            double id = row.getDouble(0);
            assertEquals(id, row.minNumber().doubleValue(), 0.0, "row " + b + " is one sample");
            assertEquals(id, row.maxNumber().doubleValue(), 0.0, "row " + b + " is one sample");
            assertEquals(id, y.getDouble(b, 0), 0.0, "y row " + b + " follows x");
            assertEquals(-id, y.getDouble(b, 1), 0.0, "y row " + b + " follows x");
            out[b] = (long) id;
        }
        return out;
    }

    private static boolean isSorted(long[] v) {
        for (int i = 1; i < v.length; i++) {
            if (v[i] <= v[i - 1]) {
                return false;
            }
        }
        return true;
    }
}
