package dev.dashspark.core.layer;

import dev.dashspark.core.aggconv.AggConvSpec;
import dev.dashspark.core.aggconv.SearchSpace;
import dev.dashspark.core.aggconv.Strategy;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.Arrays;
import java.util.List;

/**
 * DL4J configuration of an {@link dev.dashspark.core.aggconv.AggConv aggregated convolution} layer, so that the
 * rest of a network (batch norm, ReLU, residual adds, pooling, dense head, losses, updaters) is DL4J's own.
 *
 * <p>Data layout: 2D layers take {@code InputType.convolutional(H, W, C)} (NCHW); 1D layers take the
 * {@code [B, C, L, 1]} layout ({@code InputType.convolutional(L, 1, C)}), because DL4J's
 * BatchNormalization is broken on rank-3 input. Output: {@code ⌈L/s⌉} (each axis in 2D), "same" padding.
 *
 * <p>Parameters (no '_' in keys): {@code W0 … W(n−1)} one per candidate, kernel-major, PyTorch layout, initialised
 * N(0, 0.01); {@code alpha} (n values, 1e-3·N(0,1)); {@code b} (nOut, zero) when {@link #isHasBias()}. α is an
 * architecture parameter: it may get its own updater ({@link #getAlphaUpdater()}) and gets the weight
 * regularization (the reference applies weight decay to α too).
 */
public class AggConvLayer extends ActivationLayerConfig {
    private static final long serialVersionUID = 1L;

    private int dims = 1;
    private int[] kernels = {3};
    private int[] dilations = {1};
    private boolean depthwise;
    private int stride = 1;
    private boolean hasBias = true;
    private String strategy = Strategy.FFT.id();
    private boolean gumbel = true;
    private long noiseSeed = 0;
    private IUpdater alphaUpdater;

    /** For Jackson. */
    public AggConvLayer() {
    }

    protected AggConvLayer(Builder b) {
        super(b);
        this.dims = b.dims;
        this.kernels = b.kernels;
        this.dilations = b.dilations;
        this.depthwise = b.depthwise;
        this.stride = b.stride;
        this.hasBias = b.hasBias;
        this.strategy = b.strategy.id();
        this.gumbel = b.gumbel;
        this.noiseSeed = b.noiseSeed;
        this.alphaUpdater = b.alphaUpdater;
        new SearchSpace(kernels, dilations); // validate now, with field names in the message
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The operator's static description for the given number of input channels. */
    public AggConvSpec spec() {
        return new AggConvSpec(dims, (int) nIn, (int) nOut, depthwise, stride, new SearchSpace(kernels, dilations));
    }

    public SearchSpace searchSpace() {
        return new SearchSpace(kernels, dilations);
    }

    @Override
    protected org.deeplearning4j.nn.layers.BaseLayer<?> newLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new AggConvLayerImpl(conf, dataType);
    }

    @Override
    public ParamInitializer initializer() {
        return AggConvParamInitializer.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional in = convolutional(inputType);
        AggConvSpec spec = new AggConvSpec(dims, (int) in.getChannels(), (int) nOut, depthwise, stride, searchSpace());
        if (dims == 1) {
            return InputType.convolutional(spec.outLength((int) in.getHeight()), 1, nOut);
        }
        return InputType.convolutional(spec.outLength((int) in.getHeight()), spec.outLength((int) in.getWidth()), nOut);
    }

