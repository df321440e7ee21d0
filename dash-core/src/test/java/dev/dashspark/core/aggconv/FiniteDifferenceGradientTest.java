package dev.dashspark.core.aggconv;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static dev.dashspark.core.aggconv.Tolerance.assertClose;

/**
 * In float64 the FFT strategy's analytic gradients of L = Σ g·y, with y = AggConv(x; W, α, bias)
 * (c = softmax(α), no noise), match central finite differences of its own forward pass: dx, every dW_i, dα and
 * dbias, relative error ≤ 1e-6.
 */
class FiniteDifferenceGradientTest {
    private static final double H = 1e-6;
    private static final double TOL = 1e-6;

    record Case(int dims, boolean depthwise, int stride) {
        AggConvSpec spec() {
            SearchSpace space = dims == 1
                    ? SearchSpace.of(new int[]{1, 3, 5}, new int[]{1, 2})
                    : SearchSpace.of(new int[]{1, 3}, new int[]{1, 2});
            return new AggConvSpec(dims, 2, depthwise || dims == 2 ? 2 : 3, depthwise, stride, space);
        }

        /** Small, so that one central difference per coordinate stays cheap; odd batch in 1D, odd height in 2D. */
        long[] inputShape() {
            return dims == 1 ? new long[]{3, 2, 9} : new long[]{1, 2, 5, 4};
        }

        @Override
        public String toString() {
            return dims + "D " + (depthwise ? "depthwise" : "dense") + " s=" + stride;
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (int dims : new int[]{1, 2}) {
            for (boolean depthwise : new boolean[]{false, true}) {
                for (int stride : new int[]{1, 2}) {
                    out.add(new Case(dims, depthwise, stride));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fftGradientsMatchCentralFiniteDifferences(Case tc) {
        AggConvSpec spec = tc.spec();
        SplittableRandom rng = new SplittableRandom(tc.toString().hashCode());
        long[] xShape = tc.inputShape();
        long[] yShape = spec.outputShape(xShape);
        int n = spec.space().size();
        double[] x = DirectReference.normal(rng, DirectReference.length(xShape));
        double[][] w = DirectReference.weights(rng, spec, DataType.DOUBLE);
        double[] bias = DirectReference.normal(rng, spec.outChannels());
        double[] alpha = new double[n];
        for (int i = 0; i < n; i++) {
            alpha[i] = 0.7 * DirectReference.normal(rng, 1)[0];
        }
        double[] g = DirectReference.normal(rng, DirectReference.length(yShape));
        AggConv op = new AggConv(spec, Strategy.FFT);

        // analytic
        AggConv.Pass pass = op.forward(DirectReference.array(x, DataType.DOUBLE, xShape), DirectReference.weightArrays(spec, w, DataType.DOUBLE),
                DirectReference.array(bias, DataType.DOUBLE, spec.outChannels()), alpha, null, true);
        AggConv.Gradients grads = op.backward(pass, DirectReference.array(g, DataType.DOUBLE, yShape));

        // numeric: every coordinate of x, of every W_i, of α and of the bias
        Loss loss = () -> {
            AggConv.Pass p = op.forward(DirectReference.array(x, DataType.DOUBLE, xShape), DirectReference.weightArrays(spec, w, DataType.DOUBLE),
                    DirectReference.array(bias, DataType.DOUBLE, spec.outChannels()), alpha, null, false);
            return DirectReference.dot(g, Tolerance.values(p.output()));
        };
        assertClose("dx", Tolerance.values(grads.input()), numeric(x, loss), TOL);
        for (int i = 0; i < n; i++) {
            assertClose("dW_" + i + " (k=" + spec.space().kernel(i) + ", d=" + spec.space().dilation(i) + ")",
                    Tolerance.values(grads.weights()[i]), numeric(w[i], loss), TOL);
        }
        assertClose("dalpha", grads.alpha(), numeric(alpha, loss), TOL);
        assertClose("dbias", Tolerance.values(grads.bias()), numeric(bias, loss), TOL);
    }

    @FunctionalInterface
    private interface Loss {
        double value();
    }

    /** Central differences (L(v + h) − L(v − h)) / 2h of every coordinate of {@code v}, which loss reads. */
    private static double[] numeric(double[] v, Loss loss) {
        double[] out = new double[v.length];
        for (int j = 0; j < v.length; j++) {
            double keep = v[j];
            v[j] = keep + H;
            double plus = loss.value();
            v[j] = keep - H;
            double minus = loss.value();
            v[j] = keep;
            out[j] = (plus - minus) / (2 * H);
        }
        return out;
    }
}
