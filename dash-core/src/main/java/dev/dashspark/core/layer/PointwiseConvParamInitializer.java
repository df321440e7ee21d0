package dev.dashspark.core.layer;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Layout of {@link PointwiseConv}: {@code W} (nOut·nIn, c order), then {@code b} (nOut). */
public final class PointwiseConvParamInitializer implements ParamInitializer {
    public static final PointwiseConvParamInitializer INSTANCE = new PointwiseConvParamInitializer();
    public static final String WEIGHT = "W";
    public static final String BIAS = "b";

    private PointwiseConvParamInitializer() {
    }

    private static PointwiseConv conf(Layer l) {
        return (PointwiseConv) l;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer l) {
        PointwiseConv p = conf(l);
        return p.getNIn() * p.getNOut() + (p.isHasBias() ? p.getNOut() : 0);
    }

    @Override
    public List<String> paramKeys(Layer l) {
        List<String> keys = new ArrayList<>(List.of(WEIGHT));
        keys.addAll(biasKeys(l));
        return keys;
    }

    @Override
    public List<String> weightKeys(Layer l) {
        return List.of(WEIGHT);
    }

    @Override
    public List<String> biasKeys(Layer l) {
        return conf(l).isHasBias() ? List.of(BIAS) : List.of();
    }

    @Override
    public boolean isWeightParam(Layer l, String key) {
        return WEIGHT.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer l, String key) {
        return BIAS.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray view, boolean initialize) {
        PointwiseConv p = conf(conf.getLayer());
        Map<String, INDArray> out = slice(p, view);
        for (String k : out.keySet()) {
            conf.addVariable(k);
        }
        if (initialize) {
            SplittableRandom rng = ActivationLayerConfig.initialValues(conf);
            double bound = 1.0 / Math.sqrt(p.getNIn());
            for (INDArray a : out.values()) {
                double[] v = new double[(int) a.length()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (2 * rng.nextDouble() - 1) * bound;
                }
                a.assign(Nd4j.createFromArray(v).reshape(a.shape()).castTo(a.dataType()));
            }
        }
        return out;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray view) {
        return slice(conf(conf.getLayer()), view);
    }

    private static Map<String, INDArray> slice(PointwiseConv p, INDArray view) {
        INDArray flat = view.reshape(view.length());
        long w = p.getNIn() * p.getNOut();
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put(WEIGHT, flat.get(NDArrayIndex.interval(0, w)).reshape('c', p.getNOut(), p.getNIn()));
        if (p.isHasBias()) {
            out.put(BIAS, flat.get(NDArrayIndex.interval(w, w + p.getNOut())));
        }
        return out;
    }
}
