package dev.dashspark.core.loss;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Binary cross-entropy on logits with a weight w on the positive term, PyTorch's
 * {@code BCEWithLogitsLoss(pos_weight=w)} with its default mean reduction: per element, for the logit z and the
 * label y,
 * <pre>ℓ(z, y) = −[w·y·log σ(z) + (1 − y)·log(1 − σ(z))] = w·y·softplus(−z) + (1 − y)·softplus(z),</pre>
 * computed from z through softplus (no log of a rounded probability, so saturated logits keep their precision);
 * a sample's score is the mean of ℓ over its n labels (or positions), and DL4J averages the scores over the batch,
 * which together make PyTorch's mean over all elements. Gradient with respect to z:
 * {@code (w·y·(σ(z) − 1) + (1 − y)·σ(z)) / n}.
 *
 * <p>The network's output activation must be the sigmoid (its outputs are the probabilities the metrics see); the
 * loss reads the logits (the pre-activation) directly.
 */
public class WeightedBinaryCrossEntropy extends PerSampleLoss {
    private static final long serialVersionUID = 2L;

    private double posWeight = 1.0;

    /** For Jackson. */
    public WeightedBinaryCrossEntropy() {
    }

    public WeightedBinaryCrossEntropy(double posWeight) {
        if (!(posWeight > 0) || !Double.isFinite(posWeight)) {
            throw new IllegalArgumentException("posWeight: must be finite and > 0, got " + posWeight);
        }
        this.posWeight = posWeight;
    }

    public double getPosWeight() {
        return posWeight;
    }

    public void setPosWeight(double posWeight) {
        this.posWeight = posWeight;
    }

    private static void checkSigmoid(IActivation activationFn) {
        if (!(activationFn instanceof ActivationSigmoid)) {
            throw new IllegalArgumentException("bce: the output activation must be the sigmoid, got " + activationFn);
        }
    }

    /** softplus(v) = log(1 + e^v), stable for large |v|: max(v, 0) + log1p(e^{−|v|}). */
    private static INDArray softplus(INDArray v) {
        INDArray abs = Transforms.abs(v, true);
        INDArray tail = Transforms.log1p(Transforms.exp(abs.negi(), false), false);
        return Transforms.relu(v, true).addi(tail);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        checkSigmoid(activationFn);
        INDArray z = preOutput.castTo(labels.dataType());
        INDArray perElement = labels.mul(softplus(z.neg())).muli(posWeight)
                .addi(labels.rsub(1.0).muli(softplus(z)));
        if (mask != null) {
            perElement.muli(mask.broadcast(perElement.shape()));
        }
        return perElement.sum(true, 1).divi(labels.size(1));
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        checkSigmoid(activationFn);
        INDArray z = preOutput.castTo(labels.dataType());
        INDArray s = Transforms.sigmoid(z, true);
        INDArray grad = labels.mul(posWeight).muli(s.sub(1.0)).addi(labels.rsub(1.0).muli(s)).divi(labels.size(1));
        if (mask != null) {
            grad.muli(mask.broadcast(grad.shape()));
        }
        return grad.castTo(preOutput.dataType());
    }

    @Override
    public String name() {
        return "bce(pos_weight=" + posWeight + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightedBinaryCrossEntropy w && Double.compare(posWeight, w.posWeight) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(posWeight);
    }

    @Override
    public String toString() {
        return name();
    }
}
