package dev.dashspark.core.util;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * The values of a dense c-order FLOAT or DOUBLE INDArray, read and written in place through the native buffer's
 * NIO view, as doubles. Avoids copying whole activations into Java arrays on hot paths. Not thread-safe for writes
 * to the same index; distinct indices may be written from different threads.
 */
public final class Flat {
    /**
     * The viewed array. The NIO view does not keep ND4J's native buffer alive, and ND4J frees a buffer once its array
     * is garbage: a view of an otherwise unreachable array (the dense copy {@link #readable} makes, an array the
     * caller no longer uses) would read freed memory. Holding the array here keeps it as long as the view.
     */
    private final INDArray array;
    private final FloatBuffer floats;
    private final DoubleBuffer doubles;
    private final int length;

    private Flat(INDArray array, FloatBuffer floats, DoubleBuffer doubles, int length) {
        this.array = array;
        this.floats = floats;
        this.doubles = doubles;
        this.length = length;
    }

    /**
     * A view of {@code a}'s values. {@code a} must be dense and c-ordered (a freshly created array, or a c-order
     * reshape of one); use {@link #readable(INDArray)} for arbitrary arrays that are only read.
     */
    public static Flat of(INDArray a) {
        if (!isDense(a)) {
            throw new IllegalArgumentException("Flat.of: array must be dense and c-ordered, got " + a.shapeInfoToString());
        }
        long offset = a.offset();
        int n = (int) a.length();
        var bb = a.data().asNio().order(ByteOrder.nativeOrder());
        return switch (a.dataType()) {
            case FLOAT -> new Flat(a, bb.asFloatBuffer().position((int) offset).slice(), null, n);
            case DOUBLE -> new Flat(a, null, bb.asDoubleBuffer().position((int) offset).slice(), n);
            default -> throw new IllegalArgumentException("Flat.of: FLOAT or DOUBLE expected, got " + a.dataType());
        };
    }

    /** A view for reading: {@code a} itself when dense, else a dense copy (non-floating types are cast to DOUBLE). */
    public static Flat readable(INDArray a) {
        INDArray r = a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE ? a : a.castTo(DataType.DOUBLE);
        return of(isDense(r) ? r : r.dup('c'));
    }

    /** c-ordered with c strides (size-1 axes ignored), inside its buffer. */
    public static boolean isDense(INDArray a) {
        if (a.ordering() != 'c') {
            return false;
        }
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expect = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expect) {
                return false;
            }
            expect *= shape[i];
        }
        return a.offset() + a.length() <= a.data().length();
    }

    public int length() {
        return length;
    }

    /** The array this is a view of (a dense copy when {@link #readable} made one). */
    public INDArray array() {
        return array;
    }

    public double get(int i) {
        return floats != null ? floats.get(i) : doubles.get(i);
    }

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[1024]);

    /** A per-thread float buffer for rows; whole-array transfers get their own, so it never grows past a row. */
    private static float[] scratch(int n) {
        if (n > 1 << 16) {
            return new float[n];
        }
        float[] s = SCRATCH.get();
        if (s.length < n) {
            s = new float[Math.max(n, 2 * s.length)];
            SCRATCH.set(s);
        }
        return s;
    }

    /** Reads {@code dst.length} values starting at {@code from}. */
    public void get(int from, double[] dst) {
        get(from, dst, dst.length);
    }

    /** Reads {@code n} values starting at {@code from} into {@code dst[0..n)}. */
    public void get(int from, double[] dst, int n) {
        if (doubles != null) {
            doubles.get(from, dst, 0, n);
        } else {
            float[] tmp = scratch(n);
            floats.get(from, tmp, 0, n);
            for (int i = 0; i < n; i++) {
                dst[i] = tmp[i];
            }
        }
    }

    /** Writes {@code src} starting at {@code from}. */
    public void put(int from, double[] src) {
        put(from, src, src.length);
    }

    /** Writes {@code src[0..n)} starting at {@code from}. */
    public void put(int from, double[] src, int n) {
        if (doubles != null) {
            doubles.put(from, src, 0, n);
        } else {
            float[] tmp = scratch(n);
            for (int i = 0; i < n; i++) {
                tmp[i] = (float) src[i];
            }
            floats.put(from, tmp, 0, n);
        }
    }

    /** Whether the values are FLOAT (else DOUBLE). */
    public boolean isFloat() {
        return floats != null;
    }

    /** Reads {@code n} values starting at {@code from} into {@code dst[0..n)} (a bulk copy for FLOAT arrays). */
    public void get(int from, float[] dst, int n) {
        if (floats != null) {
            floats.get(from, dst, 0, n);
        } else {
            for (int i = 0; i < n; i++) {
                dst[i] = (float) doubles.get(from + i);
            }
        }
    }

    /** Writes {@code src[0..n)} starting at {@code from} (a bulk copy for FLOAT arrays). */
    public void put(int from, float[] src, int n) {
        if (floats != null) {
            floats.put(from, src, 0, n);
        } else {
            for (int i = 0; i < n; i++) {
                doubles.put(from + i, src[i]);
            }
        }
    }

    public void set(int i, double v) {
        if (floats != null) {
            floats.put(i, (float) v);
        } else {
            doubles.put(i, v);
        }
    }
}