    @Override
    protected InputType.InputTypeConvolutional convolutional(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c)) {
            throw new IllegalArgumentException("AggConvLayer '" + getLayerName() + "': expected a convolutional input type"
                    + (dims == 1 ? " convolutional(L, 1, C) for 1D" : " convolutional(H, W, C)") + ", got " + inputType);
        }
        if (dims == 1 && c.getWidth() != 1) {
            throw new IllegalArgumentException("AggConvLayer '" + getLayerName() + "': 1D layers take [B, C, L, 1] input, "
                    + "i.e. convolutional(L, 1, C); got width " + c.getWidth());
        }
        return c;
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        if (AggConvParamInitializer.ALPHA.equals(paramName) && alphaUpdater != null) {
            return alphaUpdater;
        }
        return super.getUpdaterByParam(paramName);
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        if (AggConvParamInitializer.ALPHA.equals(paramName)) {
            return getRegularization();
        }
        return super.getRegularizationByParam(paramName);
    }

    public int getDims() {
        return dims;
    }

    public void setDims(int dims) {
        this.dims = dims;
    }

    public int[] getKernels() {
        return kernels.clone();
    }

    public void setKernels(int[] kernels) {
        this.kernels = kernels.clone();
    }

    public int[] getDilations() {
        return dilations.clone();
    }

    public void setDilations(int[] dilations) {
        this.dilations = dilations.clone();
    }

    public boolean isDepthwise() {
        return depthwise;
    }

    public void setDepthwise(boolean depthwise) {
        this.depthwise = depthwise;
    }

    public int getStride() {
        return stride;
    }

    public void setStride(int stride) {
        this.stride = stride;
    }

    public boolean isHasBias() {
        return hasBias;
    }

    public void setHasBias(boolean hasBias) {
        this.hasBias = hasBias;
    }

    public String getStrategy() {
        return strategy;
    }

    public void setStrategy(String strategy) {
        this.strategy = Strategy.parse(strategy).id();
    }

    public boolean isGumbel() {
        return gumbel;
    }

    public void setGumbel(boolean gumbel) {
        this.gumbel = gumbel;
    }

    public long getNoiseSeed() {
        return noiseSeed;
    }

    public void setNoiseSeed(long noiseSeed) {
        this.noiseSeed = noiseSeed;
    }

    public IUpdater getAlphaUpdater() {
        return alphaUpdater;
    }

    public void setAlphaUpdater(IUpdater alphaUpdater) {
        this.alphaUpdater = alphaUpdater;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AggConvLayer that) || !super.equals(o)) {
            return false;
        }
        return dims == that.dims && depthwise == that.depthwise && stride == that.stride && hasBias == that.hasBias
                && gumbel == that.gumbel && noiseSeed == that.noiseSeed && Arrays.equals(kernels, that.kernels)
                && Arrays.equals(dilations, that.dilations) && strategy.equals(that.strategy)
                && java.util.Objects.equals(alphaUpdater, that.alphaUpdater);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + java.util.Objects.hash(dims, depthwise, stride, hasBias, strategy, gumbel, noiseSeed,
                Arrays.hashCode(kernels), Arrays.hashCode(dilations), alphaUpdater);
    }

    @Override
    public String toString() {
        return "AggConvLayer(" + getLayerName() + ", " + dims + "D, " + nIn + "→" + nOut + (depthwise ? " depthwise" : "")
                + ", stride " + stride + ", " + searchSpace() + ", " + strategy + (gumbel ? ", gumbel" : "") + ")";
    }

    /** Builder: {@code nIn} may be left to the input type; {@code nOut} is required. */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private int dims = 1;
        private int[] kernels = {3};
        private int[] dilations = {1};
        private boolean depthwise;
        private int stride = 1;
        private boolean hasBias = true;
        private Strategy strategy = Strategy.FFT;
        private boolean gumbel = true;
        private long noiseSeed;
        private IUpdater alphaUpdater;

        public Builder dims(int dims) {
            this.dims = dims;
            return this;
        }

        public Builder searchSpace(SearchSpace space) {
            this.kernels = space.kernels();
            this.dilations = space.dilations();
            return this;
        }

        public Builder depthwise(boolean depthwise) {
            this.depthwise = depthwise;
            return this;
        }

        public Builder stride(int stride) {
            this.stride = stride;
            return this;
        }

        public Builder hasBias(boolean hasBias) {
            this.hasBias = hasBias;
            return this;
        }

        public Builder strategy(Strategy strategy) {
            this.strategy = strategy;
            return this;
        }

        /** Fresh Gumbel noise on every forward pass (search); off gives c = softmax(α). */
        public Builder gumbel(boolean gumbel) {
            this.gumbel = gumbel;
            return this;
        }

        public Builder noiseSeed(long seed) {
            this.noiseSeed = seed;
            return this;
        }

        /** Updater of α alone (e.g. the reference's lr 0.05 against 0.1 for weights); null: the layer's updater. */
        public Builder alphaUpdater(IUpdater updater) {
            this.alphaUpdater = updater;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public AggConvLayer build() {
            if (dims != 1 && dims != 2) {
                throw new IllegalArgumentException("dims: must be 1 or 2, got " + dims);
            }
            if (stride < 1) {
                throw new IllegalArgumentException("stride: must be ≥ 1, got " + stride);
            }
            if (nOut <= 0) {
                throw new IllegalArgumentException("nOut: must be set and ≥ 1, got " + nOut);
            }
            return new AggConvLayer(this);
        }
    }
}
