package dev.dashspark.core.loss;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Binary cross-entropy with a weight on the positive term, PyTorch's {@code BCEWithLogitsLoss(pos_weight=w)}:
 * per element {@code −[w·y·log p + (1 − y)·log(1 − p)]}, p the output activation (sigmoid), summed over labels;
 * DL4J averages over the batch. Gradient with respect to p: {@code −w·y/p + (1 − y)/(1 − p)}, then back through
 * the activation. p is clipped to [1e-7, 1 − 1e-7] as DL4J's own binary cross-entropy does.
 */
public class WeightedBinaryCrossEntropy extends PerSampleLoss {
    private static final long serialVersionUID = 1L;
    private static final double CLIP = 1e-7;

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

    private INDArray probabilities(INDArray preOutput, IActivation activationFn) {
        return Transforms.min(Transforms.max(activationFn.getActivation(preOutput.dup(), true), CLIP, false), 1 - CLIP, false);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray p = probabilities(preOutput, activationFn);
        INDArray pos = labels.mul(Transforms.log(p, true)).muli(posWeight);
        INDArray neg = labels.rsub(1.0).muli(Transforms.log(p.rsub(1.0), false));
        INDArray perElement = pos.addi(neg).negi();
        if (mask != null) {
            perElement.muli(mask.broadcast(perElement.shape()));
        }
        return perElement.sum(true, 1);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray p = probabilities(preOutput, activationFn);
        INDArray dLdp = labels.mul(posWeight).divi(p).negi().addi(labels.rsub(1.0).divi(p.rsub(1.0)));
        if (mask != null) {
            dLdp.muli(mask.broadcast(dLdp.shape()));
        }
        return activationFn.backprop(preOutput.dup(), dLdp).getFirst();
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
