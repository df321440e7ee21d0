package dev.dashspark.core.backbone;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import dev.dashspark.core.layer.ChannelBatchNorm;
import dev.dashspark.core.layer.PointwiseConv;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.nd4j.linalg.activations.Activation;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference's 1D ResNet (ALGORITHM.md §3): 3 residual blocks × 3 ConvBlocks (conv, BN, ReLU), channels
 * in→m→m→m, m→2m→2m→2m, 2m→2m→2m→2m, a 1×1 conv + BN shortcut where channels change, mean over the length and a
 * linear softmax head (or, for dense tasks, a per-position linear head: no downsampling anywhere). Shortcuts are
 * {@link PointwiseConv}s. Default kernels 8, 5, 3. Nine searchable convolutions; shortcuts are never replaced.
 *
 * <p>Layout: DL4J's [B, C, L, 1] ({@code InputType.convolutional(L, 1, C)}), because BatchNormalization fails on
 * rank-3 input (DL4J-NOTES.md §3).
 */
public record ResNet1D(int inChannels, int length, int outputs, int mid, HeadSpec head) implements Backbone {
    public static final int[] DEFAULT_KERNELS = {8, 5, 3};

    public ResNet1D {
        if (inChannels < 1 || length < 1 || outputs < 1 || mid < 1) {
            throw new IllegalArgumentException("ResNet1D: channels, length, outputs and mid must be ≥ 1, got "
                    + inChannels + ", " + length + ", " + outputs + ", " + mid);
        }
        if (head == null) {
            throw new IllegalArgumentException("ResNet1D: head must not be null");
        }
    }

    /** The reference's network for a task: m from the output count. */
    public static ResNet1D forTask(int inChannels, int length, int outputs, HeadSpec head) {
        return new ResNet1D(inChannels, length, outputs, midChannels(outputs), head);
    }

    /** A classification network (softmax head). */
    public static ResNet1D classifier(int inChannels, int length, int classes, int mid) {
        return new ResNet1D(inChannels, length, classes, mid, HeadSpec.classes());
    }

    @Override
    public int dims() {
        return 1;
    }

    @Override
    public List<ConvSlot> slots() {
        return slots(inChannels, mid);
    }

    @Override
    public ComputationGraphConfiguration graph(NeuralNetConfiguration.Builder base, ConvFactory convs, double dropout) {
        return graph(base, inChannels, length, outputs, mid, convs, head, dropout);
    }

    @Override
    public ConvFactory retrainConvs(dev.dashspark.core.arch.Architecture arch) {
        return causalConvs(arch);
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

    /**
     * The retrain network's convolutions (ALGORITHM.md §1.5, §3): ordinary dense convolutions with the found (k, d),
     * causal as in the reference's retrained ResNet1D (d(k − 1) leading zeros, then a "truncate" convolution).
     */
    public static ConvFactory causalConvs(dev.dashspark.core.arch.Architecture arch) {
        return new ConvFactory() {
            @Override
            public org.deeplearning4j.nn.conf.layers.Layer create(ConvSlot slot) {
                dev.dashspark.core.arch.LayerChoice c = arch.get(slot.name());
                return new ConvolutionLayer.Builder(c.kernel(), 1).dilation(c.dilation(), 1).stride(slot.stride(), 1)
                        .convolutionMode(ConvolutionMode.Truncate).nIn(slot.inChannels()).nOut(slot.outChannels())
                        .activation(Activation.IDENTITY).build();
            }

            @Override
            public int leadingPadding(ConvSlot slot) {
                return arch.get(slot.name()).extent() - 1;
            }
        };
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
        return graph(base, inChannels, length, classes, mid, convs, HeadSpec.classes(), 0.0);
    }

    /**
     * The whole network with a choice of head and dropout.
     *
     * @param head       classes (softmax + CE), multi-label (sigmoid + BCE) or dense (per position, remain_shape)
     * @param dropout    dropout probability after each convolution (0: none), as the reference's ConvBlock
     */
    public static ComputationGraphConfiguration graph(NeuralNetConfiguration.Builder base, int inChannels, int length,
                                                      int classes, int mid, ConvFactory convs, HeadSpec head,
                                                      double dropout) {
        ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder().addInputs("in");
        List<ConvSlot> slots = slots(inChannels, mid);
        String prev = "in";
        for (int b = 0; b < 3; b++) {
            String blockIn = prev;
            for (int c = 0; c < 3; c++) {
                ConvSlot s = slots.get(3 * b + c);
                int lead = convs.leadingPadding(s);
                if (lead > 0) {
                    g.addLayer(s.name() + "pad", new ZeroPaddingLayer.Builder(lead, 0, 0, 0).build(), prev);
                    prev = s.name() + "pad";
                }
                g.addLayer(s.name(), convs.create(s), prev);
                ChannelBatchNorm bn = ChannelBatchNorm.builder().nOut(s.outChannels()).relu(true).build();
                if (dropout > 0) {
                    // the reference's ConvBlock is conv → dropout → BN → ReLU: DL4J drops a layer's input
                    bn.setIDropout(new org.deeplearning4j.nn.conf.dropout.Dropout(1.0 - dropout));
                }
                g.addLayer(s.name() + "bn", bn, s.name());
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
        Backbone.addHead(g, prev, 2 * mid, length, 1, classes, head);
        return g.setOutputs("out").setInputTypes(InputType.convolutional(length, 1, inChannels)).build();
    }
}
