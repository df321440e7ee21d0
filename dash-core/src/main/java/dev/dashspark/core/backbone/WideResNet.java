package dev.dashspark.core.backbone;

import dev.dashspark.core.layer.ChannelBatchNorm;
import dev.dashspark.core.layer.PointwiseConv;
import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.arch.LayerChoice;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.activations.Activation;

import java.util.ArrayList;
import java.util.List;

/**
 * Pre-activation Wide ResNet WRN-16-w (ALGORITHM.md §3): a 3×3 stem conv with 16 channels, 3 stages × 2 blocks
 * (BN-ReLU-conv1-dropout-BN-ReLU-conv2(stride), a 1×1 shortcut on shape change), widths 16w/32w/64w, strides 1/2/2
 * (all 1 with {@code remainShape}), then BN-ReLU and a head: global average pooling and a linear layer, or with
 * {@code remainShape} a per-pixel linear layer to (B, outputs, H, W), flattened to (B, outputs·H·W) for the loss.
 * 13 searchable convolutions: the stem, then conv1 and conv2 of each block.
 *
 * @param inChannels  input channels
 * @param height      input height
 * @param width       input width
 * @param outputs     classes, labels, or dense output channels
 * @param widen       w
 * @param head        classification (softmax + CE), multi-label (sigmoid + BCE) or dense (identity + loss)
 */
public record WideResNet(int inChannels, int height, int width, int outputs, int widen, HeadSpec head)
        implements Backbone {

    public WideResNet {
        if (inChannels < 1 || height < 1 || width < 1 || outputs < 1 || widen < 1) {
            throw new IllegalArgumentException("WideResNet: channels, height, width, outputs and widen must be ≥ 1, got "
                    + inChannels + ", " + height + ", " + width + ", " + outputs + ", " + widen);
        }
        if (head == null) {
            throw new IllegalArgumentException("WideResNet: head must not be null");
        }
    }

    /** Height and width after the strides (the input's with {@code remainShape}). */
    private long[] outputGrid() {
        long h = height;
        long w = width;
        for (ConvSlot s : slots()) {
            h = (h - 1) / s.stride() + 1;
            w = (w - 1) / s.stride() + 1;
        }
        return new long[]{h, w};
    }

    private boolean remainShape() {
        return head.kind() == Head.DENSE;
    }

    @Override
    public int dims() {
        return 2;
    }

    @Override
    public List<ConvSlot> slots() {
        List<ConvSlot> out = new ArrayList<>();
        out.add(new ConvSlot("stem", inChannels, 16, 3, 1));
        int in = 16;
        int[] widths = {16 * widen, 32 * widen, 64 * widen};
        int[] strides = remainShape() ? new int[]{1, 1, 1} : new int[]{1, 2, 2};
        for (int st = 0; st < 3; st++) {
            for (int b = 0; b < 2; b++) {
                String block = "s" + (st + 1) + "b" + (b + 1);
                int stride = b == 0 ? strides[st] : 1;
                out.add(new ConvSlot(block + "c1", in, widths[st], 3, 1));
                out.add(new ConvSlot(block + "c2", widths[st], widths[st], 3, stride));
                in = widths[st];
            }
        }
        return out;
    }

    /** Ordinary convolutions with the found (k, d), "same" padding (odd k), the slot's stride. */
    @Override
    public ConvFactory retrainConvs(Architecture arch) {
        return slot -> {
            LayerChoice c = arch.get(slot.name());
            return new ConvolutionLayer.Builder(c.kernel(), c.kernel()).dilation(c.dilation(), c.dilation())
                    .stride(slot.stride(), slot.stride()).convolutionMode(ConvolutionMode.Same)
                    .nIn(slot.inChannels()).nOut(slot.outChannels()).activation(Activation.IDENTITY).build();
        };
    }

    @Override
    public ComputationGraphConfiguration graph(NeuralNetConfiguration.Builder base, ConvFactory convs, double dropout) {
        ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder().addInputs("in");
        List<ConvSlot> slots = slots();
        g.addLayer("stem", convs.create(slots.get(0)), "in");
        String prev = "stem";
        int at = 1;
        for (int st = 0; st < 3; st++) {
            for (int b = 0; b < 2; b++) {
                ConvSlot c1 = slots.get(at++);
                ConvSlot c2 = slots.get(at++);
                String block = c1.name().substring(0, c1.name().length() - 2);
                g.addLayer(block + "bn1", ChannelBatchNorm.builder().nOut(c1.inChannels()).relu(true).build(), prev);
                g.addLayer(c1.name(), convs.create(c1), block + "bn1");
                ChannelBatchNorm bn2 = ChannelBatchNorm.builder().nOut(c1.outChannels()).relu(true).build();
                if (dropout > 0) {
                    bn2.setIDropout(new org.deeplearning4j.nn.conf.dropout.Dropout(1.0 - dropout));
                }
                g.addLayer(block + "bn2", bn2, c1.name());
                g.addLayer(c2.name(), convs.create(c2), block + "bn2");
                String shortcut = prev;
                if (c1.inChannels() != c2.outChannels() || c2.stride() != 1) {
                    String sc = block + "shortcut";
                    if (c2.stride() == 1) {
                        g.addLayer(sc, PointwiseConv.builder().nIn(c1.inChannels()).nOut(c2.outChannels()).build(), block + "bn1");
                    } else {
                        g.addLayer(sc, new ConvolutionLayer.Builder(1, 1).stride(c2.stride(), c2.stride())
                                .convolutionMode(ConvolutionMode.Same).nIn(c1.inChannels()).nOut(c2.outChannels())
                                .activation(Activation.IDENTITY).build(), block + "bn1");
                    }
                    shortcut = sc;
                }
                g.addVertex(block + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), c2.name(), shortcut);
                prev = block + "add";
            }
        }
        int last = 64 * widen;
        g.addLayer("headbn", ChannelBatchNorm.builder().nOut(last).relu(true).build(), prev);
        long[] grid = outputGrid();
        Backbone.addHead(g, "headbn", last, grid[0], grid[1], outputs, head);
        return g.setOutputs("out").setInputTypes(InputType.convolutional(height, width, inChannels)).build();
    }
}
