package dev.dashspark.core.metric;

import dev.dashspark.core.task.OutputKind;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Mean area under the ROC curve over labels (DeepSEA, docs/algorithm.md, Metrics). Per label l with P &gt; 0 positives and
 * N &gt; 0 negatives, the Mann–Whitney form {@code AUC_l = (Σ_{b positive} rank_b − P(P+1)/2) / (P·N)}, where
 * rank_b is the 1-based ascending rank of the score and tied scores share their average rank (so a tied
 * positive/negative pair counts ½, exactly the trapezoidal ROC area). The result is the mean of AUC_l over labels
 * with both label values; labels with only one value are skipped, and if every label is skipped the metric is
 * undefined and an {@link IllegalArgumentException} is thrown. Paper error: {@code 1 − AUROC}.
 *
 * <p>Shapes: predictions are scores (B, L) (logits or probabilities: only the order matters); labels are (B, L)
 * with values 0 or 1.
 */
public record MeanAuroc() implements Metric {

    @Override
    public String name() {
        return "auroc";
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
        return MetricInputs.meanOverLabels(name(), predictions, labels, MeanAuroc::auroc,
                "no label has both values 0 and 1; AUROC is undefined");
    }

    /** AUROC of one label column by the rank-sum formula; NaN when the column has one class only. */
    static double auroc(double[] score, boolean[] positive, int p) {
        long n = score.length - p;
        if (p == 0 || n == 0) {
            return Double.NaN;
        }
        double[] ranks = averageRanks(score);
        double rankSum = 0;
        for (int i = 0; i < score.length; i++) {
            if (positive[i]) {
                rankSum += ranks[i];
            }
        }
        return (rankSum - p * (p + 1) / 2.0) / ((double) p * n);
    }

    /** 1-based ascending ranks, ties sharing their average rank. */
    static double[] averageRanks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> v[i]));
        double[] ranks = new double[v.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double avg = (i + j) / 2.0 + 1.0;
            for (int t = i; t <= j; t++) {
                ranks[order[t]] = avg;
            }
            i = j + 1;
        }
        return ranks;
    }
}
