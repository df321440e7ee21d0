package dev.dashspark.core.metric;

import dev.dashspark.core.task.OutputKind;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * MAE8, the error NAS-Bench-360 reports for PSICOV (the reference's {@code psicov_mae}; docs/algorithm.md, "Task
 * extras"): the mean absolute error of predicted inter-residue distances over the long-range contacts of each
 * protein, averaged over proteins.
 *
 * <p>For a protein's predicted map P and true map Y (L × L, row p and column q residues), the scored pairs are
 * those with sequence separation {@code q − p ≥ 24} and true distance {@code Y[p, q] ≤ 8} Å. Each is predicted by
 * <pre>
 *   ŷ(p, q) = ( max(P[q, p], 0.01) + max((P[q, p] + P[p, q]) / 2, 0.01) ) / 2,
 * </pre>
 * which is what the reference's two successive averages of the triangles compute: it first overwrites the upper
 * triangle with the mean of both, then clips the map below at 0.01, then averages the (original) lower triangle with
 * that new upper one. The protein's error is the mean of {@code |ŷ − Y|} over its pairs; proteins without any such
 * pair are left out, and the result is the mean over the others.
 *
 * <p>The reference cuts each map to the protein's length L before scoring, and shifts it by the loader's padding of
 * 5; both leave the scored pairs unchanged for maps as its loader writes them, whose positions outside the protein
 * hold the distance 100 (never ≤ 8). It looks L up by the position within the evaluation batch, so every batch is
 * cut to the lengths of the list's first two proteins; this metric scores every pair of the map instead, which is
 * each protein's own L × L block (docs/algorithm.md, "Deviations").
 *
 * <p>Shapes: predictions and labels (B, 1, L, L), B ≥ 1. Labels must be finite. A NaN prediction gives NaN; labels
 * without any scored pair make MAE8 undefined and are rejected (the reference returns +∞).
 */
public record ContactMae() implements Metric {

    /** The least sequence separation q − p of a scored pair. */
    public static final int MIN_SEPARATION = 24;
    /** The largest true distance (Å) of a scored pair. */
    public static final double MAX_DISTANCE = 8.0;
    /** Predictions are clipped below at this distance. */
    public static final double FLOOR = 0.01;

    @Override
    public String name() {
        return "mae8";
    }

    @Override
    public OutputKind outputKind() {
        return OutputKind.DENSE;
    }

    @Override
    public boolean higherIsBetter() {
        return false;
    }

    @Override
    public String unsuitable(int dims, int numOutputs, int[] inputShape) {
        if (dims != 2) {
            return "scores 2D distance maps, not dims " + dims;
        }
        if (numOutputs != 1) {
            return "scores one output channel (a distance map), not " + numOutputs;
        }
        if (inputShape[0] != inputShape[1]) {
            return "scores square residue × residue maps, not shape " + inputShape[0] + "x" + inputShape[1];
        }
        return null;
    }

    @Override
    public double compute(INDArray predictions, INDArray labels) {
        MetricInputs.sameShape(name(), predictions, labels);
        long[] s = labels.shape();
        if (s.length != 4 || s[1] != 1 || s[2] != s[3]) {
            throw new IllegalArgumentException(name() + ": labels shape " + Arrays.toString(s)
                    + " must be distance maps (B, 1, L, L)");
        }
        double[] p = MetricInputs.flat(predictions);
        double[] y = MetricInputs.flat(labels);
        MetricInputs.finiteLabels(name(), y, s);
        if (MetricInputs.hasNaN(p)) {
            return Double.NaN;
        }
        int l = (int) s[2];
        int plane = l * l;
        double total = 0;
        int proteins = 0;
        for (int b = 0; b < s[0]; b++) {
            int o = b * plane;
            double sum = 0;
            long pairs = 0;
            for (int r = 0; r < l; r++) {
                for (int c = r + MIN_SEPARATION; c < l; c++) {
                    double truth = y[o + r * l + c];
                    if (truth > MAX_DISTANCE) {
                        continue;
                    }
                    double lower = p[o + c * l + r];
                    double upper = (lower + p[o + r * l + c]) / 2;
                    double predicted = (Math.max(lower, FLOOR) + Math.max(upper, FLOOR)) / 2;
                    sum += Math.abs(predicted - truth);
                    pairs++;
                }
            }
            if (pairs > 0) {
                total += sum / pairs;
                proteins++;
            }
        }
        if (proteins == 0) {
            throw new IllegalArgumentException(name() + ": no map of labels shape " + Arrays.toString(s)
                    + " has a pair at separation ≥ " + MIN_SEPARATION + " with distance ≤ " + MAX_DISTANCE
                    + "; MAE8 is undefined");
        }
        return total / proteins;
    }
}
