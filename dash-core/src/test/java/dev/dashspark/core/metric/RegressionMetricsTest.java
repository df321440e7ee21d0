package dev.dashspark.core.metric;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Relative L2, MAE and false-negative rate on hand-computed examples. */
class RegressionMetricsTest {

    private static final double EPS = 1e-12;

    @Test
    void relativeL2IsTheBatchMeanOfPerSampleRatios() {
        RelativeL2 m = new RelativeL2();
        // Sample 0: ‖(3,1) − (3,4)‖ / ‖(3,4)‖ = 3/5; sample 1: exact → 0. Mean 0.3.
        INDArray y = Nd4j.createFromArray(new double[][]{{3, 4}, {1, 0}});
        INDArray p = Nd4j.createFromArray(new double[][]{{3, 1}, {1, 0}});
        assertEquals(0.3, m.compute(p, y), EPS);
        assertEquals(0.3, m.compute(p.reshape(2, 1, 1, 2), y.reshape(2, 1, 1, 2)), EPS, "rank 4 (B, 1, H, W)");
        assertEquals(0.0, m.compute(y, y), EPS, "perfect");
        assertEquals(1.0, m.compute(Nd4j.zeros(2, 2), y), EPS, "zero prediction");
        assertEquals(2.0, m.compute(y.neg(), y), EPS, "negated prediction");
    }

    @Test
    void maeAveragesAllElements() {
        INDArray p = Nd4j.createFromArray(new double[][]{{1, 2}, {3, 4}});
        INDArray y = Nd4j.createFromArray(new double[][]{{1, 0}, {0, 4}});
        assertEquals(1.25, new MeanAbsoluteError().compute(p, y), EPS);
        assertEquals(0.0, new MeanAbsoluteError().compute(y, y), EPS);
    }

    @Test
    void fnrThresholdsPredictionsStrictlyAboveOneHalf() {
        FalseNegativeRate m = new FalseNegativeRate();
        // Positives at 0.9 (hit), 0.5 (miss: not > 0.5), 0.2 (miss); negatives do not count → 2/3.
        INDArray y = Nd4j.createFromArray(new double[][]{{1, 1, 1, 0, 0}});
        INDArray p = Nd4j.createFromArray(new double[][]{{0.9, 0.5, 0.2, 0.7, 0.1}});
        assertEquals(2.0 / 3, m.compute(p, y), EPS);
        assertEquals(0.0, m.compute(y, y), EPS, "perfect");
        assertEquals(1.0, m.compute(Nd4j.zeros(1, 5), y), EPS, "worst");
        assertEquals(2.0 / 3, m.compute(p.reshape(1, 1, 1, 5), y.reshape(1, 1, 1, 5)), EPS, "masks (B, 1, H, W)");
    }

    @Test
    void undefinedOrMalformedInputsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RelativeL2().compute(
                Nd4j.ones(2, 2), Nd4j.createFromArray(new double[][]{{1, 0}, {0, 0}})));
        assertTrue(e.getMessage().startsWith("rel-l2: sample 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FalseNegativeRate().compute(
                Nd4j.ones(1, 3), Nd4j.zeros(1, 3)));
        assertTrue(e.getMessage().contains("no positive element"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FalseNegativeRate().compute(
                Nd4j.ones(1, 2), Nd4j.createFromArray(new double[][]{{1, 0.5}})));
        assertTrue(e.getMessage().contains("got 0.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MeanAbsoluteError().compute(
                Nd4j.ones(2, 3), Nd4j.ones(3, 2)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
        assertTrue(Double.isNaN(new FalseNegativeRate().compute(
                Nd4j.createFromArray(new double[][]{{Double.NaN, 1}}), Nd4j.ones(1, 2))));
    }
}
