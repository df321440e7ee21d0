package dev.dashspark.core.util;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Copies between INDArrays and Java arrays (c order). */
public final class Arrays2 {
    private Arrays2() {
    }

    /** The values of {@code a} in c order, as doubles (always a copy). */
    public static double[] toDouble(INDArray a) {
        INDArray c = a.ordering() == 'c' && !a.isView() && a.data().length() == a.length() ? a : a.dup('c');
        return c.data().asDouble();
    }

    /** A new array of the given type and shape holding {@code values} (c order). */
    public static INDArray fromDouble(double[] values, long[] shape, DataType type) {
        INDArray d = Nd4j.createFromArray(values).reshape('c', shape);
        return type == DataType.DOUBLE ? d : d.castTo(type);
    }

    public static long product(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }
}
