package dev.dashspark.core.backbone;

import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.arch.LayerChoice;
import dev.dashspark.core.conv.ConvGeometry;
import dev.dashspark.core.layer.ChannelBatchNorm;
import dev.dashspark.core.layer.Conv;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;

import java.util.ArrayList;
import java.util.List;

/**
 * Pre-activation Wide ResNet WRN-16-w (docs/algorithm.md, "Backbones"): a 3×3 stem conv with 16 channels, 3 stages
 * × 2 blocks (BN-ReLU-conv1-dropout-BN-ReLU-conv2(stride), plus the block input itself, or a 1×1 conv of the block
 * input with the block's stride where the shape changes), widths 16w/32w/64w, strides 1/2/2 (all 1 with
 * {@code remainShape}), then BN-ReLU and a head: global average pooling and a linear layer, or with
 * {@code remainShape} a per-pixel linear layer to (B, outputs, H, W), flattened to (B, outputs·H·W) for the loss.
 * 13 searchable convolutions: the stem, then conv1 and conv2 of each block. Every convolution (shortcuts included)
 * is a {@link Conv} with symmetric "same" padding d(k − 1)/2, so a stride-2 convolution samples the even positions,
 * as PyTorch's and as the searched AggConv's; weights start Xavier-uniform with gain √2, biases at 0 (the reference's
 * {@code conv_init}).
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
        return head.kind() == dev.dashspark.core.task.OutputKind.DENSE;
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
            return conv(slot.inChannels(), slot.outChannels(), c.kernel(), c.dilation(), slot.stride());
        };
    }

    /** A WRN convolution: symmetric "same" padding, the reference's initialisation. */
    static Conv conv(int in, int out, int k, int d, int stride) {
        return Conv.builder().dims(2).kernel(k).dilation(d).stride(stride).padding(ConvGeometry.Padding.SAME)
                .init(Conv.Init.XAVIER_RELU).nIn(in).nOut(out).build();
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
                String shortcut = prev; // the block input, before bn1 (the reference's shortcut(x))
                if (c1.inChannels() != c2.outChannels() || c2.stride() != 1) {
                    String sc = block + "shortcut";
                    g.addLayer(sc, conv(c1.inChannels(), c2.outChannels(), 1, 1, c2.stride()), prev);
                    shortcut = sc;
                }
                g.addVertex(block + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), c2.name(), shortcut);
                prev = block + "add";
            }
        }
        int last = 64 * widen;
        // the reference's final BatchNorm2d has momentum 0.9 (its running statistics follow the last batches closely)
        g.addLayer("headbn", ChannelBatchNorm.builder().nOut(last).momentum(0.9).relu(true).build(), prev);
        long[] grid = outputGrid();
        Backbone.addHead(g, "headbn", last, grid[0], grid[1], outputs, head);
        return g.setOutputs("out").setInputTypes(InputType.convolutional(height, width, inChannels)).build();
    }
}
