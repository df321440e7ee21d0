package dev.dashspark.core.aggconv;

import dev.dashspark.core.fft.FftBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static dev.dashspark.core.aggconv.Tolerance.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The FFT strategy on the pure-Java lane transforms (the default backend) against the same strategy on JTransforms
 * (the previous default: one signal at a time, natural order, power-of-two lengths), and both against the direct
 * loops of {@link DirectReference}: y, dx, every dW_i, dc and dbias agree to the precision's tolerance. The cases
 * cover several blocks of lanes (batch 131: 66 pairs in two blocks, the last pair without a partner), stride 2,
 * 1D and 2D, dense and depthwise, and sizes at which the Java backend picks 3·2^k-point transforms (1D: 42 + 6 →
 * 48; 2D: 9 + 6 → 16 by 14 + 6 → 24) where JTransforms takes 64 and 16 × 32.
 */
class FftBackendsAgreeTest {

    record Case(int dims, int batch, boolean depthwise, int stride, DataType type) {
        AggConvSpec spec() {
            return new AggConvSpec(dims, 3, depthwise ? 3 : 2, depthwise, stride,
                    SearchSpace.of(new int[]{3, 5}, new int[]{1, 3}));
        }

        long[] inputShape() {
            return DirectReference.inputShape(spec(), batch, 9, dims == 1 ? 42 : 14);
        }

        @Override
        public String toString() {
            return dims + "D B=" + batch + (depthwise ? " depthwise" : " dense") + " s=" + stride + " " + type;
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            for (boolean depthwise : new boolean[]{false, true}) {
                for (int stride : new int[]{1, 2}) {
                    out.add(new Case(1, 131, depthwise, stride, type));
                    out.add(new Case(1, 4, depthwise, stride, type));
                    out.add(new Case(2, 5, depthwise, stride, type));
                }
            }
        }
        return out.stream();
    }

