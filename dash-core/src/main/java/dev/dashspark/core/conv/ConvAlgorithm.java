package dev.dashspark.core.conv;

/**
 * How {@link ConvKernels} computes a convolution. Every algorithm computes the same function (tested against an
 * independent direct convolution); they differ in speed and in what they need. docs/convolution.md compares them.
 */
public enum ConvAlgorithm {
    /** Whatever is fastest for the layer's shape on the current backend ({@link ConvKernels#resolve}). */
    AUTO,
    /** The definition, loop by loop, accumulating in double precision: slow; runs on any ND4J backend. */
    DIRECT,
    /**
     * One matrix product per kernel tap over phase images of the input, on OpenBLAS (ND4J's CPU backend only); its
     * backward costs about twice its forward, like any GEMM convolution's.
     */
    GEMM,
    /**
     * The same phase images, but one matrix product per sample over the columns of the taps that see data, exactly
     * OH·OW of them (no wide rows), at the cost of copying those columns; on OpenBLAS, dense convolutions only.
     * AUTO picks it where large dilations on small images would make the per-tap products mostly padding.
     */
    IM2COL,
    /**
     * libnd4j's own {@code conv2d} ops (cuDNN on the CUDA backend); dense convolutions only. On the CPU backend
     * several times slower than GEMM (docs/convolution.md).
     */
    ND4J
}
