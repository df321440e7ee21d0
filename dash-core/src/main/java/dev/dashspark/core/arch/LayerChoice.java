package dev.dashspark.core.arch;

/**
 * The operation found for one searchable convolution: kernel size and dilation.
 *
 * @param layer    the convolution's vertex name in the backbone (layer order is the backbone's)
 * @param kernel   kernel size k (≥ 1; odd for every DASH search space, even for some backbone defaults)
 * @param dilation dilation d (≥ 1)
 */
public record LayerChoice(String layer, int kernel, int dilation) {
    public LayerChoice {
        if (layer == null || layer.isBlank()) {
            throw new IllegalArgumentException("layer: must be a non-empty name");
        }
        if (kernel < 1) {
            throw new IllegalArgumentException("layer '" + layer + "': kernel must be ≥ 1, got " + kernel);
        }
        if (dilation < 1) {
            throw new IllegalArgumentException("layer '" + layer + "': dilation must be ≥ 1, got " + dilation);
        }
    }

    /** Extent of the dilated kernel, d(k − 1) + 1: the receptive field this layer adds is extent − 1. */
    public int extent() {
        return dilation * (kernel - 1) + 1;
    }
}
