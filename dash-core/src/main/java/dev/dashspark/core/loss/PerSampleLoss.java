package dev.dashspark.core.loss;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * A loss defined by its per-sample values ({@link #computeScoreArray}, (B, 1)) and its gradient: the score is their
 * sum, or their mean over the batch when averaged, as DL4J's own losses report it.
 */
abstract class PerSampleLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        INDArray s = computeScoreArray(labels, preOutput, activationFn, mask);
        double sum = s.sumNumber().doubleValue();
        return average ? sum / s.size(0) : sum;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }
}
