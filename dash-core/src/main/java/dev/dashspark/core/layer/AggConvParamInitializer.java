package dev.dashspark.core.layer;

import dev.dashspark.core.aggconv.AggConvSpec;
import dev.dashspark.core.aggconv.SearchSpace;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Parameter layout of {@link AggConvLayer} in the flat view: {@code W0 … W(n−1)}, then {@code alpha}, then {@code b}.
 * Initial values (docs/algorithm.md, "Initial values"): W_i ~ N(0, 0.01), α ~ 1e-3·N(0, 1), b = 0, from a generator seeded by the
 * network seed and the layer name, so a layer's initial values do not depend on other layers.
 */
public final class AggConvParamInitializer implements ParamInitializer {
    public static final AggConvParamInitializer INSTANCE = new AggConvParamInitializer();
    public static final String ALPHA = "alpha";
    public static final String BIAS = "b";

    private AggConvParamInitializer() {
    }

    public static String weightKey(int candidate) {
        return "W" + candidate;
    }

    private static AggConvLayer layer(Layer l) {
        if (!(l instanceof AggConvLayer a)) {
            throw new IllegalArgumentException("AggConvParamInitializer: not an AggConvLayer: " + l);
        }
        return a;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer l) {
        AggConvSpec spec = layer(l).spec();
        long n = 0;
        for (int i = 0; i < spec.space().size(); i++) {
            n += spec.weightLength(i);
        }
        return n + spec.space().size() + (layer(l).isHasBias() ? spec.outChannels() : 0);
    }

    @Override
    public List<String> paramKeys(Layer l) {
        List<String> keys = new ArrayList<>(weightKeys(l));
        keys.add(ALPHA);
        keys.addAll(biasKeys(l));
        return keys;
    }

    @Override
    public List<String> weightKeys(Layer l) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < layer(l).searchSpace().size(); i++) {
            keys.add(weightKey(i));
        }
        return keys;
    }

    @Override
    public List<String> biasKeys(Layer l) {
        return layer(l).isHasBias() ? List.of(BIAS) : Collections.emptyList();
    }

    @Override
    public boolean isWeightParam(Layer l, String key) {
        return key.startsWith("W");
    }

    @Override
    public boolean isBiasParam(Layer l, String key) {
        return BIAS.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray view, boolean initialize) {
        AggConvLayer l = layer(conf.getLayer());
        Map<String, INDArray> params = slice(l, view);
        for (String key : params.keySet()) {
            conf.addVariable(key);
        }
        if (initialize) {
            SplittableRandom rng = ActivationLayerConfig.initialValues(conf);
            for (Map.Entry<String, INDArray> e : params.entrySet()) {
                INDArray p = e.getValue();
                double scale = e.getKey().equals(ALPHA) ? 1e-3 : e.getKey().equals(BIAS) ? 0.0 : 0.01;
                double[] v = new double[(int) p.length()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = scale == 0.0 ? 0.0 : scale * gaussian(rng);
                }
                p.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(v).reshape(p.shape()).castTo(p.dataType()));
            }
        }
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return slice(layer(conf.getLayer()), gradientView);
    }

    /** Views of the flat array, in layout order. */
    private static Map<String, INDArray> slice(AggConvLayer l, INDArray view) {
        AggConvSpec spec = l.spec();
        SearchSpace space = spec.space();
        INDArray flat = view.reshape(view.length());
        Map<String, INDArray> out = new LinkedHashMap<>();
        long at = 0;
        for (int i = 0; i < space.size(); i++) {
            long n = spec.weightLength(i);
            out.put(weightKey(i), flat.get(NDArrayIndex.interval(at, at + n)).reshape('c', spec.weightShape(i)));
            at += n;
        }
        out.put(ALPHA, flat.get(NDArrayIndex.interval(at, at + space.size())));
        at += space.size();
        if (l.isHasBias()) {
            out.put(BIAS, flat.get(NDArrayIndex.interval(at, at + spec.outChannels())));
        }
        return out;
    }

    private static double gaussian(SplittableRandom rng) {
        double u1;
        do {
            u1 = rng.nextDouble();
        } while (u1 <= 0.0);
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
