package dev.dashspark.core.backbone;

import org.deeplearning4j.nn.conf.layers.Layer;

/** Makes the DL4J layer for a searchable convolution: the backbone's own conv, an AggConv (supernet), or a found (k, d). */
@FunctionalInterface
public interface ConvFactory {
    Layer create(ConvSlot slot);

    /**
     * Zeros the backbone inserts before the convolution at the start of the length axis (1D): a causal
     * convolution is a "truncate" convolution after {@code d(k − 1)} leading zeros. 0: none.
     */
    default int leadingPadding(ConvSlot slot) {
        return 0;
    }
}
