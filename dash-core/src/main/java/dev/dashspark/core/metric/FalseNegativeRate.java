package dev.dashspark.core.metric;

import dev.dashspark.core.task.OutputKind;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * False-negative rate of binary masks (Cosmic, docs/algorithm.md, Metrics): an element is predicted positive iff its
 * prediction is &gt; 0.5, and {@code FNR = FN / (FN + TP)} over all elements of the batch, i.e. the fraction of
 * positive label elements the prediction misses. Lower is better; the value itself is the error. Labels without
 * any positive element make it undefined and are rejected. (The reference's "ignore" mask is the caller's job.)
 *
 * <p>Shapes: predictions (probabilities, e.g. after a sigmoid) and labels the same, any (B, ...) with B ≥ 1,
 * e.g. (B, 1, H, W); labels 0 or 1.
 */
public record FalseNegativeRate() implements Metric {

    /** Predictions strictly above this are positive. */
    public static final double THRESHOLD = 0.5;

    @Override
    public String name() {
        return "fnr";
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
    public double compute(INDArray predictions, INDArray labels) {
        MetricInputs.sameShape(name(), predictions, labels);
        double[] p = MetricInputs.flat(predictions);
        double[] y = MetricInputs.flat(labels);
        MetricInputs.binaryLabels(name(), y, labels.shape());
        if (MetricInputs.hasNaN(p)) {
            return Double.NaN;
        }
        long tp = 0;
        long fn = 0;
        for (int j = 0; j < p.length; j++) {
            if (y[j] == 1.0) {
                if (p[j] > THRESHOLD) {
                    tp++;
                } else {
                    fn++;
                }
            }
        }
        if (tp + fn == 0) {
            throw new IllegalArgumentException(name() + ": labels shape " + Arrays.toString(labels.shape())
                    + " has no positive element; the false-negative rate is undefined");
        }
        return (double) fn / (fn + tp);
    }
}
