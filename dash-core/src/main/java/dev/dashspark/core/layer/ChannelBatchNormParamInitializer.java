package dev.dashspark.core.layer;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Layout of {@link ChannelBatchNorm}: gamma (1), beta (0), mean (0), var (1), C values each. */
public final class ChannelBatchNormParamInitializer implements ParamInitializer {
    public static final ChannelBatchNormParamInitializer INSTANCE = new ChannelBatchNormParamInitializer();
    public static final String GAMMA = "gamma";
    public static final String BETA = "beta";
    public static final String MEAN = "mean";
    public static final String VAR = "var";
    private static final List<String> KEYS = List.of(GAMMA, BETA, MEAN, VAR);

    private ChannelBatchNormParamInitializer() {
    }

    /** Running statistics: not trained by gradients. */
    public static boolean isStatistic(String key) {
        return MEAN.equals(key) || VAR.equals(key);
    }

    private static long channels(Layer l) {
        return ((ChannelBatchNorm) l).getNOut();
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer l) {
        return 4 * channels(l);
    }

    @Override
    public List<String> paramKeys(Layer l) {
        return KEYS;
    }

    @Override
    public List<String> weightKeys(Layer l) {
        return List.of(GAMMA);
    }

    @Override
    public List<String> biasKeys(Layer l) {
        return List.of(BETA);
    }

    @Override
    public boolean isWeightParam(Layer l, String key) {
        return GAMMA.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer l, String key) {
        return BETA.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray view, boolean initialize) {
        Map<String, INDArray> out = slice(channels(conf.getLayer()), view);
        for (String k : out.keySet()) {
            conf.addVariable(k);
        }
        if (initialize) {
            out.get(GAMMA).assign(1.0);
            out.get(BETA).assign(0.0);
            out.get(MEAN).assign(0.0);
            out.get(VAR).assign(1.0);
        }
        return out;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray view) {
        return slice(channels(conf.getLayer()), view);
    }

    private static Map<String, INDArray> slice(long c, INDArray view) {
        INDArray flat = view.reshape(view.length());
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < KEYS.size(); i++) {
            out.put(KEYS.get(i), flat.get(NDArrayIndex.interval(i * c, (i + 1) * c)));
        }
        return out;
    }
}
