package dev.dashspark.core.aggconv;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.dashspark.core.aggconv.Tolerance.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Every strategy reproduces every reference vector of the original implementation (outputs and all gradients),
 * in float64 to 1e-9 and in float32 to 1e-4, relative.
 */
class AggConvReferenceTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String name : ReferenceCase.NAMES) {
            ReferenceCase rc = ReferenceCase.load(name);
            for (Strategy s : Strategy.values()) {
                for (DataType t : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
                    out.add(Arguments.of(rc, s, t));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void reproducesOutputsAndGradientsOfTheOriginal(ReferenceCase rc, Strategy strategy, DataType type) {
        double tol = Tolerance.forType(type);
        AggConvSpec spec = rc.spec();
        assertArrayEquals(rc.ints("cand_k"), java.util.stream.IntStream.range(0, spec.space().size()).map(spec.space()::kernel).toArray(),
                "kernel-major candidate order (k)");
        assertArrayEquals(rc.ints("cand_d"), java.util.stream.IntStream.range(0, spec.space().size()).map(spec.space()::dilation).toArray(),
                "kernel-major candidate order (d)");
        assertArrayEquals(new int[]{rc.scalar("span"), rc.scalar("pad")}, new int[]{spec.space().span(), spec.space().pad()}, "span and pad");

        AggConv op = new AggConv(spec, strategy);
        INDArray x = rc.get("x", type);
        INDArray[] w = rc.weights(type);
        INDArray bias = rc.get("bias", type);
        AggConv.Pass pass = op.forward(x, w, bias, rc.doubles("alpha"), null, true);
        assertClose("c", pass.c(), rc.doubles("c"), 1e-12);
        assertClose("y", pass.output(), rc.get("y"), tol);

        AggConv.Gradients g = op.backward(pass, rc.get("g", type));
        assertClose("dx", g.input(), rc.get("dx"), tol);
        for (int i = 0; i < w.length; i++) {
            assertClose("dw_" + i, g.weights()[i], rc.get("dw_" + i), tol);
        }
        assertClose("dc", g.c(), rc.doubles("dc"), tol);
        assertClose("dalpha", g.alpha(), rc.doubles("dalpha"), tol);
        assertClose("dbias", g.bias(), rc.get("dbias"), tol);
    }
}
