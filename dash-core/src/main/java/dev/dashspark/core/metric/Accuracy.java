package dev.dashspark.core.metric;

import dev.dashspark.core.task.OutputKind;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Top-1 accuracy: {@code (1/B)·Σ_b [argmax_c p[b, c] = y_b]} (the first maximum on ties). Paper error: {@code 1 − acc}.
 *
 * <p>Shapes: predictions are class scores (B, C) (logits, log-probabilities or probabilities: only the argmax
 * matters); labels are class indices (B) or (B, 1), or one-hot (B, C).
 */
public record Accuracy() implements Metric {

    @Override
    public String name() {
        return "accuracy";
    }

    @Override
    public OutputKind outputKind() {
        return OutputKind.CLASSES;
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public double compute(INDArray predictions, INDArray labels) {
        int[] y = MetricInputs.classLabels(name(), predictions, labels);
        double[][] scores = MetricInputs.rows(predictions);
        if (MetricInputs.hasNaN(scores)) {
            return Double.NaN;
        }
        int[] pred = MetricInputs.argmaxRows(scores);
        int correct = 0;
        for (int i = 0; i < y.length; i++) {
            if (pred[i] == y[i]) {
                correct++;
            }
        }
        return (double) correct / y.length;
    }
}
