package dev.dashspark.core.metric;

import dev.dashspark.core.task.OutputKind;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Mean absolute error over all elements: {@code (1/n)·Σ |p − y|} with n the number of elements. Lower is better; the
 * value itself is the error. (PSICOV's MAE8, which restricts the error to long-range contacts, is {@link ContactMae}.)
 *
 * <p>Shapes: predictions and labels the same, any (B, ...) with B ≥ 1.
 */
public record MeanAbsoluteError() implements Metric {

    @Override
    public String name() {
        return "mae";
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
        MetricInputs.finiteLabels(name(), y, labels.shape());
        double sum = 0;
        for (int j = 0; j < p.length; j++) {
            sum += Math.abs(p[j] - y[j]);
        }
        return sum / p.length;
    }
}
