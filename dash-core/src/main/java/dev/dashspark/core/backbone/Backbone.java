package dev.dashspark.core.backbone;

import dev.dashspark.core.aggconv.SearchSpace;
import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.arch.LayerChoice;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import dev.dashspark.core.layer.PointwiseConv;
import dev.dashspark.core.layer.TargetDecoder;
import dev.dashspark.core.loss.Loss;
import dev.dashspark.core.task.OutputKind;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;

import java.util.List;

/**
 * A CNN backbone whose searchable convolutions are named slots (docs/algorithm.md, "Backbones"): the same builder makes the
 * backbone itself, the supernet (every slot an AggConv), the discretized network as the search saw it, and the
 * retrain network of a found architecture.
 */
public interface Backbone {

    /**
     * A network's head.
     *
     * @param kind      what it predicts
     * @param loss      the training loss; it must suit {@code kind}
     * @param posWeight the weight of the positive term of {@link Loss#BCE} (1: plain BCE; must be 1 for other losses)
     * @param decoder   a dense head ends with a {@link TargetDecoder} (targets normalised per position)
     */
    record HeadSpec(OutputKind kind, Loss loss, double posWeight, boolean decoder) {
        public HeadSpec(OutputKind kind, Loss loss, double posWeight) {
            this(kind, loss, posWeight, false);
        }

        public HeadSpec {
            if (kind == null || loss == null) {
                throw new IllegalArgumentException("head: kind and loss must not be null");
            }
            if (!loss.suits(kind)) {
                throw new IllegalArgumentException("head: loss " + loss + " does not suit output " + kind.configName()
                        + "; expected one of " + Loss.namesFor(kind));
            }
            if (!(posWeight > 0) || !Double.isFinite(posWeight)) {
                throw new IllegalArgumentException("head: positive weight must be finite and > 0, got " + posWeight);
            }
            loss.function(posWeight); // pos-weight only with bce
            if (decoder && kind != OutputKind.DENSE) {
                throw new IllegalArgumentException("head: a target decoder needs a dense head, got " + kind.configName());
            }
        }

        /** Softmax over classes with cross-entropy. */
        public static HeadSpec classes() {
            return new HeadSpec(OutputKind.CLASSES, Loss.CE, 1.0);
        }
    }

    /**
     * Adds the head after vertex {@code from} (activations with {@code channels} channels on an h × w grid) and names
     * its output "out": global average pooling and a linear layer, or for {@link OutputKind#DENSE} a per-position
     * linear layer ({@link PointwiseConv}, then the {@link TargetDecoder} when asked) flattened to (B, outputs·h·w);
     * the loss's activation and function.
     */
    static void addHead(ComputationGraphConfiguration.GraphBuilder g, String from, int channels, long h, long w,
                        int outputs, HeadSpec head) {
        if (head.kind() == OutputKind.DENSE) {
            g.addLayer("headconv", PointwiseConv.builder().nIn(channels).nOut(outputs).build(), from);
            String last = "headconv";
            if (head.decoder()) {
                g.addLayer("decoder", TargetDecoder.builder().build(), last);
                last = "decoder";
            }
            g.addLayer("out", new LossLayer.Builder(head.loss().function(head.posWeight()))
                    .activation(head.loss().activation()).build(), last);
            g.inputPreProcessor("out", new CnnToFeedForwardPreProcessor(h, w, outputs));
            return;
        }
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), from);
        g.addLayer("out", new OutputLayer.Builder(head.loss().function(head.posWeight()))
                .activation(head.loss().activation()).nIn(channels).nOut(outputs).build(), "pool");
    }

    /**
     * Gives the head's linear layer ("out", when it has parameters) PyTorch's {@code nn.Linear} initialisation, which
     * the reference keeps in both backbones: W and b ~ U(−1/√nIn, 1/√nIn), from a generator seeded by {@code seed}.
     */
    static void initializeHead(org.deeplearning4j.nn.graph.ComputationGraph net, long seed) {
        org.deeplearning4j.nn.api.Layer out = net.getLayer("out");
        if (out == null || out.numParams() == 0) {
            return;
        }
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        for (String key : new String[]{"W", "b"}) {
            org.nd4j.linalg.api.ndarray.INDArray p = out.getParam(key);
            double bound = 1.0 / Math.sqrt(out.getParam("W").size(0));
            double[] v = new double[(int) p.length()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (2 * rng.nextDouble() - 1) * bound;
            }
            p.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(v).reshape(p.shape()).castTo(p.dataType()));
        }
    }

    /** The searchable convolutions, in layer order. */
    List<ConvSlot> slots();

    /** The network with each slot made by {@code convs}; {@code dropout} after each searchable convolution. */
    ComputationGraphConfiguration graph(NeuralNetConfiguration.Builder base, ConvFactory convs, double dropout);

    /** Spatial dimensions the backbone convolves over: 1 or 2. */
    int dims();

    /** The retrain network's convolutions for a found architecture. */
    ConvFactory retrainConvs(Architecture arch);

    /** The backbone's own kernels (dilation 1) as an architecture. */
    default Architecture defaultArchitecture() {
        return new Architecture(slots().stream().map(s -> new LayerChoice(s.name(), s.defaultKernel(), 1)).toList());
    }

    /** Supernet convolutions: every slot an AggConv over the space, depthwise where it maps C channels to C. */
    default ConvFactory supernetConvs(SearchSpace space, Strategy strategy, boolean gumbel, long noiseSeed) {
        return slot -> dev.dashspark.core.layer.AggConvLayer.builder().dims(dims()).searchSpace(space).strategy(strategy)
                .gumbel(gumbel).noiseSeed(noiseSeed).depthwise(slot.separable()).stride(slot.stride())
                .nIn(slot.inChannels()).nOut(slot.outChannels()).build();
    }

    /**
     * The convolutions of a found architecture as the search saw them: centred, depthwise where the supernet was,
     * each a single-candidate FFT AggConv without noise. With the same weights this network computes exactly what
     * the supernet computes when α is one-hot on the same choices (docs/algorithm.md, "Backbones"; SearchRetrainGeometryTest).
     */
    default ConvFactory searchedConvs(Architecture arch) {
        return slot -> {
            LayerChoice c = arch.get(slot.name());
            return dev.dashspark.core.layer.AggConvLayer.builder().dims(dims())
                    .searchSpace(new SearchSpace(new int[]{c.kernel()}, new int[]{c.dilation()}))
                    .strategy(Strategy.FFT).gumbel(false).depthwise(slot.separable()).stride(slot.stride())
                    .nIn(slot.inChannels()).nOut(slot.outChannels()).build();
        };
    }
}
