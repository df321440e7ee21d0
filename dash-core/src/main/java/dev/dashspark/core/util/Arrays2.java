package dev.dashspark.core.util;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Whole-array copies between INDArrays and Java arrays (c order), through {@link Flat}. */
public final class Arrays2 {
    private Arrays2() {
    }

    /** The values of {@code a} in c order, as doubles (always a copy). */
    public static double[] toDouble(INDArray a) {
        Flat f = Flat.readable(a);
        double[] out = new double[f.length()];
        f.get(0, out);
        return out;
    }

    /** A new array of the given type (FLOAT or DOUBLE, else via a cast) and shape holding {@code values}. */
    public static INDArray fromDouble(double[] values, long[] shape, DataType type) {
        if (product(shape) != values.length) {
            throw new IllegalArgumentException("fromDouble: " + values.length + " values for shape " + java.util.Arrays.toString(shape));
        }
        if (type != DataType.DOUBLE && type != DataType.FLOAT) {
            return fromDouble(values, shape, DataType.DOUBLE).castTo(type);
        }
        INDArray out = Nd4j.createUninitialized(type, shape, 'c');
        copyInto(values, out);
        return out;
    }

    /**
     * Writes {@code values} (c order) into {@code dest}, a dense c-order FLOAT or DOUBLE array (as a freshly created
     * one is, e.g. an array a workspace manager just handed out).
     */
    public static void copyInto(double[] values, INDArray dest) {
        if (dest.length() != values.length) {
            throw new IllegalArgumentException("copyInto: " + values.length + " values for an array of "
                    + dest.length() + ": " + dest.shapeInfoToString());
        }
        Flat.of(dest).put(0, values);
    }

    public static long product(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }
}
