package dev.dashspark.core.aggconv;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One way of computing y = Σ_i c_i · conv(x, W_i, dilation d_i, "same" padding, stride s), forward and backward
 * (docs/algorithm.md, "Operator (AggConv)"). The three implementations are interchangeable and agree to rounding:
 * <ul>
 *   <li>{@link Strategy#MIXED_RESULTS}: |K||D| dilated convolutions, summed (the same function by the costlier route);</li>
 *   <li>{@link Strategy#MIXED_WEIGHTS}: one direct convolution with W̄ = Σ c_i centre(dilate(W_i));</li>
 *   <li>{@link Strategy#FFT}: W̄ applied in the Fourier domain, O(n log n) whatever S is.</li>
 * </ul>
 * The α → c mapping is not part of a strategy: {@link AggConv} does it. The bias is, so that the FFT strategy can
 * fuse it into its output pass (and its gradient into the transform of dy: the DC term is the sum).
 *
 * <p>Shapes are those of {@link AggConvSpec}. Weights are in PyTorch layout and not dilated. Implementations are
 * stateless apart from caches and may be shared across threads; a {@link Forward} belongs to one thread.
 */
public interface AggConvStrategy {

    Strategy kind();

    /**
     * @param x       input, (B, Cin, N) or (B, Cin, H, W), FLOAT or DOUBLE
     * @param weights one array per candidate, kernel-major, shapes {@link AggConvSpec#weightShape(int)}
     * @param c       mixing coefficients, one per candidate
     * @param bias    one value per output channel, or null
     * @param out     where to write the output (a dense c-order array of the output shape and x's type), or null
     *                to allocate it
     * @param keepForBackward whether to keep intermediate results that make {@link #backward} cheaper
     * @return the output (same data type as x) and what backward needs
     */
    Forward forward(AggConvSpec spec, INDArray x, INDArray[] weights, double[] c, double[] bias, INDArray out,
                    boolean keepForBackward);

    /**
     * Gradients of L with respect to x, every W_i, every c_i and the bias, given dL/dy.
     *
     * @param inputGradientOut where to write dL/dx (dense c-order, x's shape and type), or null to allocate it
     */
    Backward backward(Forward forward, INDArray outputGradient, INDArray inputGradientOut);

    /** A forward pass: its output, its inputs, and strategy-private state for backward. */
    record Forward(AggConvSpec spec, INDArray output, INDArray input, INDArray[] weights, double[] c, double[] bias,
                   Object cache) {
    }

    /** dL/dx, dL/dW_i (same shapes as W_i), dL/dc_i and dL/dbias (null without bias). */
    record Backward(INDArray inputGradient, INDArray[] weightGradients, double[] coefficientGradient,
                    double[] biasGradient) {
    }
}
