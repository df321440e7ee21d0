package dev.dashspark.core.layer;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A 1×1 convolution of NCHW activations ({@code [B, C, L, 1]} in 1D): {@code y[b, o, p] = Σ_i W[o, i]·x[b, i, p] + b[o]},
 * computed by {@link dev.dashspark.core.conv.ConvKernels} (one GEMM per sample, in place). The residual shortcuts of
 * the backbones use it; DL4J's ConvolutionLayer computes the same through im2col, several times slower on 1D
 * activations (BENCHMARKS.md).
 *
 * <p>Parameters: {@code W} (nOut, nIn) and {@code b} (nOut) when {@link #isHasBias()}; initialised as PyTorch's
 * Conv1d/Conv2d, U(−1/√nIn, 1/√nIn), from a generator seeded by the network seed and the layer name.
 */
public class PointwiseConv extends ActivationLayerConfig {
    private static final long serialVersionUID = 1L;

    private boolean hasBias = true;

    public PointwiseConv() {
    }

    protected PointwiseConv(Builder b) {
        super(b);
        this.hasBias = b.hasBias;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected org.deeplearning4j.nn.layers.BaseLayer<?> newLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new PointwiseConvImpl(conf, dataType);
    }

    @Override
    public ParamInitializer initializer() {
        return PointwiseConvParamInitializer.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional c = convolutional(inputType);
        return InputType.convolutional(c.getHeight(), c.getWidth(), nOut);
    }

    public boolean isHasBias() {
        return hasBias;
    }

    public void setHasBias(boolean hasBias) {
        this.hasBias = hasBias;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PointwiseConv that && super.equals(o) && hasBias == that.hasBias;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Boolean.hashCode(hasBias);
    }

    /** Builder: {@code nOut} required, {@code nIn} from the input type. */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private boolean hasBias = true;

        public Builder hasBias(boolean hasBias) {
            this.hasBias = hasBias;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public PointwiseConv build() {
            if (nOut <= 0) {
                throw new IllegalArgumentException("nOut: must be set and ≥ 1, got " + nOut);
            }
            return new PointwiseConv(this);
        }
    }
}
