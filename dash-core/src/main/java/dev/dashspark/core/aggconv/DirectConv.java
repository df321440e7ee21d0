package dev.dashspark.core.aggconv;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's own direct convolution (libnd4j {@code conv2d}/{@code depthwise_conv2d} and their {@code _bp}), the
 * engine of the mixed-results and mixed-weights strategies. 1D runs as 2D with a height of one. Weights are in
 * PyTorch layout {@code (O, G, kh, kw)} (ND4J weight format 1); padding is explicit and symmetric.
 *
 * <p>Output extent per axis: {@code ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1}.
 */
final class DirectConv {
    private static final int NCHW = 0;
    private static final int OIHW = 1;
    private static final int EXPLICIT_PADDING = 0;

    private DirectConv() {
    }

    /** Geometry of one direct convolution: kernel, stride, padding and dilation per axis (height, width). */
    record Geometry(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
        int[] args() {
            return new int[]{kh, kw, sh, sw, ph, pw, dh, dw, EXPLICIT_PADDING, NCHW, OIHW};
        }

        long out(long n, int k, int s, int p, int d) {
            return (n + 2L * p - (long) d * (k - 1) - 1) / s + 1;
        }

        long[] outputShape(long[] x4, long channels) {
            return new long[]{x4[0], channels, out(x4[2], kh, sh, ph, dh), out(x4[3], kw, sw, pw, dw)};
        }
    }

    static INDArray forward(INDArray x4, INDArray w4, boolean depthwise, Geometry g) {
        long outChannels = w4.size(0);
        INDArray y = Nd4j.create(x4.dataType(), g.outputShape(x4.shape(), outChannels));
        DynamicCustomOp op = DynamicCustomOp.builder(depthwise ? "depthwise_conv2d" : "conv2d")
                .addInputs(x4, depthwise ? depthwiseLayout(w4) : w4)
                .addOutputs(y)
                .addIntegerArguments(g.args())
                .build();
        Nd4j.exec(op);
        return y;
    }

    /** Returns {dL/dx, dL/dw} (dL/dw in the layout of w4). */
    static INDArray[] backward(INDArray x4, INDArray w4, INDArray dy4, boolean depthwise, Geometry g) {
        INDArray dx = Nd4j.create(x4.dataType(), x4.shape());
        INDArray w = depthwise ? depthwiseLayout(w4) : w4;
        INDArray dw = Nd4j.create(w4.dataType(), w.shape());
        DynamicCustomOp op = DynamicCustomOp.builder(depthwise ? "depthwise_conv2d_bp" : "conv2d_bp")
                .addInputs(x4, w, dy4)
                .addOutputs(dx, dw)
                .addIntegerArguments(g.args())
                .build();
        Nd4j.exec(op);
        return new INDArray[]{dx, dw.reshape(w4.shape())};
    }

    /** Depthwise weights (C, 1, kh, kw) as ND4J's [multiplier=1, C, kh, kw]: the same memory. */
    private static INDArray depthwiseLayout(INDArray w4) {
        return w4.reshape('c', 1, w4.size(0), w4.size(2), w4.size(3));
    }

    /** (B, C, N) → (B, C, 1, N); 4D arrays unchanged. */
    static INDArray as4d(INDArray a) {
        return a.rank() == 3 ? a.reshape('c', a.size(0), a.size(1), 1, a.size(2)) : a;
    }

    /** Weight (O, G, k) → (O, G, 1, k); 4D weights unchanged. */
    static INDArray weightAs4d(INDArray w) {
        return w.rank() == 3 ? w.reshape('c', w.size(0), w.size(1), 1, w.size(2)) : w;
    }
}
