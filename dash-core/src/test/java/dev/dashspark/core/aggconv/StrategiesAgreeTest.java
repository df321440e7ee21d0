package dev.dashspark.core.aggconv;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static dev.dashspark.core.aggconv.Tolerance.assertClose;

/**
 * Mixed results, mixed weights and FFT compute the same function. For random c on the simplex,
 * random weights and a bias, the three strategies give the same y, dx, every dW_i, dc, dα and dbias, and all of them
 * equal Σ_i c_i·conv_i computed by the loops of {@link DirectReference}.
 */
class StrategiesAgreeTest {

    record Case(int dims, int[] kernels, int[] dilations, boolean depthwise, int stride, DataType type) {
        AggConvSpec spec() {
            return new AggConvSpec(dims, 3, depthwise ? 3 : 2, depthwise, stride, SearchSpace.of(kernels, dilations));
        }

        @Override
        public String toString() {
            return dims + "D " + SearchSpace.of(kernels, dilations) + (depthwise ? " depthwise" : " dense") + " s=" + stride
                    + " " + type;
        }
    }

    static Stream<Case> cases() {
        int[][][] spaces = {
                {{3, 5, 7}, {1, 2, 3}},
                {{1, 3}, {1, 4}},
                {{5}, {2, 1, 3}}};
        List<Case> out = new ArrayList<>();
        for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            for (int dims : new int[]{1, 2}) {
                for (boolean depthwise : new boolean[]{false, true}) {
                    for (int stride : new int[]{1, 2}) {
                        for (int[][] kd : spaces) {
                            // the one-kernel space (unsorted dilations) in float64 only, to keep the class fast:
                            // mixed results costs one ND4J convolution per candidate
                            if (kd[0].length > 1 || type == DataType.DOUBLE) {
                                out.add(new Case(dims, kd[0], kd[1], depthwise, stride, type));
                            }
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void allStrategiesGiveTheSameOutputsAndGradientsAsTheMixedDirectConvolution(Case tc) {
        AggConvSpec spec = tc.spec();
        DataType type = tc.type();
        double tol = Tolerance.forType(type);
        SplittableRandom rng = new SplittableRandom(tc.toString().hashCode());
        DirectReference.Problem pr = DirectReference.Problem.random(spec,
                DirectReference.inputShape(spec, 3, 7, tc.dims() == 1 ? 23 : 10), rng, type);
        long[] xShape = pr.xShape();
        long[] yShape = pr.yShape();
        double[] x = pr.x();
        double[][] w = pr.w();
        double[] bias = pr.bias();
        double[] dy = pr.dy();
        double[] c = pr.c();
        // the reference, in double on exactly the values the strategies get
        double[] y = pr.y();
        DirectReference.MixedGradients ref = pr.grads();
        double[] dAlpha = DirectReference.softmaxGradient(c, ref.dc());
        double[] dBias = pr.dBias();

        Map<Strategy, AggConv.Pass> passes = new EnumMap<>(Strategy.class);
        Map<Strategy, AggConv.Gradients> grads = new EnumMap<>(Strategy.class);
        for (Strategy s : Strategy.values()) {
            AggConv op = new AggConv(spec, s);
            INDArray[] wArrays = DirectReference.weightArrays(spec, w, type);
            AggConv.Pass pass = op.forward(DirectReference.array(x, type, xShape), wArrays, DirectReference.array(bias, type, spec.outChannels()),
                    c, true);
            AggConv.Gradients g = op.backward(pass, DirectReference.array(dy, type, yShape));
            passes.put(s, pass);
            grads.put(s, g);

            String p = s.id() + " vs loops: ";
            assertClose(p + "y", pass.output(), DirectReference.array(y, DataType.DOUBLE, yShape), tol);
            assertClose(p + "dx", g.input(), DirectReference.array(ref.dx(), DataType.DOUBLE, xShape), tol);
            for (int i = 0; i < w.length; i++) {
                assertClose(p + "dW_" + i, g.weights()[i], DirectReference.array(ref.dw()[i], DataType.DOUBLE, spec.weightShape(i)), tol);
            }
            assertClose(p + "dc", g.c(), ref.dc(), tol);
            assertClose(p + "dalpha", g.alpha(), dAlpha, tol);
            assertClose(p + "dbias", Tolerance.values(g.bias()), dBias, tol);
        }

        // and pairwise, FFT against the two direct strategies
        AggConv.Pass fft = passes.get(Strategy.FFT);
        AggConv.Gradients gf = grads.get(Strategy.FFT);
        for (Strategy s : new Strategy[]{Strategy.MIXED_RESULTS, Strategy.MIXED_WEIGHTS}) {
            String p = s.id() + " vs fft: ";
            AggConv.Gradients gs = grads.get(s);
            assertClose(p + "y", passes.get(s).output(), fft.output(), tol);
            assertClose(p + "dx", gs.input(), gf.input(), tol);
            for (int i = 0; i < w.length; i++) {
                assertClose(p + "dW_" + i, gs.weights()[i], gf.weights()[i], tol);
            }
            assertClose(p + "dc", gs.c(), gf.c(), tol);
            assertClose(p + "dalpha", gs.alpha(), gf.alpha(), tol);
            assertClose(p + "dbias", gs.bias(), gf.bias(), tol);
        }
    }
}
