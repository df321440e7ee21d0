package dev.dashspark.core.metric;

import dev.dashspark.core.task.OutputKind;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Mean absolute error over all elements: {@code (1/n)·Σ |p − y|} with n the number of elements. Lower is better; the
 * value itself is the error. (PSICOV's MAE8 restricts this to contacts closer than 8 Å; that masking is the
 * caller's job.)
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
        double sum = 0;
        for (int j = 0; j < p.length; j++) {
            if (!Double.isFinite(y[j])) {
                throw new IllegalArgumentException(name() + ": label " + y[j] + " at flat index " + j
                        + " of labels shape " + Arrays.toString(labels.shape()) + " is not finite");
            }
            sum += Math.abs(p[j] - y[j]);
        }
        return sum / p.length;
    }
}
