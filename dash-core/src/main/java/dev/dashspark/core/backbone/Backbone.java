package dev.dashspark.core.backbone;

import dev.dashspark.core.aggconv.SearchSpace;
import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.arch.LayerChoice;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import dev.dashspark.core.layer.PointwiseConv;
import dev.dashspark.core.loss.RelativeL2Loss;
import dev.dashspark.core.loss.WeightedBinaryCrossEntropy;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.util.List;

/**
 * A CNN backbone whose searchable convolutions are named slots (ALGORITHM.md §3): the same builder makes the
 * backbone itself, the supernet (every slot an AggConv), the discretized network as the search saw it, and the
 * retrain network of a found architecture.
 */
public interface Backbone {

    /** What the network predicts. */
    enum Head {
        /** Softmax over classes, cross-entropy. */
        CLASSES,
        /** Independent sigmoids, binary cross-entropy. */
        MULTI_LABEL,
        /** A value per output channel and position (remain_shape), flattened to (B, outputs·positions) for the loss. */
        DENSE
    }

    /**
     * A network's head.
     *
     * @param kind      what it predicts
     * @param denseLoss the loss of a dense head: {@code mse} or {@code rel-l2} (ignored for other kinds)
     * @param posWeight the weight of the positive term of a multi-label head's binary cross-entropy (1: plain BCE)
     */
    record HeadSpec(Head kind, String denseLoss, double posWeight) {
        public HeadSpec {
            if (kind == null) {
                throw new IllegalArgumentException("head: kind must not be null");
            }
            if (kind == Head.DENSE && !"mse".equals(denseLoss) && !"rel-l2".equals(denseLoss)) {
                throw new IllegalArgumentException("head: dense loss must be mse or rel-l2, got " + denseLoss);
            }
            if (!(posWeight > 0) || !Double.isFinite(posWeight)) {
                throw new IllegalArgumentException("head: positive weight must be finite and > 0, got " + posWeight);
            }
        }

        /** Softmax over classes with cross-entropy. */
        public static HeadSpec classes() {
            return new HeadSpec(Head.CLASSES, null, 1.0);
        }
    }

    /**
     * Adds the head after vertex {@code from} (activations with {@code channels} channels on an h × w grid) and names
     * its output "out": global average pooling and a linear layer, or for {@link Head#DENSE} a per-position linear
     * layer ({@link PointwiseConv}) and the dense loss ({@code mse} or {@code rel-l2}).
     */
    static void addHead(ComputationGraphConfiguration.GraphBuilder g, String from, int channels, long h, long w,
                        int outputs, HeadSpec head) {
        if (head.kind() == Head.DENSE) {
            g.addLayer("headconv", PointwiseConv.builder().nIn(channels).nOut(outputs).build(), from);
            ILossFunction loss = "rel-l2".equals(head.denseLoss()) ? new RelativeL2Loss() : new LossMSE();
            g.addLayer("out", new LossLayer.Builder(loss).activation(Activation.IDENTITY).build(), "headconv");
            g.inputPreProcessor("out", new CnnToFeedForwardPreProcessor(h, w, outputs));
            return;
        }
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), from);
        OutputLayer.Builder out;
        if (head.kind() == Head.MULTI_LABEL) {
            out = head.posWeight() == 1.0 ? new OutputLayer.Builder(LossFunctions.LossFunction.XENT)
                    : new OutputLayer.Builder(new WeightedBinaryCrossEntropy(head.posWeight()));
            out.activation(Activation.SIGMOID);
        } else {
            out = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX);
        }
        g.addLayer("out", out.nIn(channels).nOut(outputs).build(), "pool");
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
     * the supernet computes when α is one-hot on the same choices (ALGORITHM.md §6.4).
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
