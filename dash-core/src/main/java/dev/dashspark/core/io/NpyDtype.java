package dev.dashspark.core.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * The NumPy dtypes task data use: {@code bool}, signed and unsigned integers of 1, 2, 4 and 8 bytes, and floats of 2,
 * 4 and 8 bytes. An {@code .npy} header spells one as a {@code descr} string: a byte-order character ({@code <}
 * little, {@code >} big, {@code |} not applicable for one-byte types), the kind ({@code b}, {@code i}, {@code u},
 * {@code f}) and the width in bytes, e.g. {@code <f4}, {@code >i8}, {@code |u1}, {@code |b1}.
 *
 * <p>Decoding reads {@code n} elements from a buffer whose {@link ByteBuffer#order() order} is already the file's,
 * starting at the buffer's position, and advances the position. Conversions to {@code float} round to nearest as
 * Java's casts do (so {@code int64} and {@code float64} values may lose precision, and {@code float64} values beyond
 * float32's range become infinite, which the task checks then refuse for inputs); {@code float16} is decoded exactly.
 */
public enum NpyDtype {
    BOOL('b', 1, "bool"),
    INT8('i', 1, "int8"),
    UINT8('u', 1, "uint8"),
    INT16('i', 2, "int16"),
    UINT16('u', 2, "uint16"),
    INT32('i', 4, "int32"),
    UINT32('u', 4, "uint32"),
    INT64('i', 8, "int64"),
    UINT64('u', 8, "uint64"),
    FLOAT16('f', 2, "float16"),
    FLOAT32('f', 4, "float32"),
    FLOAT64('f', 8, "float64");

    private static final int BLOCK = 4096;

    private final char kind;
    private final int width;
    private final String numpyName;

    NpyDtype(char kind, int width, String numpyName) {
        this.kind = kind;
        this.width = width;
        this.numpyName = numpyName;
    }

    /** Bytes per element. */
    public int width() {
        return width;
    }

    /** NumPy's name, e.g. {@code float32}. */
    public String numpyName() {
        return numpyName;
    }

    /** Whether the values are integers (bool included): what class indices need. */
    public boolean integral() {
        return kind != 'f';
    }

    /** NumPy's {@code descr} for this dtype in {@code order}, e.g. {@code <f4} or {@code |u1}. */
    public String descr(ByteOrder order) {
        char o = width == 1 ? '|' : order == ByteOrder.BIG_ENDIAN ? '>' : '<';
        return "" + o + kind + width;
    }

    /** The dtype of kind {@code kind} and {@code width} bytes, or {@code null} when there is none here. */
    static NpyDtype of(char kind, int width) {
        for (NpyDtype d : values()) {
            if (d.kind == kind && d.width == width) {
                return d;
            }
        }
        return null;
    }

    /** The names of all dtypes, for error messages. */
    static List<String> names() {
        return Arrays.stream(values()).map(NpyDtype::numpyName).toList();
    }

    /**
     * Decodes {@code n} elements of {@code src} into {@code dst[0, n)} as float32. Integer dtypes go through
     * {@link #toLongs} in blocks of {@value #BLOCK} elements.
     */
    public void toFloats(ByteBuffer src, float[] dst, int n) {
        int p = src.position();
        switch (this) {
            case FLOAT32 -> {
                src.asFloatBuffer().get(dst, 0, n);
                src.position(p + 4 * n);
            }
            case FLOAT64 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = (float) src.getDouble(p + 8 * i);
                }
                src.position(p + 8 * n);
            }
            case FLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = halfToFloat(src.getShort(p + 2 * i));
                }
                src.position(p + 2 * n);
            }
            default -> {
                long[] block = new long[Math.min(n, BLOCK)];
                for (int done = 0; done < n; done += block.length) {
                    int k = Math.min(block.length, n - done);
                    toLongs(src, block, k);
                    for (int i = 0; i < k; i++) {
                        dst[done + i] = this == UINT64 ? unsignedToFloat(block[i]) : block[i];
                    }
                }
            }
        }
    }

    /**
     * Decodes {@code n} elements of an {@link #integral()} dtype into {@code dst[0, n)}. {@code uint64} values above
     * {@link Long#MAX_VALUE} come out negative (their two's-complement bits); {@link #format(long)} prints them right.
     *
     * @throws IllegalStateException for a float dtype
     */
    public void toLongs(ByteBuffer src, long[] dst, int n) {
        int p = src.position();
        switch (this) {
            case BOOL, UINT8 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = src.get(p + i) & 0xff;
                }
            }
            case INT8 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = src.get(p + i);
                }
            }
            case INT16 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = src.getShort(p + 2 * i);
                }
            }
            case UINT16 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = src.getShort(p + 2 * i) & 0xffff;
                }
            }
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = src.getInt(p + 4 * i);
                }
            }
            case UINT32 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = src.getInt(p + 4 * i) & 0xffffffffL;
                }
            }
            case INT64, UINT64 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = src.getLong(p + 8 * i);
                }
            }
            default -> throw new IllegalStateException(numpyName + " is not an integer dtype");
        }
        src.position(p + n * width);
    }

    /** Decodes {@code n} elements into {@code dst[0, n)} as float64 (exact for every dtype but 64-bit integers). */
    public void toDoubles(ByteBuffer src, double[] dst, int n) {
        int p = src.position();
        switch (this) {
            case FLOAT64 -> src.asDoubleBuffer().get(dst, 0, n);
            case FLOAT32 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = src.getFloat(p + 4 * i);
                }
            }
            case FLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = halfToFloat(src.getShort(p + 2 * i));
                }
            }
            case UINT64 -> {
                for (int i = 0; i < n; i++) {
                    long v = src.getLong(p + 8 * i);
                    dst[i] = v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
                }
            }
            default -> {
                long[] l = new long[n];
                toLongs(src, l, n);
                for (int i = 0; i < n; i++) {
                    dst[i] = l[i];
                }
                return;
            }
        }
        src.position(p + n * width);
    }

    /** An integer value decoded by {@link #toLongs} as NumPy prints it (unsigned for {@code uint64}). */
    public String format(long v) {
        return this == UINT64 ? Long.toUnsignedString(v) : Long.toString(v);
    }

    private static float unsignedToFloat(long v) {
        return v >= 0 ? v : (float) ((v >>> 1) | (v & 1)) * 2f;
    }

    /** IEEE 754 binary16 to binary32, exact (subnormals, infinities and NaN included). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float m = mant * 0x1p-24f;
            return sign == 0 ? m : -m;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
