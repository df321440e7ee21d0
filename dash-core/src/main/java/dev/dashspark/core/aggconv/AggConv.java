package dev.dashspark.core.aggconv;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * The aggregated convolution of DASH (docs/algorithm.md, "Operator (AggConv)"): {@code y = Σ_i c_i · conv(x, W_i, d_i) + bias} with
 * {@code c = softmax(α + G)}, G Gumbel noise from a seeded generator or zero, computed by one of the three
 * {@link Strategy strategies}. Backward gives dL/dx, dL/dW_i, dL/dα (through the softmax) and dL/dbias.
 *
 * <p>This class is the operator; {@code dev.dashspark.core.layer.AggConvLayer} plugs it into DL4J.
 */
public final class AggConv {
    private final AggConvSpec spec;
    private final AggConvStrategy strategy;

    public AggConv(AggConvSpec spec, Strategy strategy) {
        this.spec = spec;
        this.strategy = strategy.implementation();
    }

    public AggConvSpec spec() {
        return spec;
    }

    public Strategy strategy() {
        return strategy.kind();
    }

    /** One forward pass and what its backward needs. */
    public record Pass(AggConvStrategy.Forward forward, double[] c) {
        public INDArray output() {
            return forward.output();
        }
    }

    /** dL/dx, dL/dW_i, dL/dα, dL/dbias (null without bias), and dL/dc for inspection. */
    public record Gradients(INDArray input, INDArray[] weights, double[] alpha, INDArray bias, double[] c) {
    }

    /**
     * @param x       (B, Cin, N) or (B, Cin, H, W)
     * @param weights per candidate, kernel-major
     * @param bias    (Cout) or null
     * @param alpha   architecture logits, one per candidate
     * @param noise   Gumbel noise source, or null for c = softmax(α)
     * @param keepForBackward whether backward will follow
     */
    public Pass forward(INDArray x, INDArray[] weights, INDArray bias, double[] alpha, SplittableRandom noise,
                        boolean keepForBackward) {
        checkParameters(weights, bias, alpha);
        double[] c = Mixing.gumbelSoftmax(alpha, noise);
        return forward(x, weights, bias, c, keepForBackward);
    }

    /** Forward with given mixing coefficients c (no α). */
    public Pass forward(INDArray x, INDArray[] weights, INDArray bias, double[] c, boolean keepForBackward) {
        return forwardInto(x, weights, bias, c, null, keepForBackward);
    }

    /**
     * Forward with given mixing coefficients, writing the output into {@code out} when it is given (a dense c-order
     * array of the output shape and x's type; a workspace array, for instance).
     */
    public Pass forwardInto(INDArray x, INDArray[] weights, INDArray bias, double[] c, INDArray out, boolean keepForBackward) {
        checkParameters(weights, bias, c);
        double[] b = bias == null ? null : bias.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
        return new Pass(strategy.forward(spec, x, weights, c, b, out, keepForBackward), c.clone());
    }

    /** Backward: dL/dx, dL/dW_i, dL/dα, dL/dbias (when the forward had a bias) given dL/dy. */
    public Gradients backward(Pass pass, INDArray outputGradient) {
        return backwardInto(pass, outputGradient, null);
    }

    /** Backward, writing dL/dx into {@code inputGradientOut} when it is given. */
    public Gradients backwardInto(Pass pass, INDArray outputGradient, INDArray inputGradientOut) {
        long[] expected = pass.output().shape();
        if (!java.util.Arrays.equals(expected, outputGradient.shape())) {
            throw new IllegalArgumentException("output gradient: expected shape " + java.util.Arrays.toString(expected)
                    + ", got " + java.util.Arrays.toString(outputGradient.shape()));
        }
        AggConvStrategy.Backward b = strategy.backward(pass.forward(), outputGradient, inputGradientOut);
        double[] dAlpha = Mixing.softmaxBackward(pass.c(), b.coefficientGradient());
        INDArray dBias = b.biasGradient() == null ? null : Nd4j.createFromArray(b.biasGradient());
        return new Gradients(b.inputGradient(), b.weightGradients(), dAlpha, dBias, b.coefficientGradient());
    }

    private void checkParameters(INDArray[] weights, INDArray bias, double[] mix) {
        int n = spec.space().size();
        if (weights == null || weights.length != n) {
            throw new IllegalArgumentException("weights: expected " + n + " candidate arrays for " + spec.space()
                    + ", got " + (weights == null ? "null" : weights.length));
        }
        for (int i = 0; i < n; i++) {
            if (!java.util.Arrays.equals(weights[i].shape(), spec.weightShape(i))) {
                throw new IllegalArgumentException("weights[" + i + "] (k=" + spec.space().kernel(i) + ", d="
                        + spec.space().dilation(i) + "): expected shape " + java.util.Arrays.toString(spec.weightShape(i))
                        + ", got " + java.util.Arrays.toString(weights[i].shape()));
            }
        }
        if (mix == null || mix.length != n) {
            throw new IllegalArgumentException("alpha/c: expected " + n + " values, got " + (mix == null ? "null" : mix.length));
        }
        if (bias != null && bias.length() != spec.outChannels()) {
            throw new IllegalArgumentException("bias: expected " + spec.outChannels() + " values, got " + bias.length());
        }
    }
}
