package dev.dashspark.core.metric;

import dev.dashspark.core.task.OutputKind;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Macro-averaged F1 over classes (ECG, docs/algorithm.md, Metrics), as scikit-learn's {@code f1_score(average='macro')} with the
 * classes taken from predictions and labels: with ŷ_b = argmax_c p[b, c] (first maximum on ties), per class c
 * {@code F1_c = 2·TP_c / (2·TP_c + FP_c + FN_c)}, and the result is the mean of F1_c over the classes that occur
 * among the labels or the predictions; a class absent from both is skipped. Paper error: {@code 1 − F1}.
 *
 * <p>Shapes: predictions are class scores (B, C); labels are class indices (B) or (B, 1), or one-hot (B, C).
 */
public record MacroF1() implements Metric {

    @Override
    public String name() {
        return "macro-f1";
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
        int c = scores[0].length;
        long[] tp = new long[c];
        long[] fp = new long[c];
        long[] fn = new long[c];
        for (int i = 0; i < y.length; i++) {
            if (pred[i] == y[i]) {
                tp[y[i]]++;
            } else {
                fp[pred[i]]++;
                fn[y[i]]++;
            }
        }
        double sum = 0;
        int used = 0;
        for (int k = 0; k < c; k++) {
            long denom = 2 * tp[k] + fp[k] + fn[k];
            if (denom == 0) {
                continue;
            }
            sum += 2.0 * tp[k] / denom;
            used++;
        }
        return sum / used; // used ≥ 1: every sample has a label class
    }
}
