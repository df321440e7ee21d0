package dev.dashspark.core.layer;

import dev.dashspark.core.conv.ConvGeometry;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A dense or depthwise convolution with one kernel size k and dilation d: the convolutions of the backbone, HPO and
 * retrain networks (a found architecture is one {@code Conv} per searchable layer). Geometry, shapes and the formula
 * are {@link ConvGeometry}'s: {@link ConvGeometry.Padding#CAUSAL causal} (1D) or {@link ConvGeometry.Padding#SAME
 * same} (odd k, symmetric zeros, output ⌈n/s⌉ per axis).
 *
 * <p>Data layout: 2D layers take {@code InputType.convolutional(H, W, C)} (NCHW); 1D layers take the
 * {@code [B, C, L, 1]} layout ({@code InputType.convolutional(L, 1, C)}) and convolve along L.
 *
 * <p>Parameters: {@code W} in PyTorch layout ({@link ConvGeometry#weightShape()}) and {@code b} (nOut) when
 * {@link #isHasBias()}, initialised by {@link #getInit()} from a generator seeded by the network seed and the layer
 * name.
 */
public class Conv extends ActivationLayerConfig {
    private static final long serialVersionUID = 1L;

    /** How the parameters start. */
    public enum Init {
        /**
         * PyTorch's default for {@code nn.Conv1d}/{@code nn.Conv2d}: W and b ~ U(−1/√fan_in, 1/√fan_in), fan_in =
         * (input channels per group)·k^dims. The reference's ResNet1D keeps it.
         */
        PYTORCH,
        /**
         * The reference WRN's {@code conv_init}: W ~ Xavier-uniform with gain √2, U(±√2·√(6/(fan_in + fan_out))),
         * fan_out = nOut·k^dims; b = 0.
         */
        XAVIER_RELU
    }

    private int dims = 1;
    private int kernel = 3;
    private int dilation = 1;
    private int stride = 1;
    private ConvGeometry.Padding padding = ConvGeometry.Padding.SAME;
    private boolean depthwise;
    private boolean hasBias = true;
    private Init init = Init.PYTORCH;

    /** For Jackson. */
    public Conv() {
    }

    protected Conv(Builder b) {
        super(b);
        this.dims = b.dims;
        this.kernel = b.kernel;
        this.dilation = b.dilation;
        this.stride = b.stride;
        this.padding = b.padding;
        this.depthwise = b.depthwise;
        this.hasBias = b.hasBias;
        this.init = b.init;
        // validate now (nIn may still come from the input type), with the layer name in the message
        geometry(nIn > 0 ? (int) nIn : depthwise ? (int) nOut : 1);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The convolution's geometry (nIn must be known: set, or taken from the input type). */
    public ConvGeometry geometry() {
        return geometry((int) nIn);
    }

    private ConvGeometry geometry(int inChannels) {
        try {
            return new ConvGeometry(dims, inChannels, (int) nOut, kernel, dilation, stride, padding, depthwise);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Conv '" + getLayerName() + "': " + e.getMessage(), e);
        }
    }

    @Override
    protected org.deeplearning4j.nn.layers.BaseLayer<?> newLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new ConvImpl(conf, dataType);
    }

    @Override
    public ParamInitializer initializer() {
        return ConvParamInitializer.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional in = convolutional(inputType);
        long[] out = geometry((int) in.getChannels()).outputShape(new long[]{1, in.getChannels(), in.getHeight(), in.getWidth()});
        return InputType.convolutional(out[2], out[3], nOut);
    }

    @Override
    protected InputType.InputTypeConvolutional convolutional(InputType inputType) {
        InputType.InputTypeConvolutional c = super.convolutional(inputType);
        if (dims == 1 && c.getWidth() != 1) {
            throw new IllegalArgumentException("Conv '" + getLayerName() + "': 1D layers take [B, C, L, 1] input, "
                    + "i.e. convolutional(L, 1, C); got width " + c.getWidth());
        }
        return c;
    }

    public int getDims() {
        return dims;
    }

    public void setDims(int dims) {
        this.dims = dims;
    }

    public int getKernel() {
        return kernel;
    }

    public void setKernel(int kernel) {
        this.kernel = kernel;
    }

    public int getDilation() {
        return dilation;
    }

    public void setDilation(int dilation) {
        this.dilation = dilation;
    }

    public int getStride() {
        return stride;
    }

    public void setStride(int stride) {
        this.stride = stride;
    }

    public ConvGeometry.Padding getPadding() {
        return padding;
    }

    public void setPadding(ConvGeometry.Padding padding) {
        this.padding = padding;
    }

    public boolean isDepthwise() {
        return depthwise;
    }

    public void setDepthwise(boolean depthwise) {
        this.depthwise = depthwise;
    }

    public boolean isHasBias() {
        return hasBias;
    }

    public void setHasBias(boolean hasBias) {
        this.hasBias = hasBias;
    }

    public Init getInit() {
        return init;
    }

    public void setInit(Init init) {
        this.init = init;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Conv that && super.equals(o) && dims == that.dims && kernel == that.kernel
                && dilation == that.dilation && stride == that.stride && padding == that.padding
                && depthwise == that.depthwise && hasBias == that.hasBias && init == that.init;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(super.hashCode(), dims, kernel, dilation, stride, padding, depthwise, hasBias, init);
    }

    /** Builder: {@code nOut} required, {@code nIn} from the input type; defaults 1D, k 3, d 1, s 1, SAME, dense, bias. */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private int dims = 1;
        private int kernel = 3;
        private int dilation = 1;
        private int stride = 1;
        private ConvGeometry.Padding padding = ConvGeometry.Padding.SAME;
        private boolean depthwise;
        private boolean hasBias = true;
        private Init init = Init.PYTORCH;

        public Builder dims(int dims) {
            this.dims = dims;
            return this;
        }

        public Builder kernel(int kernel) {
            this.kernel = kernel;
            return this;
        }

        public Builder dilation(int dilation) {
            this.dilation = dilation;
            return this;
        }

        public Builder stride(int stride) {
            this.stride = stride;
            return this;
        }

        public Builder padding(ConvGeometry.Padding padding) {
            this.padding = padding;
            return this;
        }

        public Builder depthwise(boolean depthwise) {
            this.depthwise = depthwise;
            return this;
        }

        public Builder hasBias(boolean hasBias) {
            this.hasBias = hasBias;
            return this;
        }

        public Builder init(Init init) {
            this.init = init;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Conv build() {
            return new Conv(this);
        }
    }
}
