package dev.dashspark.core.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes NumPy {@code .npy} arrays and {@code .npz} archives.
 *
 * <p><b>Task data</b> ({@link #readFloats}, {@link #readOneHot}): an array's data stream through a fixed
 * {@value #CHUNK_BYTES}-byte chunk, are decoded from their dtype and byte order ({@link NpyDtype}), checked by the
 * caller's {@link FloatCheck}, and written straight into one off-heap float32 buffer ({@link OffHeapFloats}) in C
 * order; Fortran-order data are placed element by element into their C positions ({@link FortranOrder}), so no
 * second copy is ever made. The Java heap holds one chunk, whatever the array's size.
 *
 * <p><b>Why not ND4J's readers</b> ({@code Nd4j.createFromNpyFile}, {@code createFromNpzFile},
 * {@code createNpyFromInputStream}): they map or read a whole local file and keep the file's dtype, so a float64 or
 * uint8 array needs a second, converted copy; they read no big-endian data, no Fortran order conversion, no
 * streamed or remote input; they trust the header (no cap on its length, no overflow check on the shape, no check of
 * the declared size against the bytes present), and their errors name neither the file nor the array.
 *
 * <p><b>Small arrays</b> ({@link #readNpy}, {@link #readNpz}): read in their own type (float64 as DOUBLE, float32 and
 * float16 as FLOAT, int64, uint32 and uint64 as LONG, the other integers and bool as INT), for reference vectors and
 * tools; at most {@value #MAX_SMALL_ELEMENTS} elements.
 */
public final class Npy {

    /** Bytes per chunk when streaming an array's data. */
    public static final int CHUNK_BYTES = 1 << 20;

    /** The most elements {@link #readNpy} reads into the heap. */
    public static final int MAX_SMALL_ELEMENTS = 1 << 27;

    private Npy() {
    }

    /** Checks values as they are read, before they are stored. */
    @FunctionalInterface
    public interface FloatCheck {
        /** No check. */
        FloatCheck NONE = (values, n, first) -> {
        };

        /**
         * Checks {@code values[0, n)}: the elements {@code first, ..., first + n - 1} in file order (see
         * {@link NpyHeader#indexOf}), as float32.
         */
        void check(float[] values, int n, long first) throws DataFileException;
    }

    /**
     * Reads the data of the array {@code h} from {@code data} (positioned at its first data byte; not closed) into
     * {@code dest}, which must have {@code h.elements()} elements; values pass {@code check} first.
     *
     * @throws DataFileException naming the file and the array when the data end early or cannot be read, or from
     *                           {@code check}
     */
    public static void readFloats(InputStream data, NpyHeader h, OffHeapFloats dest, FloatCheck check, String file,
                                  String array) throws DataFileException {
        if (dest.length() != h.elements()) {
            throw new IllegalArgumentException("dest: " + dest.length() + " elements for " + h.elements());
        }
        float[] values = new float[CHUNK_BYTES / h.dtype().width()];
        FortranOrder f = h.fortranOrder() && h.rank() > 1 ? new FortranOrder(h.shape()) : null;
        stream(data, h, file, array, (buf, n, first) -> {
            h.dtype().toFloats(buf, values, n);
            check.check(values, n, first);
            if (f == null) {
                dest.put(first, values, 0, n);
            } else {
                for (int i = 0; i < n; i++) {
                    dest.put(f.next(), values[i]);
                }
            }
        });
    }

    /**
     * Reads class indices, an {@link NpyDtype#integral()} array of {@code B} elements ((B) or (B, 1)), into
     * {@code dest}: a zero-filled (B, classes) float32 array that gets a 1 at (b, label of b).
     *
     * @throws DataFileException naming the file, the array, the label and the sample when a label is not in
     *                           {@code [0, classes)}
     */
    public static void readOneHot(InputStream data, NpyHeader h, OffHeapFloats dest, int classes, String file,
                                  String array) throws DataFileException {
        if (!h.dtype().integral()) {
            throw new IllegalArgumentException(h.dtype() + " class indices");
        }
        long[] labels = new long[CHUNK_BYTES / h.dtype().width()];
        stream(data, h, file, array, (buf, n, first) -> {
            h.dtype().toLongs(buf, labels, n);
            for (int i = 0; i < n; i++) {
                long c = labels[i];
                if (c < 0 || c >= classes) {
                    throw new DataFileException(null, file, array, "label " + h.dtype().format(c) + " of sample "
                            + (first + i) + " is not a class index in [0, " + classes + ")", null);
                }
                dest.put((first + i) * classes + c, 1f);
            }
        });
    }

    private interface Chunks {
        void accept(ByteBuffer buf, int n, long first) throws DataFileException;
    }

    private static void stream(InputStream data, NpyHeader h, String file, String array, Chunks sink)
            throws DataFileException {
        int width = h.dtype().width();
        int per = CHUNK_BYTES / width;
        byte[] chunk = new byte[per * width];
        ByteBuffer buf = ByteBuffer.wrap(chunk).order(h.order());
        long done = 0;
        try {
            while (done < h.elements()) {
                int n = (int) Math.min(per, h.elements() - done);
                int got = data.readNBytes(chunk, 0, n * width);
                if (got < n * width) {
                    long have = done * width + got;
                    throw new DataFileException(null, file, array, "is truncated: the data end after " + have
                            + " of the " + h.dataBytes() + " bytes its header declares (" + h.describe() + ")", null);
                }
                buf.position(0);
                sink.accept(buf, n, done);
                done += n;
            }
            if (data.read() >= 0) {
                throw new DataFileException(null, file, array, "holds more bytes than its header declares ("
                        + h.describe() + ", " + h.dataBytes() + " data bytes)", null);
            }
        } catch (DataFileException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFileException(null, file, array, "cannot be read after " + done * width + " data bytes: "
                    + e.getMessage(), e);
        }
    }

    /** One {@code .npy} array from {@code in} (not closed), in its own type; {@code source} names it in errors. */
    public static INDArray readNpy(InputStream in, String source) throws IOException {
        return readSmall(in, NpyHeader.read(in, source, null), source, null);
    }

    /** One {@code .npy} array held in {@code bytes}, in its own type. */
    public static INDArray readNpy(byte[] bytes, String source) throws IOException {
        return readNpy(new ByteArrayInputStream(bytes), source);
    }

    /** All arrays of an {@code .npz} archive read from {@code in} (not closed), by name, in their own types. */
    public static Map<String, INDArray> readNpz(InputStream in, String source) throws IOException {
        byte[] bytes = in.readAllBytes();
        NpzArchive npz = NpzArchive.open(RandomAccessInput.of(bytes), source);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (NpzArchive.Entry e : npz.arrays().values()) {
            NpyHeader h = npz.header(e);
            try (InputStream s = npz.open(e, true)) {
                s.readNBytes(h.dataOffset());
                out.put(e.array(), readSmall(s, h, source, e.array()));
            }
        }
        if (out.isEmpty()) {
            throw new DataFileException(null, source, null, "is a zip archive without .npy entries", null);
        }
        return out;
    }

    private static INDArray readSmall(InputStream in, NpyHeader h, String file, String array) throws IOException {
        if (h.elements() > MAX_SMALL_ELEMENTS) {
            throw new DataFileException(null, file, array, h.describe() + " has more than the " + MAX_SMALL_ELEMENTS
                    + " elements read into the Java heap; task data are read by TaskDataReader", null);
        }
        int n = (int) h.elements();
        NpyDtype t = h.dtype();
        DataType type = switch (t) {
            case FLOAT64 -> DataType.DOUBLE;
            case FLOAT32, FLOAT16 -> DataType.FLOAT;
            case INT64, UINT32, UINT64 -> DataType.INT64;
            default -> DataType.INT32;
        };
        long[] shape = h.shape();
        if (n == 0) {
            return Nd4j.create(type, shape);
        }
        double[] d = type == DataType.INT64 ? null : new double[n];
        long[] l = type == DataType.INT64 ? new long[n] : null;
        stream(in, h, file, array, (buf, k, first) -> {
            if (l != null) {
                long[] tmp = new long[k];
                t.toLongs(buf, tmp, k);
                System.arraycopy(tmp, 0, l, (int) first, k);
            } else {
                double[] tmp = new double[k];
                t.toDoubles(buf, tmp, k);
                System.arraycopy(tmp, 0, d, (int) first, k);
            }
        });
        if (t == NpyDtype.UINT64) {
            for (long v : l) {
                if (v < 0) {
                    throw new DataFileException(null, file, array, "uint64 value " + Long.toUnsignedString(v)
                            + " does not fit int64", null);
                }
            }
        }
        INDArray flat = l != null ? Nd4j.createFromArray(l) : type == DataType.DOUBLE ? Nd4j.createFromArray(d)
                : Nd4j.createFromArray(d).castTo(type);
        if (shape.length == 0) {
            return flat.reshape(new long[0]);
        }
        return h.fortranOrder() ? flat.reshape('f', shape).dup('c') : flat.reshape('c', shape);
    }

    /** The value of the element at a C-order position, for {@link #write}. */
    @FunctionalInterface
    public interface Values {
        double at(long cIndex);
    }

    /**
     * Writes an {@code .npy}: {@code h}'s header, then its elements in file order (C or Fortran per the header), each
     * {@code values.at(C position)} converted to the header's dtype and byte order. Streams: memory does not grow
     * with the array.
     */
    public static void write(OutputStream out, NpyHeader h, Values values) throws IOException {
        out.write(h.toBytes());
        int width = h.dtype().width();
        int per = CHUNK_BYTES / width;
        ByteBuffer buf = ByteBuffer.allocate(per * width).order(h.order());
        FortranOrder f = h.fortranOrder() && h.rank() > 1 ? new FortranOrder(h.shape()) : null;
        for (long e = 0; e < h.elements(); ) {
            int n = (int) Math.min(per, h.elements() - e);
            buf.clear();
            for (int i = 0; i < n; i++) {
                double v = values.at(f == null ? e + i : f.next());
                switch (h.dtype()) {
                    case BOOL -> buf.put((byte) (v != 0 ? 1 : 0));
                    case INT8, UINT8 -> buf.put((byte) (long) v);
                    case INT16, UINT16 -> buf.putShort((short) (long) v);
                    case INT32, UINT32 -> buf.putInt((int) (long) v);
                    case INT64, UINT64 -> buf.putLong((long) v);
                    case FLOAT16 -> buf.putShort(floatToHalf((float) v));
                    case FLOAT32 -> buf.putFloat((float) v);
                    case FLOAT64 -> buf.putDouble(v);
                }
            }
            out.write(buf.array(), 0, buf.position());
            e += n;
        }
    }

    /** {@link #write} into bytes. */
    public static byte[] toNpy(NpyHeader h, Values values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out, h, values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes one array as {@code .npy} v1.0, C order, little endian, in its own type (float64/32, int64/32). */
    public static byte[] toNpy(INDArray a) {
        INDArray c = a.dup('c');
        DataType type = c.dataType();
        NpyDtype t = type == DataType.DOUBLE ? NpyDtype.FLOAT64 : type == DataType.FLOAT ? NpyDtype.FLOAT32
                : type == DataType.INT64 ? NpyDtype.INT64 : type == DataType.INT32 ? NpyDtype.INT32 : null;
        if (t == null) {
            throw new IllegalArgumentException("toNpy: unsupported data type " + type);
        }
        INDArray flat = c.reshape(c.length());
        return toNpy(NpyHeader.of(t, ByteOrder.LITTLE_ENDIAN, false, c.shape()), flat::getDouble);
    }

    /**
     * Writes named arrays as an {@code .npz} archive ({@code <name>.npy} entries, deflated like
     * {@code numpy.savez_compressed}), in the map's order.
     */
    public static byte[] toNpz(Map<String, INDArray> arrays) {
        Map<String, byte[]> npy = new LinkedHashMap<>();
        arrays.forEach((k, v) -> npy.put(k, toNpy(v)));
        return zip(npy, true);
    }

    /**
     * Zips {@code .npy} bytes as an {@code .npz}: entries {@code <name>.npy}, deflated ({@code numpy.savez_compressed})
     * or stored ({@code numpy.savez}).
     */
    public static byte[] zip(Map<String, byte[]> npyByName, boolean deflate) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : npyByName.entrySet()) {
                ZipEntry z = new ZipEntry(e.getKey() + ".npy");
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    z.setMethod(ZipEntry.STORED);
                    z.setSize(e.getValue().length);
                    z.setCompressedSize(e.getValue().length);
                    z.setCrc(crc.getValue());
                }
                zip.putNextEntry(z);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("zip: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /** binary32 to binary16, rounding to nearest even (what NumPy's {@code astype(float16)} does). */
    static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rem = m & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rem = mant & 0x1fff;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
            half++;
        }
        return (short) (sign | half);
    }
}
