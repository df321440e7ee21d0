package dev.dashspark.core.aggconv;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Relative comparisons: max |a − b| / max |b| (both in double). */
final class Tolerance {
    private Tolerance() {
    }

    static double forType(DataType type) {
        return type == DataType.DOUBLE ? 1e-9 : 1e-4;
    }

    static double relativeError(double[] actual, double[] expected) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    static void assertClose(String what, INDArray actual, INDArray expected, double tol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertClose(what, values(actual), values(expected), tol);
    }

    static void assertClose(String what, double[] actual, double[] expected, double tol) {
        assertTrue(actual.length == expected.length, what + ": length " + actual.length + " vs " + expected.length);
        double err = relativeError(actual, expected);
        assertTrue(err <= tol, what + ": relative error " + err + " > " + tol
                + (actual.length <= 8 ? " actual " + Arrays.toString(actual) + " expected " + Arrays.toString(expected) : ""));
    }
}
