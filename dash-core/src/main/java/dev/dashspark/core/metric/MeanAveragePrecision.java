package dev.dashspark.core.metric;

import dev.dashspark.core.task.OutputKind;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Mean average precision over labels (FSD50K, docs/algorithm.md, Metrics), as scikit-learn's {@code average_precision_score}
 * per label, averaged: for label l with P_l &gt; 0 positives, sweep the distinct scores from highest to lowest
 * (tied scores form one threshold); at threshold n, precision {@code P_n = TP/(TP+FP)} and recall
 * {@code R_n = TP/P_l} of the samples scoring ≥ it, and {@code AP_l = Σ_n (R_n − R_{n−1})·P_n} with R_0 = 0.
 * The result is the mean of AP_l over labels with at least one positive; labels with none are skipped, and if every
 * label is skipped the metric is undefined and an {@link IllegalArgumentException} is thrown. Paper error:
 * {@code 1 − mAP}. (The reference averages chunk logits per clip before scoring: that is the caller's job.)
 *
 * <p>Shapes: predictions are scores (B, L) (logits or probabilities: only the order matters); labels are (B, L)
 * with values 0 or 1.
 */
public record MeanAveragePrecision() implements Metric {

    @Override
    public String name() {
        return "map";
    }

    @Override
    public OutputKind outputKind() {
        return OutputKind.MULTI_LABEL;
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public double compute(INDArray predictions, INDArray labels) {
        return MetricInputs.meanOverLabels(name(), predictions, labels,
                (score, positive, positives) -> positives == 0 ? Double.NaN : averagePrecision(score, positive, positives),
                "no label has a positive sample; mean average precision is undefined");
    }

    static double averagePrecision(double[] score, boolean[] positive, int positives) {
        Integer[] order = new Integer[score.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> score[i]).reversed());
        double ap = 0;
        double prevRecall = 0;
        long tp = 0;
        long fp = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j < order.length && score[order[j]] == score[order[i]]) {
                if (positive[order[j]]) {
                    tp++;
                } else {
                    fp++;
                }
                j++;
            }
            double recall = (double) tp / positives;
            double precision = (double) tp / (tp + fp);
            ap += (recall - prevRecall) * precision;
            prevRecall = recall;
            i = j;
        }
        return ap;
    }
}
