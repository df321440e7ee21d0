package dev.dashspark.core.backbone;

import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.arch.LayerChoice;
import dev.dashspark.core.conv.ConvGeometry;
import dev.dashspark.core.layer.ChannelBatchNorm;
import dev.dashspark.core.layer.Conv;
import dev.dashspark.core.layer.PointwiseConv;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference's 1D ResNet (docs/algorithm.md, "Backbones"): 3 residual blocks × 3 ConvBlocks (conv, dropout, BN,
 * ReLU), channels in→m→m→m, m→2m→2m→2m, 2m→2m→2m→2m, mean over the length and a linear softmax head (or, for dense
 * tasks, a per-position linear head: no downsampling anywhere). A block whose channels change adds a 1×1 conv + BN
 * shortcut ({@link PointwiseConv}) of its input; a block whose channels do not change has no shortcut at all (the
 * reference's {@code ResNetBlock} returns its layers' output alone). Default kernels 8, 5, 3. Nine searchable
 * convolutions; shortcuts are never replaced.
 *
 * <p>Layout: DL4J's [B, C, L, 1] ({@code InputType.convolutional(L, 1, C)}), because BatchNormalization fails on
 * rank-3 input in DL4J 1.0.0-M2.1 (its issue #9263).
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
    public ConvFactory retrainConvs(Architecture arch) {
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

    /**
     * The retrain network's convolutions (docs/algorithm.md, "Retraining"): ordinary dense convolutions with the found
     * (k, d), causal as in the reference's retrained ResNet1D ({@code Conv1d(padding=(k−1)d)} + {@code Chomp1d}).
     * The backbone itself is this with its default kernels (8, 5, 3; d = 1).
     */
    public static ConvFactory causalConvs(Architecture arch) {
        return slot -> {
            LayerChoice c = arch.get(slot.name());
            return Conv.builder().dims(1).kernel(c.kernel()).dilation(c.dilation()).stride(slot.stride())
                    .padding(ConvGeometry.Padding.CAUSAL).nIn(slot.inChannels()).nOut(slot.outChannels()).build();
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
            if (first.inChannels() != first.outChannels()) {
                String sc = "b" + (b + 1) + "shortcut";
                g.addLayer(sc, PointwiseConv.builder().nIn(first.inChannels()).nOut(first.outChannels()).build(), blockIn);
                g.addLayer(sc + "bn", ChannelBatchNorm.builder().nOut(first.outChannels()).build(), sc);
                String add = "b" + (b + 1) + "add";
                g.addVertex(add, new ElementWiseVertex(ElementWiseVertex.Op.Add), prev, sc + "bn");
                prev = add;
            }
        }
        Backbone.addHead(g, prev, 2 * mid, length, 1, classes, head);
        return g.setOutputs("out").setInputTypes(InputType.convolutional(length, 1, inChannels)).build();
    }
}
