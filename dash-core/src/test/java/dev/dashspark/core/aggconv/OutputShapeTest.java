package dev.dashspark.core.aggconv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static dev.dashspark.core.aggconv.Tolerance.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The output is "same" size subsampled from index 0, i.e. ⌈n/s⌉ = ⌊(n − 1)/s⌋ + 1 per axis,
 * which is the direct-convolution size ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1 with p = d(k − 1)/2. The spec says so, and
 * every strategy's actual output has that shape (and the values of the direct convolution), including inputs
 * shorter than the kernel's extent.
 */
class OutputShapeTest {
    private static final int[] KERNELS = {1, 3, 5, 7};
    private static final int[] DILATIONS = {1, 2, 3};
    private static final int[] STRIDES = {1, 2, 3};
    private static final int MAX_LENGTH = 12;

    private static AggConvSpec single(int dims, int k, int d, int stride) {
        return new AggConvSpec(dims, 2, 2, false, stride, SearchSpace.of(new int[]{k}, new int[]{d}));
    }

    @Test
    void specOutputShapeIsCeilNOverSAndTheDirectConvolutionSize() {
        for (int k : KERNELS) {
            for (int d : DILATIONS) {
                for (int s : STRIDES) {
                    AggConvSpec spec = single(1, k, d, s);
                    int p = d * (k - 1) / 2;
                    assertEquals(p, spec.space().pad(), "pad of a single-candidate space");
                    for (int n = 1; n <= MAX_LENGTH; n++) {
                        String at = "k=" + k + " d=" + d + " s=" + s + " n=" + n;
                        int ceil = (int) Math.ceil((double) n / s);
                        assertEquals(ceil, (n - 1) / s + 1, at);
                        assertEquals(ceil, Math.floorDiv(n + 2 * p - d * (k - 1) - 1, s) + 1, at + ": closed form");
                        assertEquals(ceil, spec.outLength(n), at + ": outLength");
                        assertArrayEquals(new long[]{4, 2, ceil}, spec.outputShape(new long[]{4, 2, n}), at + ": outputShape");
                    }
                }
            }
        }
    }

    @Test
    void multiCandidateSpaceUsesTheSpanAndStillGivesCeilNOverS() {
        SearchSpace space = SearchSpace.of(new int[]{3, 5, 7}, new int[]{1, 2, 3});
        int span = space.span();
        int p = space.pad();
        assertEquals(19, span);
        assertEquals(9, p);
        for (int s : STRIDES) {
            AggConvSpec spec = new AggConvSpec(2, 1, 3, false, s, space);
            for (int h = 1; h <= MAX_LENGTH; h++) {
                int w = 2 * h + 1;
                long[] expected = {2, 3, Math.floorDiv(h + 2 * p - (span - 1) - 1, s) + 1, Math.floorDiv(w + 2 * p - (span - 1) - 1, s) + 1};
                assertArrayEquals(expected, spec.outputShape(new long[]{2, 1, h, w}), "s=" + s + " " + h + "x" + w);
                assertEquals((h + s - 1) / s, expected[2]);
            }
        }
    }

    @Test
    void outputShapeRejectsBadInputShapes() {
        AggConvSpec spec = single(1, 3, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> spec.outputShape(new long[]{1, 2, 0}), "empty axis");
        assertThrows(IllegalArgumentException.class, () -> spec.outputShape(new long[]{1, 3, 5}), "wrong channels");
        assertThrows(IllegalArgumentException.class, () -> spec.outputShape(new long[]{1, 2, 5, 5}), "wrong rank");
        assertThrows(IllegalArgumentException.class, () -> spec.outLength(0));
    }

    static Stream<Arguments> strategiesAndStrides() {
        List<Arguments> out = new ArrayList<>();
        for (Strategy strategy : Strategy.values()) {
            for (int s : STRIDES) {
                out.add(Arguments.of(strategy, s));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} s={1}")
    @MethodSource("strategiesAndStrides")
    void everyStrategyProducesCeilNOverSOutputsIn1D(Strategy strategy, int s) {
        for (int k : KERNELS) {
            for (int d : DILATIONS) {
                AggConvSpec spec = single(1, k, d, s);
                AggConv op = new AggConv(spec, strategy);
                for (int n = 1; n <= MAX_LENGTH; n++) {
                    long[] xShape = {1, 2, n};
                    checkOutput(op, xShape, "k=" + k + " d=" + d + " n=" + n);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} s={1}")
    @MethodSource("strategiesAndStrides")
    void everyStrategyProducesCeilNOverSOutputsOnNonSquare2D(Strategy strategy, int s) {
        int[][] sizes = {{1, 12}, {12, 1}, {5, 8}, {7, 3}, {2, 11}, {1, 1}};
        SearchSpace[] spaces = {
                SearchSpace.of(new int[]{3}, new int[]{2}),
                SearchSpace.of(new int[]{1}, new int[]{1}),
                SearchSpace.of(new int[]{1, 3}, new int[]{1, 3})};
        for (SearchSpace space : spaces) {
            AggConvSpec spec = new AggConvSpec(2, 2, 2, false, s, space);
            AggConv op = new AggConv(spec, strategy);
            for (int[] hw : sizes) {
                checkOutput(op, new long[]{1, 2, hw[0], hw[1]}, space + " " + hw[0] + "x" + hw[1]);
            }
        }
    }

    /**
     * 2D, a space of kernel size 1 only (p = 0) and an input of width 1 and height > 1: the FFT strategy's transform
     * is then (fastLength(H) × 1), which JTransforms' DoubleFFT_2D rejects ("rows and columns must be greater
     * than 1"); the backend must run it as a 1D transform. Found by this class.
     */
    @Test
    void fftWithKernelSizeOneOnlyOnAWidthOneInputIn2D() {
        for (int[] d : new int[][]{{1}, {1, 3}}) {
            AggConvSpec spec = new AggConvSpec(2, 2, 2, false, 1, SearchSpace.of(new int[]{1}, d));
            AggConv op = new AggConv(spec, Strategy.FFT);
            for (int h : new int[]{2, 5, 12}) {
                checkOutput(op, new long[]{1, 2, h, 1}, spec.space() + " " + h + "x1");
            }
        }
    }

    /** The output has shape (B, Cout, ⌈n/s⌉…) and the values of Σ c_i·conv_i (uniform c). */
    private static void checkOutput(AggConv op, long[] xShape, String at) {
        AggConvSpec spec = op.spec();
        SplittableRandom rng = new SplittableRandom(at.hashCode());
        double[] x = DirectReference.normal(rng, DirectReference.length(xShape));
        double[][] w = DirectReference.weights(rng, spec, DataType.DOUBLE);
        double[] c = new double[spec.space().size()];
        java.util.Arrays.fill(c, 1.0 / c.length);
        INDArray y = op.forward(DirectReference.array(x, DataType.DOUBLE, xShape), DirectReference.weightArrays(spec, w, DataType.DOUBLE),
                null, c, false).output();
        long[] expected = xShape.clone();
        for (int a = 2; a < expected.length; a++) {
            expected[a] = (xShape[a] + spec.stride() - 1) / spec.stride();
        }
        assertArrayEquals(expected, y.shape(), op.strategy() + " " + at + ": shape");
        assertClose(op.strategy() + " " + at + ": values", Tolerance.values(y), DirectReference.mixed(spec, xShape, x, w, c), 1e-9);
    }
}
