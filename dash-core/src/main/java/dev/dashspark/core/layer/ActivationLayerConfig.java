package dev.dashspark.core.layer;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What dash-core's DL4J layer configurations over NCHW activations ({@code [B, C, L, 1]} in 1D) share: identity
 * activation, instantiation from the parameter view (DL4J's view of one flat parameter array), convolutional input types only (no
 * preprocessor), nIn from the input's channels, no pretraining, a parameter-count memory report.
 */
abstract class ActivationLayerConfig extends FeedForwardLayer {
    private static final long serialVersionUID = 1L;

    protected ActivationLayerConfig() {
    }

    protected ActivationLayerConfig(FeedForwardLayer.Builder<?> builder) {
        super(builder);
        setActivationFn(new ActivationIdentity());
    }

    /** The implementation object for this configuration. */
    protected abstract BaseLayer<?> newLayer(NeuralNetConfiguration conf, DataType dataType);

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                        int layerIndex, INDArray view, boolean initializeParams,
                                                        DataType dataType) {
        BaseLayer<?> layer = newLayer(conf, dataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(view);
        Map<String, INDArray> params = initializer().init(conf, view, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    /** The input type as a convolutional one, or an error naming the layer and the type it got. */
    protected InputType.InputTypeConvolutional convolutional(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " '" + getLayerName()
                    + "': expected a convolutional input type, got " + inputType);
        }
        return c;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (nIn <= 0 || override) {
            nIn = convolutional(inputType).getChannels();
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        convolutional(inputType);
        return null;
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(getLayerName(), getClass(), inputType, getOutputType(-1, inputType))
                .standardMemory(initializer().numParams(this), 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    /**
     * The generator of a layer's initial values: seeded by the network seed and the layer name, so a layer's
     * initial values do not depend on the other layers.
     */
    static SplittableRandom initialValues(NeuralNetConfiguration conf) {
        String name = conf.getLayer().getLayerName() == null ? "" : conf.getLayer().getLayerName();
        return new SplittableRandom(conf.getSeed() * 0x9E3779B97F4A7C15L + name.hashCode());
    }
}
