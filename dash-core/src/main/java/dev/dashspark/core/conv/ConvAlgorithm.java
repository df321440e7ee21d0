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
    GEMM
}
