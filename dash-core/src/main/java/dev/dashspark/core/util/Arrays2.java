package dev.dashspark.core.util;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Bulk copies between INDArrays and Java arrays (c order), through the native buffer's NIO view. */
public final class Arrays2 {
    private Arrays2() {
    }

    /** The values of {@code a} in c order, as doubles (always a copy). */
    public static double[] toDouble(INDArray a) {
        INDArray c = dense(a);
        int n = (int) c.length();
        double[] out = new double[n];
        switch (c.dataType()) {
            case DOUBLE -> nio(c).asDoubleBuffer().get(out);
            case FLOAT -> {
                float[] tmp = new float[n];
                nio(c).asFloatBuffer().get(tmp);
                for (int i = 0; i < n; i++) {
                    out[i] = tmp[i];
                }
            }
            default -> {
                return toDouble(c.castTo(DataType.DOUBLE));
            }
        }
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
     * Writes {@code values} (c order) into {@code dest}, which must be a FLOAT or DOUBLE array owning its whole
     * buffer in c order (as a freshly created one does), e.g. an array a workspace manager just handed out.
     */
    public static void copyInto(double[] values, INDArray dest) {
        if (dest.length() != values.length || dest.ordering() != 'c' || dest.isView() || dest.offset() != 0
                || dest.data().length() != dest.length()) {
            throw new IllegalArgumentException("copyInto: destination must be a dense c-order array of "
                    + values.length + " values, got " + dest.shapeInfoToString());
        }
        ByteBuffer bb = nio(dest);
        switch (dest.dataType()) {
            case DOUBLE -> bb.asDoubleBuffer().put(values);
            case FLOAT -> {
                float[] tmp = new float[values.length];
                for (int i = 0; i < tmp.length; i++) {
                    tmp[i] = (float) values[i];
                }
                bb.asFloatBuffer().put(tmp);
            }
            default -> throw new IllegalArgumentException("copyInto: unsupported type " + dest.dataType());
        }
    }

    /** A c-ordered array that owns its whole buffer from offset 0 (a copy when {@code a} is a view). */
    private static INDArray dense(INDArray a) {
        boolean ok = a.ordering() == 'c' && !a.isView() && a.offset() == 0 && a.data().length() == a.length();
        return ok ? a : a.dup('c');
    }

    private static ByteBuffer nio(INDArray dense) {
        return dense.data().asNio().order(ByteOrder.nativeOrder());
    }

    public static long product(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }
}
