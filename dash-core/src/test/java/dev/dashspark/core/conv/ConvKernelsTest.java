package dev.dashspark.core.conv;

import dev.dashspark.core.conv.ConvGeometry.Padding;
import org.junit.jupiter.api.Test;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** The cases an algorithm computes: all, but ND4J and IM2COL only dense convolutions. */
    private static List<Case> cases(ConvAlgorithm algorithm) {
        List<Case> out = new ArrayList<>();
        for (ConvGeometry g : PaddedReference.smallGeometries()) {
            out.add(new Case(g, inputShape(g, 7)));
            out.add(new Case(g, inputShape(g, 8)));
        }
        for (ConvGeometry g : extremeGeometries()) {
            out.add(new Case(g, g.dims() == 1 ? new long[]{3, g.inChannels(), 90, 1} : inputShape(g, 7)));
        }
        out.removeIf(c -> (algorithm == ConvAlgorithm.ND4J || algorithm == ConvAlgorithm.IM2COL) && c.g().depthwise());
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = ConvAlgorithm.class, names = {"DIRECT", "GEMM", "IM2COL", "ND4J"})
    void forwardMatchesTheIndependentPaddedConvolution(ConvAlgorithm algorithm) {
        Random r = new Random(3);
        for (DataType t : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            for (Case c : cases(algorithm)) {
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
    @EnumSource(value = ConvAlgorithm.class, names = {"DIRECT", "GEMM", "IM2COL", "ND4J"})
    void backwardMatchesTheAdjointsOfTheIndependentConvolution(ConvAlgorithm algorithm) {
        Random r = new Random(4);
        for (DataType t : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            for (Case c : cases(algorithm)) {
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

    @Test
    void autoPicksGemmOnTheCpuBackendAndForcedAlgorithmsSayWhatTheyCannotDo() {
        ConvGeometry dense = new ConvGeometry(1, 2, 2, 3, 1, 1, Padding.CAUSAL, false);
        ConvGeometry depthwise = new ConvGeometry(1, 2, 2, 3, 1, 1, Padding.CAUSAL, true);
        assertEquals(ConvAlgorithm.GEMM, ConvKernels.resolve(ConvAlgorithm.AUTO, dense, DataType.FLOAT));
        assertEquals(ConvAlgorithm.GEMM, ConvKernels.resolve(ConvAlgorithm.AUTO, depthwise, DataType.DOUBLE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvKernels.resolve(ConvAlgorithm.ND4J, depthwise, DataType.FLOAT));
        assertTrue(e.getMessage().contains("dense convolutions only"), e.getMessage());
        // large dilations on a small image (the wide per-tap rows mostly padding), or few input channels: compact
        assertEquals(ConvAlgorithm.IM2COL, ConvKernels.resolve(ConvAlgorithm.AUTO,
                new ConvGeometry(2, 256, 256, 5, 7, 1, Padding.SAME, false), DataType.FLOAT, new long[]{8, 256, 8, 8}));
        assertEquals(ConvAlgorithm.IM2COL, ConvKernels.resolve(ConvAlgorithm.AUTO,
                new ConvGeometry(2, 16, 64, 5, 3, 1, Padding.SAME, false), DataType.FLOAT, new long[]{8, 16, 32, 32}));
        // an ordinary 3 × 3 layer: one product per tap
        assertEquals(ConvAlgorithm.GEMM, ConvKernels.resolve(ConvAlgorithm.AUTO,
                new ConvGeometry(2, 64, 64, 3, 1, 1, Padding.SAME, false), DataType.FLOAT, new long[]{8, 64, 32, 32}));
        assertEquals(ConvAlgorithm.GEMM, ConvKernels.resolve(ConvAlgorithm.AUTO, dense, DataType.FLOAT,
                new long[]{8, 2, 784, 1}), "1D at stride 1 reads x in place");
        IllegalArgumentException half = assertThrows(IllegalArgumentException.class,
                () -> ConvKernels.resolve(ConvAlgorithm.GEMM, dense, DataType.HALF));
        assertTrue(half.getMessage().contains("FLOAT or DOUBLE") && half.getMessage().contains("HALF"), half.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> ConvKernels.forward(dense,
                Nd4j.create(DataType.FLOAT, 2, 3, 8, 1), Nd4j.create(DataType.FLOAT, 2, 2, 3), null,
                Nd4j.create(DataType.FLOAT, 2, 2, 8, 1)));
        assertTrue(shape.getMessage().contains("[B, 2, L, 1]") && shape.getMessage().contains("[2, 3, 8, 1]"),
                shape.getMessage());
    }

    @Test
    void aCpuWithAvx512RunningOtherKernelsIsToldHowToSpeedUp() {
        java.util.Set<String> avx512 = new java.util.HashSet<>(Blas.AVX512);
        avx512.add("fma");
        String unset = Blas.kernelAdvice(null, avx512);
        assertTrue(unset != null && unset.contains("Barcelona") && unset.contains("OPENBLAS_CORETYPE=SKYLAKEX"), unset);
        String haswell = Blas.kernelAdvice("Haswell", avx512);
        assertTrue(haswell != null && haswell.contains("OPENBLAS_CORETYPE=Haswell"), haswell);
        assertEquals(null, Blas.kernelAdvice("SkylakeX", avx512));
        assertEquals(null, Blas.kernelAdvice("COOPERLAKE", avx512));
        java.util.Set<String> noBw = new java.util.HashSet<>(avx512);
        noBw.remove("avx512bw");
        assertEquals(null, Blas.kernelAdvice(null, noBw), "without all five subsets SkylakeX's kernels cannot run");
        assertEquals(ConvAlgorithm.GEMM, ConvKernels.resolve(ConvAlgorithm.AUTO,
                new ConvGeometry(1, 1, 1, 1, 1, 1, Padding.CAUSAL, false), DataType.FLOAT), "OpenBLAS is loaded");
    }
}
