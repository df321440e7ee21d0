package dev.dashspark.core.conv;

import dev.dashspark.core.conv.ConvGeometry.Padding;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every {@link ConvAlgorithm}, forced, against {@link PaddedReference} in double and single precision: the forward
 * pass on every small geometry and on geometries whose large dilations or strides put whole taps in the padding,
 * and the backward pass (dx, dw, db) against the reference's own adjoints.
 */
class ConvKernelsTest {

    /** Geometries where taps fall wholly in the padding, strides above 2, and channels that differ. */
    static List<ConvGeometry> extremeGeometries() {
        return List.of(
                new ConvGeometry(1, 3, 2, 9, 31, 1, Padding.CAUSAL, false),   // taps 0..3 see only zeros at L 90
                new ConvGeometry(1, 2, 2, 5, 40, 1, Padding.CAUSAL, true),
                new ConvGeometry(1, 3, 4, 5, 7, 2, Padding.SAME, false),
                new ConvGeometry(1, 2, 3, 3, 2, 3, Padding.CAUSAL, false),
                new ConvGeometry(2, 3, 2, 3, 5, 2, Padding.SAME, false),      // corner taps outside a 6 × 7 input
                new ConvGeometry(2, 2, 4, 5, 2, 3, Padding.SAME, false),
                new ConvGeometry(2, 3, 3, 3, 4, 1, Padding.SAME, true),
                new ConvGeometry(2, 4, 3, 1, 1, 2, Padding.SAME, false));      // a stride-2 1 × 1 shortcut
    }

    private static long[] inputShape(ConvGeometry g, int n) {
        return g.dims() == 1 ? new long[]{2, g.inChannels(), n, 1} : new long[]{2, g.inChannels(), n, n - 1};
    }

    private static double[] gaussian(Random r, long n, DataType t) {
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = t == DataType.FLOAT ? (float) r.nextGaussian() : r.nextGaussian();
        }
        return v;
    }

    private static INDArray array(double[] v, long[] shape, DataType t) {
        return Nd4j.createFromArray(v).castTo(t).reshape('c', shape);
    }

    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    private static double tolerance(DataType t) {
        return t == DataType.DOUBLE ? 1e-11 : 2e-4;
    }

    private record Case(ConvGeometry g, long[] xs) {
    }

    private static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (ConvGeometry g : PaddedReference.smallGeometries()) {
            out.add(new Case(g, inputShape(g, 7)));
            out.add(new Case(g, inputShape(g, 8)));
        }
        for (ConvGeometry g : extremeGeometries()) {
            out.add(new Case(g, g.dims() == 1 ? new long[]{3, g.inChannels(), 90, 1} : inputShape(g, 7)));
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = ConvAlgorithm.class, names = {"DIRECT", "GEMM"})
    void forwardMatchesTheIndependentPaddedConvolution(ConvAlgorithm algorithm) {
        Random r = new Random(3);
        for (DataType t : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            for (Case c : cases()) {
                ConvGeometry g = c.g();
                double[] x = gaussian(r, c.xs()[0] * c.xs()[1] * c.xs()[2] * c.xs()[3], t);
                double[] w = gaussian(r, g.weightCount(), t);
                double[] b = gaussian(r, g.outChannels(), t);
                for (boolean withBias : new boolean[]{true, false}) {
                    INDArray y = Nd4j.createUninitialized(t, g.outputShape(c.xs()), 'c');
                    ConvKernels.forward(g, algorithm, array(x, c.xs(), t), array(w, g.weightShape(), t),
                            withBias ? array(b, new long[]{g.outChannels()}, t) : null, y);
                    assertArrayEquals(PaddedReference.forward(g, x, c.xs(), w, withBias ? b : null), values(y),
                            tolerance(t), algorithm + " " + t + " " + g + " " + java.util.Arrays.toString(c.xs()));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ConvAlgorithm.class, names = {"DIRECT", "GEMM"})
    void backwardMatchesTheAdjointsOfTheIndependentConvolution(ConvAlgorithm algorithm) {
        Random r = new Random(4);
        for (DataType t : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            for (Case c : cases()) {
                ConvGeometry g = c.g();
                long[] ys = g.outputShape(c.xs());
                double[] x = gaussian(r, c.xs()[0] * c.xs()[1] * c.xs()[2] * c.xs()[3], t);
                double[] w = gaussian(r, g.weightCount(), t);
                double[] dy = gaussian(r, ys[0] * ys[1] * ys[2] * ys[3], t);
                double[][] expected = PaddedReference.backward(g, x, c.xs(), w, dy);
                INDArray dx = Nd4j.createUninitialized(t, c.xs(), 'c');
                INDArray dw = Nd4j.createUninitialized(t, g.weightShape(), 'c');
                INDArray db = Nd4j.createUninitialized(t, g.outChannels());
                ConvKernels.backward(g, algorithm, array(x, c.xs(), t), array(w, g.weightShape(), t), array(dy, ys, t),
                        dx, dw, db);
                String what = algorithm + " " + t + " " + g + " " + java.util.Arrays.toString(c.xs());
                double tol = tolerance(t) * 4;
                assertArrayEquals(expected[0], values(dx), tol, "dx " + what);
                assertArrayEquals(expected[1], values(dw), tol, "dw " + what);
                assertArrayEquals(expected[2], values(db), tol, "db " + what);
                // without dx and db: the weight gradient alone is the same
                INDArray dw2 = Nd4j.createUninitialized(t, g.weightShape(), 'c');
                ConvKernels.backward(g, algorithm, array(x, c.xs(), t), array(w, g.weightShape(), t), array(dy, ys, t),
                        null, dw2, null);
                assertEquals(0.0, dw2.sub(dw).amaxNumber().doubleValue(), 0.0, "dw alone " + what);
            }
        }
    }
}
