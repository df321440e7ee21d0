package dev.dashspark.core.metric;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Accuracy and macro-F1 on small hand-computed examples, every label encoding, and their rejections. */
class ClassificationMetricsTest {

    private static final double EPS = 1e-12;

    private static final INDArray SCORES4 = Nd4j.createFromArray(new double[][]{
            {0.1, 0.9}, {0.8, 0.2}, {0.3, 0.7}, {0.6, 0.4}});

    @Test
    void accuracyCountsArgmaxHitsForEveryLabelEncoding() {
        Accuracy acc = new Accuracy();
        // argmax = [1, 0, 1, 0]; labels [1, 0, 0, 0] → 3 of 4.
        assertEquals(0.75, acc.compute(SCORES4, Nd4j.createFromArray(1, 0, 0, 0)), EPS, "int indices (B)");
        assertEquals(0.75, acc.compute(SCORES4, Nd4j.createFromArray(1.0, 0.0, 0.0, 0.0)), EPS, "float indices");
        assertEquals(0.75, acc.compute(SCORES4, Nd4j.createFromArray(new long[][]{{1}, {0}, {0}, {0}})), EPS,
                "indices (B, 1)");
        assertEquals(0.75, acc.compute(SCORES4, Nd4j.createFromArray(new float[][]{{0, 1}, {1, 0}, {1, 0}, {1, 0}})),
                EPS, "one-hot (B, C)");
        assertEquals(0.75, acc.compute(SCORES4.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT),
                Nd4j.createFromArray(1, 0, 0, 0)), EPS, "float predictions");
    }

    @Test
    void accuracyOfPerfectAndWorstPredictionsAndTies() {
        Accuracy acc = new Accuracy();
        assertEquals(1.0, acc.compute(SCORES4, Nd4j.createFromArray(1, 0, 1, 0)), EPS);
        assertEquals(0.0, acc.compute(SCORES4, Nd4j.createFromArray(0, 1, 0, 1)), EPS);
        INDArray tied = Nd4j.createFromArray(new double[][]{{0.5, 0.5, 0.1}});
        assertEquals(1.0, acc.compute(tied, Nd4j.createFromArray(0)), EPS, "the first maximum wins a tie");
        assertEquals(0.0, acc.compute(tied, Nd4j.createFromArray(1)), EPS);
    }

    @Test
    void macroF1AveragesPerClassF1() {
        MacroF1 f1 = new MacroF1();
        // y = [0, 0, 1, 1, 2], ŷ = [0, 1, 1, 1, 0].
        // class 0: TP 1, FP 1, FN 1 → 0.5; class 1: TP 2, FP 1 → 0.8; class 2: FN 1 → 0. Mean 1.3/3.
        INDArray scores = Nd4j.createFromArray(new double[][]{
                {3, 1, 0}, {1, 3, 0}, {0, 3, 1}, {0, 3, 1}, {3, 0, 1}});
        INDArray y = Nd4j.createFromArray(0, 0, 1, 1, 2);
        assertEquals(1.3 / 3, f1.compute(scores, y), EPS);
        INDArray oneHot = Nd4j.createFromArray(new double[][]{
                {1, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 1, 0}, {0, 0, 1}});
        assertEquals(1.3 / 3, f1.compute(scores, oneHot), EPS);
    }

    @Test
    void macroF1SkipsAClassAbsentFromPredictionsAndLabels() {
        MacroF1 f1 = new MacroF1();
        // The same example with a fourth class no sample has or gets: still 1.3/3, not 1.3/4.
        INDArray scores = Nd4j.createFromArray(new double[][]{
                {3, 1, 0, -1}, {1, 3, 0, -1}, {0, 3, 1, -1}, {0, 3, 1, -1}, {3, 0, 1, -1}});
        assertEquals(1.3 / 3, f1.compute(scores, Nd4j.createFromArray(0, 0, 1, 1, 2)), EPS);
        // A class predicted but never a label is not skipped: its F1 is 0.
        INDArray wrong = Nd4j.createFromArray(new double[][]{{0, 1, 0}, {1, 0, 0}});
        // y = [0, 0], ŷ = [1, 0]: class 0 TP 1, FN 1 → 2/3; class 1 FP 1 → 0; class 2 skipped.
        assertEquals(1.0 / 3, f1.compute(wrong, Nd4j.createFromArray(0, 0)), EPS);
    }

    @Test
    void macroF1OfPerfectAndWorstPredictions() {
        MacroF1 f1 = new MacroF1();
        assertEquals(1.0, f1.compute(SCORES4, Nd4j.createFromArray(1, 0, 1, 0)), EPS);
        assertEquals(0.0, f1.compute(SCORES4, Nd4j.createFromArray(0, 1, 0, 1)), EPS);
    }

    @Test
    void nanPredictionsGiveNaN() {
        INDArray bad = Nd4j.createFromArray(new double[][]{{Double.NaN, 1}, {0, 1}});
        assertTrue(Double.isNaN(new Accuracy().compute(bad, Nd4j.createFromArray(1, 1))));
        assertTrue(Double.isNaN(new MacroF1().compute(bad, Nd4j.createFromArray(1, 1))));
    }

    @Test
    void malformedLabelsAreRejectedNamingTheValue() {
        Accuracy acc = new Accuracy();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> acc.compute(SCORES4, Nd4j.createFromArray(1, 0, 2, 0)));
        assertTrue(e.getMessage().contains("label 2.0 of sample 2") && e.getMessage().contains("[0, 2)"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> acc.compute(SCORES4, Nd4j.createFromArray(1.0, 0.5, 0.0, 0.0)));
        assertTrue(e.getMessage().contains("0.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MacroF1().compute(SCORES4,
                Nd4j.createFromArray(new double[][]{{0, 1}, {1, 1}, {1, 0}, {1, 0}})));
        assertTrue(e.getMessage().startsWith("macro-f1: labels row 1 [1.0, 1.0] is not one-hot"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> acc.compute(SCORES4, Nd4j.createFromArray(1, 0, 0)));
        assertTrue(e.getMessage().contains("labels shape [3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> acc.compute(Nd4j.createFromArray(0.1, 0.9), Nd4j.createFromArray(1)));
        assertTrue(e.getMessage().contains("predictions shape [2]"), e.getMessage());
    }
}
