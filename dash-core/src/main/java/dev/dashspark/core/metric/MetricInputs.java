package dev.dashspark.core.metric;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/** Shape checks and float64 copies shared by the metrics. Package-private. */
final class MetricInputs {

    private MetricInputs() {
    }

    /** All elements in C order, as float64. */
    static double[] flat(INDArray a) {
        INDArray c = a.castTo(DataType.DOUBLE).dup('c');
        double[] v = c.data().asDouble();
        if (v.length != c.length()) {
            v = Arrays.copyOf(v, (int) c.length());
        }
        return v;
    }

    /** Rows of a rank-2 array as float64. */
    static double[][] rows(INDArray a) {
        int b = (int) a.size(0);
        int n = (int) a.size(1);
        double[] flat = flat(a);
        double[][] out = new double[b][n];
        for (int i = 0; i < b; i++) {
            System.arraycopy(flat, i * n, out[i], 0, n);
        }
        return out;
    }

    static void notNull(String metric, INDArray predictions, INDArray labels) {
        if (predictions == null || labels == null) {
            throw new IllegalArgumentException(metric + ": " + (predictions == null ? "predictions" : "labels")
                    + " must not be null");
        }
    }

    static boolean hasNaN(double[] v) {
        for (double x : v) {
            if (Double.isNaN(x)) {
                return true;
            }
        }
        return false;
    }

    static boolean hasNaN(double[][] v) {
        for (double[] r : v) {
            if (hasNaN(r)) {
                return true;
            }
        }
        return false;
    }

    /** Same shape, rank ≥ 1, at least one sample. */
    static void sameShape(String metric, INDArray predictions, INDArray labels) {
        notNull(metric, predictions, labels);
        if (!Arrays.equals(predictions.shape(), labels.shape())) {
            throw new IllegalArgumentException(metric + ": predictions shape " + Arrays.toString(predictions.shape())
                    + " differs from labels shape " + Arrays.toString(labels.shape()));
        }
        if (predictions.rank() < 1 || predictions.size(0) == 0) {
            throw new IllegalArgumentException(metric + ": predictions shape " + Arrays.toString(predictions.shape())
                    + " must be (B, ...) with B ≥ 1");
        }
    }

    /** Multi-label inputs: predictions and labels both (B, L), labels in {0, 1}. */
    static void multiLabel(String metric, INDArray predictions, INDArray labels) {
        sameShape(metric, predictions, labels);
        if (predictions.rank() != 2) {
            throw new IllegalArgumentException(metric + ": predictions shape " + Arrays.toString(predictions.shape())
                    + " must be (B, L)");
        }
    }

    /** Every label finite, or an error naming the metric, the value, its flat index and the labels' shape. */
    static void finiteLabels(String metric, double[] labels, long[] shape) {
        for (int i = 0; i < labels.length; i++) {
            if (!Double.isFinite(labels[i])) {
                throw new IllegalArgumentException(metric + ": label " + labels[i] + " at flat index " + i
                        + " of labels shape " + Arrays.toString(shape) + " is not finite");
            }
        }
    }

    static void binaryLabels(String metric, double[] labels, long[] shape) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != 0.0 && labels[i] != 1.0) {
                throw new IllegalArgumentException(metric + ": labels must be 0 or 1, got " + labels[i]
                        + " at flat index " + i + " of labels shape " + Arrays.toString(shape));
            }
        }
    }

    /**
     * Class scores (B, C) and labels as class indices (B) or (B, 1), or one-hot (B, C); returns the label class per
     * sample.
     */
    static int[] classLabels(String metric, INDArray predictions, INDArray labels) {
        notNull(metric, predictions, labels);
        if (predictions.rank() != 2 || predictions.size(0) == 0 || predictions.size(1) == 0) {
            throw new IllegalArgumentException(metric + ": predictions shape " + Arrays.toString(predictions.shape())
                    + " must be class scores (B, C) with B, C ≥ 1");
        }
        int b = (int) predictions.size(0);
        int c = (int) predictions.size(1);
        long[] ls = labels.shape();
        boolean indices = (labels.rank() == 1 && ls[0] == b) || (labels.rank() == 2 && ls[0] == b && ls[1] == 1 && c > 1);
        boolean oneHot = labels.rank() == 2 && ls[0] == b && ls[1] == c && !indices;
        if (!indices && !oneHot) {
            throw new IllegalArgumentException(metric + ": labels shape " + Arrays.toString(ls)
                    + " must be class indices (" + b + ") or one-hot (" + b + ", " + c + ") for predictions shape "
                    + Arrays.toString(predictions.shape()));
        }
        double[] v = flat(labels);
        int[] out = new int[b];
        if (indices) {
            for (int i = 0; i < b; i++) {
                double x = v[i];
                if (x != Math.rint(x) || x < 0 || x >= c) {
                    throw new IllegalArgumentException(metric + ": label " + x + " of sample " + i
                            + " is not a class index in [0, " + c + ")");
                }
                out[i] = (int) x;
            }
            return out;
        }
        for (int i = 0; i < b; i++) {
            int hot = -1;
            for (int j = 0; j < c; j++) {
                double x = v[i * c + j];
                if (x == 1.0 && hot < 0) {
                    hot = j;
                } else if (x != 0.0) {
                    hot = -2;
                    break;
                }
            }
            if (hot < 0) {
                double[] row = Arrays.copyOfRange(v, i * c, i * c + c);
                throw new IllegalArgumentException(metric + ": labels row " + i + " " + Arrays.toString(row)
                        + " is not one-hot");
            }
            out[i] = hot;
        }
        return out;
    }

    /** Index of the largest score per row, the first on ties. */
    static int[] argmaxRows(double[][] scores) {
        int[] out = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            int best = 0;
            for (int j = 1; j < scores[i].length; j++) {
                if (scores[i][j] > scores[i][best]) {
                    best = j;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** A per-label score of one label column; NaN when it is undefined for that column (the column is skipped). */
    @FunctionalInterface
    interface PerLabel {
        double score(double[] scores, boolean[] positive, int positives);
    }

    /**
     * The mean over label columns of a multi-label (B, L) problem of {@code perLabel}, skipping the columns where it
     * is undefined; NaN when a prediction is NaN (a diverged model). Throws, naming {@code undefined}, when every
     * column is skipped.
     */
    static double meanOverLabels(String metric, INDArray predictions, INDArray labels, PerLabel perLabel, String undefined) {
        multiLabel(metric, predictions, labels);
        double[][] s = rows(predictions);
        double[][] y = rows(labels);
        binaryLabels(metric, flat(labels), labels.shape());
        if (hasNaN(s)) {
            return Double.NaN;
        }
        int b = s.length;
        double sum = 0;
        int used = 0;
        for (int k = 0; k < s[0].length; k++) {
            double[] score = new double[b];
            boolean[] positive = new boolean[b];
            int positives = 0;
            for (int i = 0; i < b; i++) {
                score[i] = s[i][k];
                positive[i] = y[i][k] == 1.0;
                positives += positive[i] ? 1 : 0;
            }
            double v = perLabel.score(score, positive, positives);
            if (!Double.isNaN(v)) {
                sum += v;
                used++;
            }
        }
        if (used == 0) {
            throw new IllegalArgumentException(metric + ": " + undefined + " in labels shape "
                    + java.util.Arrays.toString(labels.shape()));
        }
        return sum / used;
    }
}
