package dev.dashspark.core.backbone;

/**
 * One searchable convolution of a backbone, in layer order (the order α's and the (k, d) lists follow).
 *
 * @param name          vertex name in the graph
 * @param inChannels    input channels
 * @param outChannels   output channels
 * @param defaultKernel the backbone's own kernel size
 * @param stride        stride
 */
public record ConvSlot(String name, int inChannels, int outChannels, int defaultKernel, int stride) {
    /** DASH makes a layer depthwise during search when it maps C channels to C (docs/algorithm.md, "Operator (AggConv)"). */
    public boolean separable() {
        return inChannels == outChannels;
    }
}