    @Test
    void theCasesUseThreeTimesPowerOfTwoLengthsOnTheJavaBackendAndSeveralBlocks() {
        FftBackend java = FftBackend.named("java");
        FftBackend jt = FftBackend.named("jtransforms");
        Case c1 = new Case(1, 131, true, 1, DataType.DOUBLE);
        FftStrategy.Geo g1 = FftStrategy.Geo.of(c1.spec(), c1.inputShape(), java);
        assertEquals(48, g1.n1());
        assertEquals(2, g1.blocks());
        assertEquals(64, FftStrategy.Geo.of(c1.spec(), c1.inputShape(), jt).n1());
        Case c2 = new Case(2, 5, false, 1, DataType.DOUBLE);
        FftStrategy.Geo g2 = FftStrategy.Geo.of(c2.spec(), c2.inputShape(), java);
        assertEquals(16, g2.n0());
        assertEquals(24, g2.n1());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void javaAndJTransformsBackendsGiveTheDirectConvolutionsOutputsAndGradients(Case tc) {
        AggConvSpec spec = tc.spec();
        DataType type = tc.type();
        double tol = Tolerance.forType(type);
        SplittableRandom rng = new SplittableRandom(tc.toString().hashCode());
        DirectReference.Problem pr = DirectReference.Problem.random(spec, tc.inputShape(), rng, type);
        long[] xShape = pr.xShape();
        long[] yShape = pr.yShape();
        double[][] w = pr.w();
        DirectReference.MixedGradients ref = pr.grads();

        AggConvStrategy.Backward[] results = new AggConvStrategy.Backward[2];
        INDArray[] outputs = new INDArray[2];
        String[] ids = {"java", "jtransforms"};
        for (int k = 0; k < ids.length; k++) {
            FftStrategy strategy = new FftStrategy(FftBackend.named(ids[k]));
            AggConvStrategy.Forward f = strategy.forward(spec, DirectReference.array(pr.x(), type, xShape),
                    DirectReference.weightArrays(spec, w, type), pr.c(), pr.bias(), null, true);
            AggConvStrategy.Backward b = strategy.backward(f, DirectReference.array(pr.dy(), type, yShape), null);
            String p = ids[k] + " vs loops: ";
            assertEquals(type, f.output().dataType(), p + "output type");
            assertClose(p + "y", f.output(), DirectReference.array(pr.y(), DataType.DOUBLE, yShape), tol);
            assertClose(p + "dx", b.inputGradient(), DirectReference.array(ref.dx(), DataType.DOUBLE, xShape), tol);
            for (int i = 0; i < w.length; i++) {
                assertClose(p + "dW_" + i, b.weightGradients()[i],
                        DirectReference.array(ref.dw()[i], DataType.DOUBLE, spec.weightShape(i)), tol);
            }
            assertClose(p + "dc", b.coefficientGradient(), ref.dc(), tol);
            assertClose(p + "dbias", b.biasGradient(), pr.dBias(), tol);
            outputs[k] = f.output();
            results[k] = b;
        }
        assertClose("java vs jtransforms: y", outputs[0], outputs[1], tol);
        assertClose("java vs jtransforms: dx", results[0].inputGradient(), results[1].inputGradient(), tol);
        for (int i = 0; i < w.length; i++) {
            assertClose("java vs jtransforms: dW_" + i, results[0].weightGradients()[i],
                    results[1].weightGradients()[i], tol);
        }
        assertClose("java vs jtransforms: dc", results[0].coefficientGradient(), results[1].coefficientGradient(), tol);
        assertClose("java vs jtransforms: dbias", results[0].biasGradient(), results[1].biasGradient(), tol);
    }

    /**
     * Depthwise layers keep their input spectra for backward and hand them to the next forward pass. A backward pass
     * of an earlier forward pass, after a later one reused those blocks, must still give the earlier pass's
     * gradients (it recomputes the forward pass), and so must one whose blocks nobody reused.
     */
    @Test
    void backwardOfAnEarlierPassAfterALaterForwardGivesTheEarlierPassesGradients() {
        AggConvSpec spec = new AggConvSpec(1, 3, 3, true, 1, SearchSpace.of(new int[]{3, 5}, new int[]{1, 3}));
        DataType type = DataType.DOUBLE;
        SplittableRandom rng = new SplittableRandom(7);
        long[] xShape = DirectReference.inputShape(spec, 6, 1, 30);
        long[] yShape = spec.outputShape(xShape);
        double[][] w = DirectReference.weights(rng, spec, type);
        double[] c = DirectReference.simplex(rng, spec.space().size());
        INDArray x1 = DirectReference.array(DirectReference.normal(rng, DirectReference.length(xShape), type), type, xShape);
        INDArray x2 = DirectReference.array(DirectReference.normal(rng, DirectReference.length(xShape), type), type, xShape);
        INDArray dy = DirectReference.array(DirectReference.normal(rng, DirectReference.length(yShape), type), type, yShape);
        INDArray[] wArrays = DirectReference.weightArrays(spec, w, type);
        FftStrategy strategy = new FftStrategy(FftBackend.named("java"));

        AggConvStrategy.Forward first = strategy.forward(spec, x1, wArrays, c, null, null, true);
        AggConvStrategy.Backward expected = strategy.backward(first, dy, null);
        // the blocks of the first pass are now spare: the second forward pass fills them with x2's spectra
        AggConvStrategy.Forward second = strategy.forward(spec, x2, wArrays, c, null, null, true);
        AggConvStrategy.Backward again = strategy.backward(first, dy, null);
        assertClose("dx", again.inputGradient(), expected.inputGradient(), 1e-12);
        assertClose("dW_0", again.weightGradients()[0], expected.weightGradients()[0], 1e-12);
        assertClose("dc", again.coefficientGradient(), expected.coefficientGradient(), 1e-12);

        // and the second pass's own backward sees x2, as a fresh strategy computes it
        AggConvStrategy.Backward fresh = new FftStrategy(FftBackend.named("java"))
                .backward(new FftStrategy(FftBackend.named("java")).forward(spec, x2, wArrays, c, null, null, true), dy, null);
        AggConvStrategy.Backward secondGrads = strategy.backward(second, dy, null);
        assertClose("second dW_0", secondGrads.weightGradients()[0], fresh.weightGradients()[0], 1e-12);
        assertClose("second dc", secondGrads.coefficientGradient(), fresh.coefficientGradient(), 1e-12);
    }
}
