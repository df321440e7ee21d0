package dev.dashspark.core.metric;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Clip-level scoring of a task whose samples are fixed-length chunks of longer clips (FSD50K; key
 * {@code clip-average}, docs/algorithm.md, "Task extras"), as the reference scores FSD50K: the logits of all
 * chunks of a clip are averaged, the clip's prediction is the sigmoid of that mean, and the metric is computed over
 * clips, each with its label (every chunk of a clip carries the clip's labels).
 *
 * <p>Clips are listed in the order of their first chunk. The averages and the sigmoid are computed in float64 from
 * the logits themselves, so a clip whose chunks have saturated probabilities still gets its exact ordering.
 */
public final class Clips {

    private Clips() {
    }

    /**
     * The clip-level predictions and labels.
     *
     * @param probabilities (clips, L), float64: σ(mean of the clip's chunk logits)
     * @param labels        (clips, L): the labels of the clip's chunks
     */
    public record Scored(INDArray probabilities, INDArray labels) {
    }

    /**
     * The rows of each clip: clip ids (B) or (B, 1), integral values; clips in the order of their first row.
     *
     * @throws IllegalArgumentException when an id is not an integer
     */
    public static int[][] groups(INDArray clipIds) {
        if (clipIds == null || clipIds.length() == 0 || clipIds.rank() > 2 || clipIds.length() != clipIds.size(0)) {
            throw new IllegalArgumentException("clips: clip ids of shape "
                    + (clipIds == null ? "null" : Arrays.toString(clipIds.shape())) + " must be (B) or (B, 1)");
        }
        double[] ids = MetricInputs.flat(clipIds);
        Map<Double, List<Integer>> byId = new LinkedHashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != Math.rint(ids[i])) {
                throw new IllegalArgumentException("clips: clip id " + ids[i] + " of sample " + i + " is not an integer");
            }
            byId.computeIfAbsent(ids[i], k -> new ArrayList<>()).add(i);
        }
        return byId.values().stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    /**
     * Checks that all chunks of each clip carry the same labels (B, L), the clip's.
     *
     * @throws IllegalArgumentException naming the clip id and the two samples that disagree
     */
    public static void checkLabels(INDArray clipIds, INDArray labels) {
        labels(groups(clipIds), clipIds, labels);
    }

    /**
     * Clip-level predictions of chunk logits (B, L) with chunk labels (B, L) and clip ids (B) or (B, 1).
     *
     * @throws IllegalArgumentException when the shapes disagree or the chunks of a clip carry different labels
     */
    public static Scored average(INDArray logits, INDArray labels, INDArray clipIds) {
        MetricInputs.multiLabel("clips", logits, labels);
        if (clipIds == null || clipIds.length() != logits.size(0)) {
            throw new IllegalArgumentException("clips: " + (clipIds == null ? "no" : clipIds.length())
                    + " clip ids for " + logits.size(0) + " samples");
        }
        int[][] groups = groups(clipIds);
        double[][] clipLabels;
        try {
            clipLabels = labels(groups, clipIds, labels);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("clips: " + e.getMessage(), e);
        }
        double[][] z = MetricInputs.rows(logits);
        int n = z[0].length;
        double[][] p = new double[groups.length][n];
        for (int c = 0; c < groups.length; c++) {
            for (int k = 0; k < n; k++) {
                double sum = 0;
                for (int row : groups[c]) {
                    sum += z[row][k];
                }
                p[c][k] = 1 / (1 + Math.exp(-sum / groups[c].length));
            }
        }
        return new Scored(Nd4j.createFromArray(p), Nd4j.createFromArray(clipLabels).castTo(DataType.DOUBLE));
    }

    /** The labels of each clip (its first row's), checking the other rows agree. */
    private static double[][] labels(int[][] groups, INDArray clipIds, INDArray labels) {
        if (labels.rank() != 2 || labels.size(0) != clipIds.length()) {
            throw new IllegalArgumentException("labels shape " + Arrays.toString(labels.shape()) + " must be (B, L) for "
                    + clipIds.length() + " clip ids");
        }
        double[][] y = MetricInputs.rows(labels);
        double[] ids = MetricInputs.flat(clipIds);
        double[][] out = new double[groups.length][];
        for (int c = 0; c < groups.length; c++) {
            int first = groups[c][0];
            for (int row : groups[c]) {
                if (!Arrays.equals(y[row], y[first])) {
                    throw new IllegalArgumentException("samples " + first + " and " + row + " are chunks of clip "
                            + (long) ids[first] + " but have different labels; every chunk of a clip carries the clip's"
                            + " labels");
                }
            }
            out[c] = y[first];
        }
        return out;
    }
}
