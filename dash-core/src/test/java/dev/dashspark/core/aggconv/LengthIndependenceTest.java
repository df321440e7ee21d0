package dev.dashspark.core.aggconv;

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

/**
 * One FFT AggConv (one spec, one set of weights and c) applied to inputs of different lengths in turn, odd and even,
 * and back to the first: every call equals the direct convolution of {@link DirectReference} (float64, 1e-9),
 * outputs and gradients. The reference code fixes the parity of the last axis when the layer is built; the transform
 * sizes here must follow each input.
 */
class LengthIndependenceTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (boolean depthwise : new boolean[]{false, true}) {
            for (int stride : new int[]{1, 2}) {
                out.add(Arguments.of(1, depthwise, stride, new int[][]{{1, 40}, {1, 41}, {1, 64}, {1, 97}, {1, 40}, {1, 7}}));
                out.add(Arguments.of(2, depthwise, stride, new int[][]{{12, 12}, {13, 17}, {16, 9}, {12, 12}}));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}D depthwise={1} s={2}")
    @MethodSource("cases")
    void oneFftOperatorIsExactAtEveryInputLengthInTurn(int dims, boolean depthwise, int stride, int[][] sizes) {
        AggConvSpec spec = new AggConvSpec(dims, 2, depthwise ? 2 : 3, depthwise, stride,
                SearchSpace.of(new int[]{3, 5}, new int[]{1, 3}));
        SplittableRandom rng = new SplittableRandom(dims * 100L + (depthwise ? 10 : 0) + stride);
        double[][] w = DirectReference.weights(rng, spec, DataType.DOUBLE);
        INDArray[] wArrays = DirectReference.weightArrays(spec, w, DataType.DOUBLE);
        double[] c = DirectReference.simplex(rng, spec.space().size());
        AggConv op = new AggConv(spec, Strategy.FFT);

        for (int[] hw : sizes) {
            String at = dims == 1 ? "N=" + hw[1] : hw[0] + "x" + hw[1];
            long[] xShape = DirectReference.inputShape(spec, 3, hw[0], hw[1]);
            long[] yShape = spec.outputShape(xShape);
            double[] x = DirectReference.normal(rng, DirectReference.length(xShape));
            double[] dy = DirectReference.normal(rng, DirectReference.length(yShape));

            AggConv.Pass pass = op.forward(DirectReference.array(x, DataType.DOUBLE, xShape), wArrays, null, c, true);
            assertClose(at + ": y", pass.output(),
                    DirectReference.array(DirectReference.mixed(spec, xShape, x, w, c), DataType.DOUBLE, yShape), 1e-9);

            AggConv.Gradients g = op.backward(pass, DirectReference.array(dy, DataType.DOUBLE, yShape));
            DirectReference.MixedGradients ref = DirectReference.mixedBackward(spec, xShape, x, w, c, dy);
            assertClose(at + ": dx", g.input(), DirectReference.array(ref.dx(), DataType.DOUBLE, xShape), 1e-9);
            for (int i = 0; i < w.length; i++) {
                assertClose(at + ": dW_" + i, Tolerance.values(g.weights()[i]), ref.dw()[i], 1e-9);
            }
            assertClose(at + ": dc", g.c(), ref.dc(), 1e-9);
        }
    }
}
