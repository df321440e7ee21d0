package dev.dashspark.core.metric;

import dev.dashspark.core.task.OutputKind;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Mean relative L2 error (Darcy Flow, docs/algorithm.md, Metrics): {@code (1/B)·Σ_b ‖p_b − y_b‖₂ / ‖y_b‖₂}, each norm over all
 * elements of sample b. Lower is better; the paper reports the value itself. A sample whose label norm is 0 makes the
 * error undefined and is rejected.
 *
 * <p>Shapes: predictions and labels the same, any (B, ...) with B ≥ 1, e.g. (B, 1, H, W).
 */
public record RelativeL2() implements Metric {

    @Override
    public String name() {
        return "rel-l2";
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
        int b = (int) predictions.size(0);
        int n = p.length / b;
        double sum = 0;
        for (int i = 0; i < b; i++) {
            double diff = 0;
            double norm = 0;
            for (int j = i * n; j < (i + 1) * n; j++) {
                double d = p[j] - y[j];
                diff += d * d;
                norm += y[j] * y[j];
            }
            if (norm == 0) {
                throw new IllegalArgumentException(name() + ": sample " + i + " of labels shape "
                        + Arrays.toString(labels.shape()) + " is all zero; relative L2 error is undefined");
            }
            sum += Math.sqrt(diff) / Math.sqrt(norm);
        }
        return sum / b;
    }
}
