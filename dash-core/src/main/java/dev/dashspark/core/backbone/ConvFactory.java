package dev.dashspark.core.backbone;

import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * Makes the DL4J layer for a searchable convolution: the backbone's own conv, an AggConv (supernet), or a found
 * (k, d). The layer owns its whole geometry, padding included.
 */
@FunctionalInterface
public interface ConvFactory {
    Layer create(ConvSlot slot);
}
