package dev.dashspark.core.backbone;

import dev.dashspark.core.aggconv.SearchSpace;
import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.layer.AggConvLayer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import dev.dashspark.core.layer.ChannelBatchNorm;
import dev.dashspark.core.layer.PointwiseConv;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference's 1D ResNet (ALGORITHM.md §3): 3 residual blocks × 3 ConvBlocks (conv, BN, ReLU), channels
 * in→m→m→m, m→2m→2m→2m, 2m→2m→2m→2m, a 1×1 conv + BN shortcut where channels change, mean over the length and a
 * linear softmax head. Shortcuts are {@link PointwiseConv}s. Default kernels 8, 5, 3. Nine searchable convolutions; shortcuts are never replaced.
 *
 * <p>Layout: DL4J's [B, C, L, 1] ({@code InputType.convolutional(L, 1, C)}), because BatchNormalization fails on
 * rank-3 input (DL4J-NOTES.md §3).
 */
public final class ResNet1D {
    public static final int[] DEFAULT_KERNELS = {8, 5, 3};

    private ResNet1D() {
    }

    /** m = min(4^(⌊classes/10⌋ + 1), 64). */
    public static int midChannels(int classes) {
        return (int) Math.min(Math.pow(4, classes / 10 + 1), 64);
    }

    /** The nine searchable convolutions, in layer order. */
    public static List<ConvSlot> slots(int inChannels, int mid) {
        int[][] blocks = {{inChannels, mid}, {mid, 2 * mid}, {2 * mid, 2 * mid}};
        List<ConvSlot> out = new ArrayList<>();
        for (int b = 0; b < blocks.length; b++) {
            int in = blocks[b][0];
            int width = blocks[b][1];
            for (int c = 0; c < 3; c++) {
                out.add(new ConvSlot("b" + (b + 1) + "c" + (c + 1), c == 0 ? in : width, width, DEFAULT_KERNELS[c], 1));
            }
        }
        return out;
    }

    /** The backbone's own convolutions: kernel from the slot, "same" padding. */
    public static ConvFactory backboneConvs() {
        return slot -> new ConvolutionLayer.Builder(slot.defaultKernel(), 1).stride(slot.stride(), 1)
                .convolutionMode(ConvolutionMode.Same).nIn(slot.inChannels()).nOut(slot.outChannels())
                .activation(Activation.IDENTITY).build();
    }

    /** Supernet convolutions: every slot becomes an AggConv, depthwise where it maps C channels to C. */
    public static ConvFactory supernetConvs(SearchSpace space, Strategy strategy, boolean gumbel, long noiseSeed) {
        return slot -> AggConvLayer.builder().dims(1).searchSpace(space).strategy(strategy).gumbel(gumbel)
                .noiseSeed(noiseSeed).depthwise(slot.separable()).stride(slot.stride())
                .nIn(slot.inChannels()).nOut(slot.outChannels()).build();
    }

    /**
     * The whole network.
     *
     * @param base       global settings (seed, updater, data type, weight init)
     * @param inChannels input channels
     * @param length     input length
     * @param classes    number of classes
     * @param mid        m (see {@link #midChannels})
     * @param convs      what each searchable convolution becomes
     */
    public static ComputationGraphConfiguration graph(NeuralNetConfiguration.Builder base, int inChannels, int length,
                                                      int classes, int mid, ConvFactory convs) {
        ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder().addInputs("in");
        List<ConvSlot> slots = slots(inChannels, mid);
        String prev = "in";
        for (int b = 0; b < 3; b++) {
            String blockIn = prev;
            for (int c = 0; c < 3; c++) {
                ConvSlot s = slots.get(3 * b + c);
                g.addLayer(s.name(), convs.create(s), prev);
                g.addLayer(s.name() + "bn", ChannelBatchNorm.builder().nOut(s.outChannels()).relu(true).build(), s.name());
                prev = s.name() + "bn";
            }
            ConvSlot first = slots.get(3 * b);
            String shortcut = blockIn;
            if (first.inChannels() != first.outChannels()) {
                String sc = "b" + (b + 1) + "shortcut";
                g.addLayer(sc, PointwiseConv.builder().nIn(first.inChannels()).nOut(first.outChannels()).build(), blockIn);
                g.addLayer(sc + "bn", ChannelBatchNorm.builder().nOut(first.outChannels()).build(), sc);
                shortcut = sc + "bn";
            }
            String add = "b" + (b + 1) + "add";
            g.addVertex(add, new ElementWiseVertex(ElementWiseVertex.Op.Add), prev, shortcut);
            prev = add;
        }
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), prev);
        g.addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(2L * mid).nOut(classes)
                .activation(Activation.SOFTMAX).build(), "pool");
        return g.setOutputs("out").setInputTypes(InputType.convolutional(length, 1, inChannels)).build();
    }
}
