package dev.dashspark.core.aggconv;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/** Bias and destination handling shared by the direct (ND4J) strategies. */
final class Outputs {
    private Outputs() {
    }

    /** y += bias along the channel axis (no-op for a null bias). */
    static void addBias(INDArray y, double[] bias) {
        if (bias != null) {
            INDArray b = Nd4j.createFromArray(bias).castTo(y.dataType());
            Nd4j.getExecutioner().exec(new BroadcastAddOp(y, b, y, 1));
        }
    }

    /** Σ over batch and space of dy per channel, or null without bias. */
    static double[] biasGradient(INDArray dy, double[] bias) {
        if (bias == null) {
            return null;
        }
        int[] reduce = new int[dy.rank() - 1];
        reduce[0] = 0;
        for (int a = 2; a < dy.rank(); a++) {
            reduce[a - 1] = a;
        }
        return dy.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sum(reduce).toDoubleVector();
    }

    /** {@code result} itself, or copied into {@code out} when a destination was given. */
    static INDArray deliver(INDArray result, INDArray out) {
        if (out == null) {
            return result;
        }
        out.assign(result.reshape(out.shape()));
        return out;
    }
}
