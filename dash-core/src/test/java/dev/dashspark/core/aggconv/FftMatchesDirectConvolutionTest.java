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

/**
 * The FFT strategy with a single candidate (c = [1]) is exactly the direct dilated
 * cross-correlation with padding d(k−1)/2 and stride s, written out as loops in {@link DirectReference}; outputs and
 * the gradients dx and dW.
 */
class FftMatchesDirectConvolutionTest {

    /** One single-candidate case. {@code h} is ignored in 1D. */
    record Case(int dims, int h, int w, int k, int d, int stride, boolean depthwise, int batch, DataType type) {
        AggConvSpec spec() {
            int cin = 2;
            int cout = depthwise ? 2 : 3;
            return new AggConvSpec(dims, cin, cout, depthwise, stride, SearchSpace.of(new int[]{k}, new int[]{d}));
        }

        @Override
        public String toString() {
            return dims + "D " + (dims == 2 ? h + "x" + w : "N=" + w) + " k=" + k + " d=" + d + " s=" + stride
                    + (depthwise ? " depthwise" : " dense") + " B=" + batch + " " + type;
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            for (boolean depthwise : new boolean[]{false, true}) {
                for (int stride : new int[]{1, 2}) {
                    for (int n : new int[]{31, 32, 1000}) {
                        for (int[] kd : new int[][]{{5, 31}, {3, 2}}) {
                            for (int batch : new int[]{1, 2, 3}) {
                                out.add(new Case(1, 1, n, kd[0], kd[1], stride, depthwise, batch, type));
                            }
                        }
                    }
                    for (int[] hw : new int[][]{{16, 52}, {96, 102}}) {
                        for (int[] kd : new int[][]{{3, 1}, {5, 3}}) {
                            for (int batch : new int[]{1, 3}) {
                                out.add(new Case(2, hw[0], hw[1], kd[0], kd[1], stride, depthwise, batch, type));
                            }
                        }
                    }
                    // even batch in 2D, and a dilation wider than the input height
                    out.add(new Case(2, 16, 52, 3, 9, stride, depthwise, 2, type));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void singleCandidateFftOutputEqualsDirectLoopConvolution(Case tc) {
        AggConvSpec spec = tc.spec();
        SplittableRandom rng = new SplittableRandom(tc.toString().hashCode());
        long[] xShape = DirectReference.inputShape(spec, tc.batch(), tc.h(), tc.w());
        double[] x = DirectReference.normal(rng, DirectReference.length(xShape), tc.type());
        double[] w = DirectReference.normal(rng, (int) spec.weightLength(0), tc.type());

        AggConv op = new AggConv(spec, Strategy.FFT);
        AggConv.Pass pass = op.forward(DirectReference.array(x, tc.type(), xShape),
                new INDArray[]{DirectReference.array(w, tc.type(), spec.weightShape(0))}, null, new double[]{1.0}, false);

        double[] expected = DirectReference.conv(spec, xShape, x, tc.k(), tc.d(), w);
        assertEquals(tc.type(), pass.output().dataType(), "output type follows the input type");
        assertClose("y", pass.output(), DirectReference.array(expected, DataType.DOUBLE, spec.outputShape(xShape)),
                Tolerance.forType(tc.type()));
    }

    /** Gradients on a subset: every 1D case and the 16×52 2D ones (the 96×102 outputs are covered above). */
    static Stream<Case> gradientCases() {
        return cases().filter(c -> c.dims() == 1 || c.h() == 16);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gradientCases")
    void singleCandidateFftGradientsEqualDirectLoopBackward(Case tc) {
        AggConvSpec spec = tc.spec();
        SplittableRandom rng = new SplittableRandom(31L * tc.toString().hashCode());
        long[] xShape = DirectReference.inputShape(spec, tc.batch(), tc.h(), tc.w());
        long[] yShape = spec.outputShape(xShape);
        double[] x = DirectReference.normal(rng, DirectReference.length(xShape), tc.type());
        double[] w = DirectReference.normal(rng, (int) spec.weightLength(0), tc.type());
        double[] dy = DirectReference.normal(rng, DirectReference.length(yShape), tc.type());

        AggConv op = new AggConv(spec, Strategy.FFT);
        INDArray wArray = DirectReference.array(w, tc.type(), spec.weightShape(0));
        AggConv.Pass pass = op.forward(DirectReference.array(x, tc.type(), xShape), new INDArray[]{wArray}, null,
                new double[]{1.0}, true);
        AggConv.Gradients g = op.backward(pass, DirectReference.array(dy, tc.type(), yShape));

        double[][] expected = DirectReference.convBackward(spec, xShape, x, tc.k(), tc.d(), w, dy);
        double tol = Tolerance.forType(tc.type());
        assertEquals(tc.type(), g.input().dataType(), "dx type follows the input type");
        assertClose("dx", g.input(), DirectReference.array(expected[0], DataType.DOUBLE, xShape), tol);
        assertClose("dW", g.weights()[0], DirectReference.array(expected[1], DataType.DOUBLE, spec.weightShape(0)), tol);
        // with c = [1], dc = ⟨dy, y⟩ = ⟨dW, W⟩
        double dc = DirectReference.dot(dy, DirectReference.conv(spec, xShape, x, tc.k(), tc.d(), w));
        assertClose("dc", g.c(), new double[]{dc}, tol);
    }

    @Test
    void referenceBackwardIsTheAdjointOfTheReferenceForward() {
        // L = ⟨dy, conv(x, W)⟩ is bilinear, so ⟨dx, x⟩ = ⟨dW, W⟩ = L: pins DirectReference.convBackward to conv
        for (boolean depthwise : new boolean[]{false, true}) {
            for (int dims : new int[]{1, 2}) {
                AggConvSpec spec = new AggConvSpec(dims, 2, 2, depthwise, 2, SearchSpace.of(new int[]{3}, new int[]{2}));
                SplittableRandom rng = new SplittableRandom(dims * 7L + (depthwise ? 1 : 0));
                long[] xShape = DirectReference.inputShape(spec, 3, 7, 9);
                double[] x = DirectReference.normal(rng, DirectReference.length(xShape));
                double[] w = DirectReference.normal(rng, (int) spec.weightLength(0));
                double[] dy = DirectReference.normal(rng, DirectReference.outputLength(spec, xShape));
                double loss = DirectReference.dot(dy, DirectReference.conv(spec, xShape, x, 3, 2, w));
                double[][] g = DirectReference.convBackward(spec, xShape, x, 3, 2, w, dy);
                assertEquals(loss, DirectReference.dot(g[0], x), 1e-12 * Math.max(1, Math.abs(loss)), "⟨dx, x⟩");
                assertEquals(loss, DirectReference.dot(g[1], w), 1e-12 * Math.max(1, Math.abs(loss)), "⟨dW, W⟩");
            }
        }
    }

    @Test
    void handComputedOneDimensionalCrossCorrelation() {
        // y[j] = x[j − 1] + 10·x[j] + 100·x[j + 1] (cross-correlation, not convolution: no kernel flip)
        double[] x = {1, 2, 3, 4, 5};
        double[] w = {1, 10, 100};
        long[] xShape = {1, 1, 5};
        AggConvSpec s1 = new AggConvSpec(1, 1, 1, false, 1, SearchSpace.of(new int[]{3}, new int[]{1}));
        double[] y1 = {210, 321, 432, 543, 54};
        assertArrayEquals(y1, DirectReference.conv(s1, xShape, x, 3, 1, w), 1e-12, "reference");
        assertArrayEquals(y1, fft(s1, x, xShape, w), 1e-9, "FFT");

        // d = 2, s = 2: y[j] = x[2j − 2] + 10·x[2j] + 100·x[2j + 2], j = 0, 1, 2
        AggConvSpec s2 = new AggConvSpec(1, 1, 1, false, 2, SearchSpace.of(new int[]{3}, new int[]{2}));
        double[] y2 = {310, 531, 53};
        assertArrayEquals(y2, DirectReference.conv(s2, xShape, x, 3, 2, w), 1e-12, "reference");
        assertArrayEquals(y2, fft(s2, x, xShape, w), 1e-9, "FFT");
    }

    @Test
    void handComputedTwoDimensionalOrientation() {
        // a 3×3 kernel with a single 1 at row 0, column 2: y[i][j] = x[i − 1][j + 1]
        double[] x = {
                1, 2, 3, 4,
                5, 6, 7, 8,
                9, 10, 11, 12};
        double[] w = {0, 0, 1, 0, 0, 0, 0, 0, 0};
        double[] expected = {
                0, 0, 0, 0,
                2, 3, 4, 0,
                6, 7, 8, 0};
        long[] xShape = {1, 1, 3, 4};
        AggConvSpec spec = new AggConvSpec(2, 1, 1, true, 1, SearchSpace.of(new int[]{3}, new int[]{1}));
        assertArrayEquals(expected, DirectReference.conv(spec, xShape, x, 3, 1, w), 0.0, "reference");
        assertArrayEquals(expected, fft(spec, x, xShape, w), 1e-9, "FFT");
    }

    private static double[] fft(AggConvSpec spec, double[] x, long[] xShape, double[] w) {
        AggConv op = new AggConv(spec, Strategy.FFT);
        AggConv.Pass pass = op.forward(DirectReference.array(x, DataType.DOUBLE, xShape),
                new INDArray[]{DirectReference.array(w, DataType.DOUBLE, spec.weightShape(0))}, null, new double[]{1.0}, false);
        return Tolerance.values(pass.output());
    }
}
