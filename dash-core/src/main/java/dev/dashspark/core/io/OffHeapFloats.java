package dev.dashspark.core.io;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Writes into the off-heap memory of a float32 ND4J array by 64-bit element index, through direct {@link FloatBuffer}
 * windows of {@value #WINDOW} elements over it (a Java buffer addresses at most 2^31 bytes; an array may hold more).
 * Nothing is copied through the Java heap beyond the caller's chunk.
 */
public final class OffHeapFloats {

    /** Elements per window: 2^28 floats, 1 GiB. */
    static final int WINDOW = 1 << 28;

    private final INDArray array;
    private final FloatPointer base;
    private final long length;
    private final FloatBuffer[] windows;

    private OffHeapFloats(INDArray array) {
        this.array = array;
        this.length = array.length();
        this.base = new FloatPointer(array.data().pointer());
        this.windows = new FloatBuffer[(int) ((length + WINDOW - 1) / WINDOW)];
    }

    /**
     * A new float32 array of {@code shape} ('c' order, outside any workspace), zero-filled when {@code zero}, after
     * checking that the memory it needs is available: within JavaCPP's {@code maxPhysicalBytes} (the limit ND4J's
     * allocations count against, {@code -Dorg.bytedeco.javacpp.maxphysicalbytes}) and within the memory the machine has
     * available. A refusal, or an allocation that fails anyway, is a {@link DataFileException} naming the file and the
     * array; nothing is left allocated.
     */
    public static OffHeapFloats allocate(long[] shape, boolean zero, String file, String arrayName)
            throws DataFileException {
        long n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, s);
        }
        long need = Math.multiplyExact(n, 4L);
        long max = Pointer.maxPhysicalBytes();
        long used = Pointer.physicalBytes();
        if (max > 0 && used + need > max) {
            throw new DataFileException(null, file, arrayName, "needs " + bytes(need) + " of memory as float32 "
                    + Arrays.toString(shape) + ", but this JVM may use only " + bytes(Math.max(0, max - used))
                    + " more (org.bytedeco.javacpp.maxphysicalbytes = " + bytes(max) + ", " + bytes(used)
                    + " in use)", null);
        }
        long available = Pointer.availablePhysicalBytes();
        if (available > 0 && need > available) {
            throw new DataFileException(null, file, arrayName, "needs " + bytes(need) + " of memory as float32 "
                    + Arrays.toString(shape) + ", but the machine has only " + bytes(available) + " available", null);
        }
        INDArray a;
        try {
            a = Nd4j.createUninitializedDetached(DataType.FLOAT, shape);
        } catch (OutOfMemoryError e) {
            throw new DataFileException(null, file, arrayName, "cannot allocate " + bytes(need) + " for float32 "
                    + Arrays.toString(shape) + ": " + e.getMessage(), e);
        }
        if (zero && n > 0) {
            a.assign(0);
        }
        return new OffHeapFloats(a);
    }

    /** The array written into. */
    public INDArray array() {
        return array;
    }

    /** Its number of elements. */
    public long length() {
        return length;
    }

    /** Writes {@code src[off, off + len)} to elements {@code [index, index + len)}. */
    public void put(long index, float[] src, int off, int len) {
        int done = 0;
        while (done < len) {
            long at = index + done;
            FloatBuffer w = window(at);
            int pos = (int) (at % WINDOW);
            int n = Math.min(len - done, w.capacity() - pos);
            w.put(pos, src, off + done, n);
            done += n;
        }
    }

    /** Writes one element. */
    public void put(long index, float v) {
        window(index).put((int) (index % WINDOW), v);
    }

    /** Reads one element. */
    public float get(long index) {
        return window(index).get((int) (index % WINDOW));
    }

    /** Frees the memory now (after a failed read), rather than when the array is collected. */
    public void release() {
        if (array.closeable()) {
            array.close();
        }
    }

    private FloatBuffer window(long index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException("element " + index + " of " + length);
        }
        int w = (int) (index / WINDOW);
        FloatBuffer b = windows[w];
        if (b == null) {
            long start = (long) w * WINDOW;
            int n = (int) Math.min(WINDOW, length - start);
            b = base.getPointer(start).limit(n).asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
            windows[w] = b;
        }
        return b;
    }

    /** {@code n} bytes in binary units, e.g. {@code 1.5 GiB}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
