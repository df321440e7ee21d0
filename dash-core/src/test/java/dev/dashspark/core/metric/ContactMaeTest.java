package dev.dashspark.core.metric;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ContactMae}: PSICOV's MAE8 by hand on a tiny map, and against the reference's own computation. */
class ContactMaeTest {

    private static final ContactMae MAE8 = new ContactMae();

    /** (B, 1, n, n) maps, all {@code fill}. */
    private static double[][][][] maps(int b, int n, double fill) {
        double[][][][] m = new double[b][1][n][n];
        for (double[][][] s : m) {
            for (double[] row : s[0]) {
                java.util.Arrays.fill(row, fill);
            }
        }
        return m;
    }

    @Test
    void averagesBothTrianglesAsTheReferenceClipsBelowAndScoresLongRangeContactsPerProtein() {
        int n = 27;
        double[][][][] y = maps(3, n, 100.0);
        double[][][][] p = maps(3, n, 50.0);
        // protein 0: three pairs at separation ≥ 24 — (0,24), (1,25), (2,26) — and a few that must not count
        y[0][0][0][24] = 5.0;
        p[0][0][24][0] = 2.0;   // lower triangle
        p[0][0][0][24] = 10.0;  // upper triangle: ŷ = (max(2, .01) + max((2 + 10)/2, .01))/2 = 4 → |4 − 5| = 1
        y[0][0][1][25] = 8.0;   // exactly 8 Å counts
        p[0][0][25][1] = -3.0;
        p[0][0][1][25] = 4.0;   // ŷ = (0.01 + max(0.5, .01))/2 = 0.255 → |0.255 − 8| = 7.745
        y[0][0][2][26] = 8.5;   // farther than 8 Å: not a contact
        y[0][0][0][23] = 1.0;   // separation 23: too close in sequence
        y[0][0][26][0] = 1.0;   // lower triangle: never read as truth
        // protein 1: no contact at all, left out of the mean
        // protein 2: one pair, ŷ = (6 + 6)/2 = 6 → |6 − 7| = 1
        y[2][0][1][26] = 7.0;
        p[2][0][26][1] = 6.0;
        p[2][0][1][26] = 6.0;
        double value = MAE8.compute(Nd4j.createFromArray(p), Nd4j.createFromArray(y));
        double protein0 = (1.0 + 7.745) / 2;
        assertEquals((protein0 + 1.0) / 2, value, 1e-12);
    }

    /**
     * Maps as the reference's loader writes them (each protein at offset 5 of the map, distance 100 around it), with
     * asymmetric predictions that go below 0.01. The expected values are what the reference's {@code psicov_mae}
     * prints for the same maps (its {@code __call__} run in NumPy with LMAX = 64 and each protein's own length).
     */
    @Test
    void agreesWithTheReferencesComputationOnPaddedMaps() {
        assertEquals(2.5752971907178024, MAE8.compute(predictions(64, 40, 53), truths(64, 40, 53)), 1e-6);
        assertEquals(2.695416569709778, MAE8.compute(predictions(64, 30), truths(64, 30)), 1e-6);
    }

    private static INDArray truths(int n, int... lengths) {
        double[][][][] y = maps(lengths.length, n, 100.0);
        for (int b = 0; b < lengths.length; b++) {
            for (int i = 0; i < lengths[b]; i++) {
                for (int j = 0; j < lengths[b]; j++) {
                    int lo = Math.min(i, j);
                    int hi = Math.max(i, j);
                    y[b][0][5 + i][5 + j] = (float) (3 + ((lo * 7 + hi * 13 + b) % 23) * 0.5);
                }
            }
        }
        return Nd4j.createFromArray(y).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
    }

    private static INDArray predictions(int n, int... lengths) {
        double[][][][] p = maps(lengths.length, n, 0);
        for (int b = 0; b < lengths.length; b++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    p[b][0][i][j] = (float) (((i * 11 + j * 3 + b * 7) % 29) * 0.4 - 0.5);
                }
            }
        }
        return Nd4j.createFromArray(p).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
    }

    @Test
    void diagonalMapsHoldNoScoredPairAndAreRejected() {
        INDArray y = Nd4j.createFromArray(maps(2, 30, 100.0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MAE8.compute(y, y));
        assertEquals("mae8: no map of labels shape [2, 1, 30, 30] has a pair at separation ≥ 24 with distance ≤ 8.0;"
                + " MAE8 is undefined", e.getMessage());
    }

    @Test
    void nanPredictionsGiveNanAndShapesAreChecked() {
        double[][][][] y = maps(1, 26, 100.0);
        y[0][0][0][25] = 4.0;
        double[][][][] p = maps(1, 26, 1.0);
        p[0][0][3][3] = Double.NaN;
        assertTrue(Double.isNaN(MAE8.compute(Nd4j.createFromArray(p), Nd4j.createFromArray(y))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MAE8.compute(Nd4j.zeros(1, 2, 26, 26), Nd4j.zeros(1, 2, 26, 26)));
        assertEquals("mae8: labels shape [1, 2, 26, 26] must be distance maps (B, 1, L, L)", e.getMessage());
        assertNull(MAE8.unsuitable(2, 1, new int[]{128, 128}));
        assertEquals("scores 2D distance maps, not dims 1", MAE8.unsuitable(1, 1, new int[]{128}));
        assertEquals("scores one output channel (a distance map), not 2", MAE8.unsuitable(2, 2, new int[]{8, 8}));
        assertEquals("scores square residue × residue maps, not shape 128x64", MAE8.unsuitable(2, 1, new int[]{128, 64}));
    }
}
