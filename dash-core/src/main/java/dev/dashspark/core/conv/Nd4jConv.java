package dev.dashspark.core.conv;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link ConvAlgorithm#ND4J}: libnd4j's own {@code conv2d} and {@code conv2d_bp} ops (cuDNN on the CUDA backend),
 * NCHW with PyTorch's weight layout (libnd4j's weight format 1, [out, in, kH, kW]). "Same" padding is the op's
 * explicit symmetric padding; causal padding, which is one-sided, pads the input with d(k − 1) zeros in front first
 * and drops their gradient. Dense convolutions only (libnd4j's depthwise op wants another weight layout).
 */
final class Nd4jConv {
    /** libnd4j's weight format [out, in, kH, kW]. */
    private static final int OIYX = 1;

    private Nd4jConv() {
    }

    static void forward(ConvGeometry g, INDArray x, INDArray w, INDArray bias, INDArray y) {
        INDArray xp = padded(g, x);
        INDArray[] in = bias == null ? new INDArray[]{xp, weights4(g, w)}
                : new INDArray[]{xp, weights4(g, w), bias.reshape(g.outChannels())};
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(in).addOutputs(y).addIntegerArguments(arguments(g))
                .build());
    }

    static void backward(ConvGeometry g, INDArray x, INDArray w, INDArray dy, INDArray dx, INDArray dw, INDArray db) {
        INDArray xp = padded(g, x);
        INDArray dxp = dx != null && xp == x ? dx : Nd4j.createUninitialized(x.dataType(), xp.shape(), 'c');
        INDArray w4 = weights4(g, w);
        INDArray dw4 = dw.reshape('c', weightShape4(g));
        // with a bias input (its values unused) the op also returns the bias gradient
        INDArray[] in = db == null ? new INDArray[]{xp, w4, dy}
                : new INDArray[]{xp, w4, Nd4j.zeros(x.dataType(), g.outChannels()), dy};
        INDArray[] out = db == null ? new INDArray[]{dxp, dw4} : new INDArray[]{dxp, dw4, db.reshape(g.outChannels())};
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(in).addOutputs(out)
                .addIntegerArguments(arguments(g)).build());
        if (dx != null && dxp != dx) {
            dx.assign(dxp.get(NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.interval(g.padBefore(), g.padBefore() + x.size(2)), NDArrayIndex.all()));
        }
    }

    /** [kH, kW, sH, sW, pH, pW, dH, dW, same mode 0, NCHW 0, weight format]. */
    private static int[] arguments(ConvGeometry g) {
        boolean two = g.dims() == 2;
        int pad = g.padding() == ConvGeometry.Padding.SAME ? g.padBefore() : 0;
        return new int[]{g.kernel(), two ? g.kernel() : 1, g.stride(), two ? g.stride() : 1, pad, two ? pad : 0,
                g.dilation(), two ? g.dilation() : 1, 0, 0, OIYX};
    }

    /** x, or for causal padding x with d(k − 1) zeros in front along the convolved axis. */
    private static INDArray padded(ConvGeometry g, INDArray x) {
        if (g.padding() != ConvGeometry.Padding.CAUSAL || g.padBefore() == 0) {
            return x;
        }
        return Nd4j.pad(x, new int[][]{{0, 0}, {0, 0}, {g.padBefore(), 0}, {0, 0}});
    }

    private static long[] weightShape4(ConvGeometry g) {
        return g.dims() == 2 ? g.weightShape() : new long[]{g.outChannels(), g.groupChannels(), g.kernel(), 1};
    }

    private static INDArray weights4(ConvGeometry g, INDArray w) {
        return w.reshape('c', weightShape4(g));
    }
}
