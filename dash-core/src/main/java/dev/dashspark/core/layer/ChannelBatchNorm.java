package dev.dashspark.core.layer;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.Collections;
import java.util.List;

/**
 * Batch normalization over every axis but the channel axis of NCHW activations ({@code [B, C, L, 1]} in 1D), with
 * PyTorch's semantics: training normalises with the batch's biased variance, the running statistics follow
 * {@code r ← (1 − momentum)·r + momentum·stat} with the unbiased variance, evaluation uses the running statistics.
 *
 * <p>DL4J's own BatchNormalization computes the same thing but took ~110 ms per layer on a (128, 32, 1000, 1)
 * activation on the 2-core machine, more than the AggConv layer it follows; this one is a few passes over the data
 * on the dash-core threads (BENCHMARKS.md).
 *
 * <p>With {@code relu(true)} the layer computes ReLU(BN(x)) in the same pass, forward and backward.
 *
 * <p>Parameters: {@code gamma}, {@code beta} (trained), {@code mean}, {@code var} (running statistics; a NoOp
 * updater applies the moving-average step given as their gradient, never divided by the batch size and excluded
 * from regularization — the convention of DL4J's BatchNormalization).
 */
public class ChannelBatchNorm extends ActivationLayerConfig {
    private static final long serialVersionUID = 1L;

    private double eps = 1e-5;
    private double momentum = 0.1;
    private boolean relu;

    public ChannelBatchNorm() {
    }

    protected ChannelBatchNorm(Builder b) {
        super(b);
        this.eps = b.eps;
        this.momentum = b.momentum;
        this.relu = b.relu;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected org.deeplearning4j.nn.layers.BaseLayer<?> newLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new ChannelBatchNormImpl(conf, dataType);
    }

    @Override
    public ParamInitializer initializer() {
        return ChannelBatchNormParamInitializer.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return convolutional(inputType);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        super.setNIn(inputType, override);
        nOut = nIn;
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return ChannelBatchNormParamInitializer.isStatistic(paramName) ? new NoOp() : super.getUpdaterByParam(paramName);
    }

    /**
     * The running statistics get none; γ gets the weight regularization and β the bias one, so that a network built
     * with {@code l2(wd).l2Bias(wd)} decays them as PyTorch's {@code weight_decay} decays every parameter.
     */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return ChannelBatchNormParamInitializer.isStatistic(paramName) ? Collections.emptyList()
                : super.getRegularizationByParam(paramName);
    }

    public double getEps() {
        return eps;
    }

    public void setEps(double eps) {
        this.eps = eps;
    }

    public double getMomentum() {
        return momentum;
    }

    public void setMomentum(double momentum) {
        this.momentum = momentum;
    }

    public boolean isRelu() {
        return relu;
    }

    public void setRelu(boolean relu) {
        this.relu = relu;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelBatchNorm that && super.equals(o) && eps == that.eps && momentum == that.momentum
                && relu == that.relu;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + java.util.Objects.hash(eps, momentum, relu);
    }

    /** Builder; the channel count comes from the input type (or {@code nOut}). */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private double eps = 1e-5;
        private double momentum = 0.1;
        private boolean relu;

        /** Follow the normalisation by a ReLU in the same pass (saves a separate activation layer's two passes). */
        public Builder relu(boolean relu) {
            this.relu = relu;
            return this;
        }

        /** Added to the variance (PyTorch's default 1e-5). */
        public Builder eps(double eps) {
            if (!(eps > 0)) {
                throw new IllegalArgumentException("eps: must be > 0, got " + eps);
            }
            this.eps = eps;
            return this;
        }

        /** Weight of the new batch statistic in the running statistics (PyTorch's default 0.1). */
        public Builder momentum(double momentum) {
            if (!(momentum >= 0 && momentum <= 1)) {
                throw new IllegalArgumentException("momentum: must be in [0, 1], got " + momentum);
            }
            this.momentum = momentum;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public ChannelBatchNorm build() {
            if (nOut > 0 && nIn <= 0) {
                nIn = nOut;
            }
            return new ChannelBatchNorm(this);
        }
    }
}
