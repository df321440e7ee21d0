package dev.dashspark.core.metric;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mean average precision and mean AUROC: hand-computed examples with ties and skipped labels, and a brute force. */
class RankingMetricsTest {

    private static final double EPS = 1e-12;

    /** Columns: label 0 plain, label 1 with a tie, label 2 with no positive (or only positives). */
    private static INDArray columns(double[] c0, double[] c1, double[] c2) {
        double[][] m = new double[c0.length][3];
        for (int i = 0; i < c0.length; i++) {
            m[i] = new double[]{c0[i], c1[i], c2[i]};
        }
        return Nd4j.createFromArray(m);
    }

    @Test
    void averagePrecisionWithTiesAndASkippedLabel() {
        // Label 0: scores .9 .8 .7 .6, labels 1 0 1 0: (R, P) = (.5, 1), (.5, .5), (1, 2/3), (1, .5) → AP 5/6.
        // Label 1: scores .9 .5 .5 .1, labels 0 1 0 1: the tie is one threshold: (0, 0), (.5, 1/3), (1, .5) → 5/12.
        // Label 2: no positive → skipped. mAP = (5/6 + 5/12) / 2 = 0.625.
        INDArray scores = columns(new double[]{.9, .8, .7, .6}, new double[]{.9, .5, .5, .1}, new double[]{.4, .3, .2, .1});
        INDArray labels = columns(new double[]{1, 0, 1, 0}, new double[]{0, 1, 0, 1}, new double[]{0, 0, 0, 0});
        assertEquals(0.625, new MeanAveragePrecision().compute(scores, labels), EPS);
    }

    @Test
    void averagePrecisionOfPerfectRankingIsOne() {
        INDArray scores = Nd4j.createFromArray(new double[][]{{5, -1}, {4, 3}, {-2, 2}, {-3, 9}});
        INDArray labels = Nd4j.createFromArray(new double[][]{{1, 0}, {1, 1}, {0, 0}, {0, 1}});
        assertEquals(1.0, new MeanAveragePrecision().compute(scores, labels), EPS);
        // The worst ranking of one positive among four: AP = precision at the last threshold = 1/4.
        INDArray worst = Nd4j.createFromArray(new double[][]{{1}, {2}, {3}, {4}});
        INDArray one = Nd4j.createFromArray(new double[][]{{1}, {0}, {0}, {0}});
        assertEquals(0.25, new MeanAveragePrecision().compute(worst, one), EPS);
    }

    @Test
    void aurocWithTiesAndASkippedLabel() {
        // Label 0: scores .1 .4 .4 .8, labels 0 0 1 1: average ranks 1, 2.5, 2.5, 4 → (6.5 − 3)/4 = 0.875
        //   (pairs: .4>.1, .4=.4 (½), .8>.1, .8>.4 → 3.5/4).
        // Label 1: perfectly separated → 1. Label 2: only positives → skipped. Mean 0.9375.
        INDArray scores = columns(new double[]{.1, .4, .4, .8}, new double[]{.2, .3, .9, .8}, new double[]{1, 2, 3, 4});
        INDArray labels = columns(new double[]{0, 0, 1, 1}, new double[]{0, 0, 1, 1}, new double[]{1, 1, 1, 1});
        assertEquals(0.9375, new MeanAuroc().compute(scores, labels), EPS);
    }

    @Test
    void aurocOfPerfectWorstAndConstantScores() {
        INDArray labels = Nd4j.createFromArray(new double[][]{{0}, {1}, {0}, {1}});
        MeanAuroc auroc = new MeanAuroc();
        assertEquals(1.0, auroc.compute(Nd4j.createFromArray(new double[][]{{0}, {5}, {1}, {3}}), labels), EPS);
        assertEquals(0.0, auroc.compute(Nd4j.createFromArray(new double[][]{{5}, {0}, {3}, {1}}), labels), EPS);
        assertEquals(0.5, auroc.compute(Nd4j.createFromArray(new double[][]{{2}, {2}, {2}, {2}}), labels), EPS);
    }

    @Test
    void aurocEqualsPairwiseCountOnRandomTiedScores() {
        SplittableRandom rng = new SplittableRandom(7);
        int b = 60;
        int l = 5;
        double[][] s = new double[b][l];
        double[][] y = new double[b][l];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < l; k++) {
                s[i][k] = rng.nextInt(6); // few values: many ties
                y[i][k] = rng.nextDouble() < 0.3 + 0.1 * k ? 1 : 0;
            }
        }
        double sum = 0;
        for (int k = 0; k < l; k++) {
            double wins = 0;
            long pairs = 0;
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < b; j++) {
                    if (y[i][k] == 1 && y[j][k] == 0) {
                        pairs++;
                        wins += s[i][k] > s[j][k] ? 1 : s[i][k] == s[j][k] ? 0.5 : 0;
                    }
                }
            }
            sum += wins / pairs;
        }
        assertEquals(sum / l, new MeanAuroc().compute(Nd4j.createFromArray(s), Nd4j.createFromArray(y)), 1e-12);
    }

    @Test
    void undefinedOrMalformedInputsAreRejected() {
        INDArray s = Nd4j.createFromArray(new double[][]{{1, 2}, {3, 4}});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MeanAveragePrecision().compute(s, Nd4j.zeros(2, 2)));
        assertTrue(e.getMessage().startsWith("map: no label has a positive"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MeanAuroc().compute(s, Nd4j.ones(2, 2)));
        assertTrue(e.getMessage().startsWith("auroc: no label has both values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MeanAuroc().compute(s,
                Nd4j.createFromArray(new double[][]{{0, 1}, {2, 0}})));
        assertTrue(e.getMessage().contains("labels must be 0 or 1, got 2.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MeanAveragePrecision().compute(s, Nd4j.ones(2, 3)));
        assertTrue(e.getMessage().contains("[2, 2]") && e.getMessage().contains("[2, 3]"), e.getMessage());
        INDArray nan = Nd4j.createFromArray(new double[][]{{Double.NaN, 0}, {1, 1}});
        INDArray y = Nd4j.createFromArray(new double[][]{{0, 1}, {1, 0}});
        assertTrue(Double.isNaN(new MeanAuroc().compute(nan, y)));
        assertTrue(Double.isNaN(new MeanAveragePrecision().compute(nan, y)));
    }
}
