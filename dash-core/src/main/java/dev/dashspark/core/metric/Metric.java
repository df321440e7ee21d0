package dev.dashspark.core.metric;

import dev.dashspark.core.task.OutputKind;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A task metric (docs/algorithm.md, Metrics): computed on a batch (or a whole split) of predictions and labels, with an
 * explicit direction and a lower-is-better {@link #error(double) error} for performance profiles.
 *
 * <p>Implementations are stateless and thread-safe. Inputs are never modified; any data type is accepted and
 * computed in float64. Labels are data: malformed labels (wrong shape, values outside the label domain) throw
 * {@link IllegalArgumentException} naming the metric, the array and the offending value. Predictions are model
 * output: if any prediction is NaN, {@link #compute} returns NaN (a diverged model) instead of throwing, and
 * {@link #error(double)} maps NaN to +∞, the worst possible error.
 *
 * <p>Use {@link Metrics#parse(String)} to get an instance by its configuration name.
 */
public interface Metric {

    /** The configuration name, one of {@link Metrics#NAMES}. */
    String name();

    /** The kind of task this metric scores (its label shapes): classes, multi-label or dense. */
    OutputKind outputKind();

    /**
     * Why this metric cannot score a task with {@code numOutputs} outputs on a {@code dims}-dimensional input grid of
     * {@code inputShape}, beyond its {@link #outputKind()}; null when it can (every metric but {@code mae8}, which
     * needs one square 2D map).
     */
    default String unsuitable(int dims, int numOutputs, int[] inputShape) {
        return null;
    }

    /** {@code true} for accuracy, F1, mAP and AUROC; {@code false} for errors (relative L2, MAE, MAE8, FNR). */
    boolean higherIsBetter();

    /**
     * The metric of {@code predictions} against {@code labels}; shapes as documented by each implementation.
     *
     * @throws IllegalArgumentException if the shapes disagree or the labels are outside the label domain
     */
    double compute(INDArray predictions, INDArray labels);

    /**
     * The lower-is-better error of a metric value, as NAS-Bench-360 reports it (docs/algorithm.md, Metrics): {@code 1 − value}
     * for higher-is-better metrics, {@code value} itself otherwise; NaN (a diverged run) maps to +∞.
     */
    default double error(double value) {
        if (Double.isNaN(value)) {
            return Double.POSITIVE_INFINITY;
        }
        return higherIsBetter() ? 1.0 - value : value;
    }
}
