package dev.dashspark.core.loss;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Relative L2 loss of dense outputs flattened to (B, n), the reference's Darcy loss {@code LpLoss(size_average=False)}:
 * per sample ‖p − y‖₂ / ‖y‖₂, <b>summed</b> over the batch. DL4J averages a loss over the batch (it divides the
 * score and, in the updater, the gradients by B), so this loss reports its per-sample values and gradients times B:
 * the score DL4J reports is then the batch sum, and each step's gradient is the gradient of that sum, as in the
 * reference. Per-sample gradient: (p − y) / (‖p − y‖₂·‖y‖₂), back through the output activation.
 */
public class RelativeL2Loss extends PerSampleLoss {
    private static final long serialVersionUID = 2L;
    private static final double EPS = 1e-12;

    private static INDArray perSample(INDArray labels, INDArray out) {
        INDArray diff = out.sub(labels);
        return diff.norm2(1).div(labels.norm2(1).add(EPS));
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray out = activationFn.getActivation(preOutput.dup(), true);
        INDArray s = perSample(labels, out).reshape(-1, 1).muli(labels.size(0));
        return mask == null ? s : s.muli(mask.reshape(-1, 1));
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray out = activationFn.getActivation(preOutput.dup(), true);
        INDArray diff = out.sub(labels);
        INDArray scale = diff.norm2(1).mul(labels.norm2(1).add(EPS)).add(EPS).reshape(-1, 1);
        INDArray dLdOut = diff.divColumnVector(scale).muli(labels.size(0));
        if (mask != null) {
            dLdOut.muliColumnVector(mask.reshape(-1, 1));
        }
        return activationFn.backprop(preOutput.dup(), dLdOut).getFirst();
    }

    @Override
    public String name() {
        return "rel-l2";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RelativeL2Loss;
    }

    @Override
    public int hashCode() {
        return RelativeL2Loss.class.hashCode();
    }

    @Override
    public String toString() {
        return "RelativeL2Loss()";
    }
}
