package dev.dashspark.core.metric;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Clips}: FSD50K's clip-level scoring, by hand. */
class ClipsTest {

    private static final MeanAveragePrecision MAP = new MeanAveragePrecision();

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /**
     * Three clips of two chunks each, interleaved (rows A1 B1 C1 A2 B2 C2, clip ids 7, 3, 12), two labels: A is
     * positive for label 0, C for label 1.
     */
    private static final double[][] LOGITS = {{6, 0}, {1, -1}, {-1, 2}, {-2, 0}, {1, 0.5}, {-3, -1}};
    private static final double[][] LABELS = {{1, 0}, {0, 0}, {0, 1}, {1, 0}, {0, 0}, {0, 1}};
    private static final INDArray IDS = Nd4j.createFromArray(7.0, 3.0, 12.0, 7.0, 3.0, 12.0);

    @Test
    void clipLevelMapAveragesChunkLogitsAndDiffersFromChunkLevelAndFromAveragedProbabilities() {
        Clips.Scored s = Clips.average(Nd4j.createFromArray(LOGITS), Nd4j.createFromArray(LABELS), IDS);
        // clips in the order of their first chunk: A (mean logits 2, 0), B (1, −0.25), C (−2, 0.5)
        double[][] p = {{sigmoid(2), sigmoid(0)}, {sigmoid(1), sigmoid(-0.25)}, {sigmoid(-2), sigmoid(0.5)}};
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(p[c], s.probabilities().getRow(c).toDoubleVector(), 1e-15, "clip " + c);
        }
        assertArrayEquals(new double[]{1, 0, 0, 0, 0, 1}, s.labels().dup().data().asDouble());
        // per clip, each label's positive clip scores highest: mAP 1
        assertEquals(1.0, MAP.compute(s.probabilities(), s.labels()), 1e-12);
        // per chunk (by hand): label 0 AP = 1·½ + ⅖·½ = 0.7, label 1 AP = 1·½ + ⅓·½ = ⅔
        assertEquals((0.7 + 2.0 / 3) / 2, MAP.compute(Nd4j.createFromArray(LOGITS), Nd4j.createFromArray(LABELS)),
                1e-12);
        // averaging probabilities instead ranks clip B above A for label 0 (0.731 > (σ(6) + σ(−2))/2 = 0.558): AP ½
        double[][] probMean = new double[3][2];
        int[][] rows = {{0, 3}, {1, 4}, {2, 5}};
        for (int c = 0; c < 3; c++) {
            for (int k = 0; k < 2; k++) {
                probMean[c][k] = (sigmoid(LOGITS[rows[c][0]][k]) + sigmoid(LOGITS[rows[c][1]][k])) / 2;
            }
        }
        assertEquals((0.5 + 1.0) / 2, MAP.compute(Nd4j.createFromArray(probMean), s.labels()), 1e-12);
    }

    @Test
    void saturatedChunksKeepTheOrderOfTheirMeanLogits() {
        // σ of every chunk logit rounds to 1 in float32; the mean logits 35 and 35.5 still order the clips
        INDArray logits = Nd4j.createFromArray(new double[][]{{30}, {40}, {35}, {36}});
        INDArray labels = Nd4j.createFromArray(new double[][]{{0}, {0}, {1}, {1}});
        Clips.Scored s = Clips.average(logits, labels, Nd4j.createFromArray(1, 1, 2, 2));
        double x = s.probabilities().getDouble(0, 0);
        double y = s.probabilities().getDouble(1, 0);
        assertTrue(y > x && x > 1 - 1e-15, x + " " + y);
        assertEquals(1.0, MAP.compute(s.probabilities(), s.labels()), 0.0);
        assertEquals(1.0f, (float) sigmoid(30), "in float32 the chunks' probabilities tie");
    }

    @Test
    void chunksOfAClipMustCarryTheClipsLabels() {
        double[][] bad = LABELS.clone();
        bad[4] = new double[]{0, 1};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Clips.checkLabels(IDS, Nd4j.createFromArray(bad)));
        assertEquals("samples 1 and 4 are chunks of clip 3 but have different labels; every chunk of a clip carries"
                + " the clip's labels", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Clips.average(Nd4j.createFromArray(LOGITS),
                Nd4j.createFromArray(bad), IDS));
        assertTrue(e.getMessage().startsWith("clips: samples 1 and 4 are chunks of clip 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Clips.average(Nd4j.createFromArray(LOGITS),
                Nd4j.createFromArray(LABELS), Nd4j.createFromArray(1.0, 2.0)));
        assertEquals("clips: 2 clip ids for 6 samples", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Clips.groups(Nd4j.createFromArray(1.0, 2.5)));
        assertEquals("clips: clip id 2.5 of sample 1 is not an integer", e.getMessage());
        assertArrayEquals(new int[][]{{0, 3}, {1, 4}, {2, 5}}, Clips.groups(IDS.reshape(6, 1)));
    }
}
