package dev.dashspark.core.layer;

import dev.dashspark.core.conv.ConvGeometry;
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

/** Layout of {@link Conv}: {@code W} (PyTorch layout, c order), then {@code b} (nOut). */
public final class ConvParamInitializer implements ParamInitializer {
    public static final ConvParamInitializer INSTANCE = new ConvParamInitializer();
    public static final String WEIGHT = "W";
    public static final String BIAS = "b";

    private ConvParamInitializer() {
    }

    private static Conv conf(Layer l) {
        return (Conv) l;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer l) {
        Conv c = conf(l);
        return c.geometry().weightCount() + (c.isHasBias() ? c.getNOut() : 0);
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
        Conv c = conf(conf.getLayer());
        Map<String, INDArray> out = slice(c, view);
        for (String k : out.keySet()) {
            conf.addVariable(k);
        }
        if (initialize) {
            ConvGeometry g = c.geometry();
            SplittableRandom rng = ActivationLayerConfig.initialValues(conf);
            double fanIn = (double) g.groupChannels() * g.taps();
            double fanOut = (double) g.outChannels() * g.taps();
            switch (c.getInit()) {
                case PYTORCH -> {
                    fill(out.get(WEIGHT), rng, 1.0 / Math.sqrt(fanIn));
                    if (c.isHasBias()) {
                        fill(out.get(BIAS), rng, 1.0 / Math.sqrt(fanIn));
                    }
                }
                case XAVIER_RELU -> {
                    fill(out.get(WEIGHT), rng, Math.sqrt(2.0) * Math.sqrt(6.0 / (fanIn + fanOut)));
                    if (c.isHasBias()) {
                        out.get(BIAS).assign(0);
                    }
                }
            }
        }
        return out;
    }

    /** a ← U(−bound, bound). */
    private static void fill(INDArray a, SplittableRandom rng, double bound) {
        double[] v = new double[(int) a.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (2 * rng.nextDouble() - 1) * bound;
        }
        a.assign(Nd4j.createFromArray(v).reshape(a.shape()).castTo(a.dataType()));
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray view) {
        return slice(conf(conf.getLayer()), view);
    }

    private static Map<String, INDArray> slice(Conv c, INDArray view) {
        ConvGeometry g = c.geometry();
        INDArray flat = view.reshape(view.length());
        long w = g.weightCount();
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put(WEIGHT, flat.get(NDArrayIndex.interval(0, w)).reshape('c', g.weightShape()));
        if (c.isHasBias()) {
            out.put(BIAS, flat.get(NDArrayIndex.interval(w, w + c.getNOut())));
        }
        return out;
    }
}
