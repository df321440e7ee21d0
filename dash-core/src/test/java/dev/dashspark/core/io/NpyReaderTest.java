package dev.dashspark.core.io;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code .npy} reader and writer against files NumPy wrote ({@code src/test/resources/npy}, made by its
 * {@code make.py}): every dtype, both byte orders, C and Fortran order, format versions 1 to 3, and header errors.
 */
class NpyReaderTest {

    /** The value make.py puts at C-order element i. */
    static double expected(NpyDtype t, int i) {
        return switch (t) {
            case BOOL -> i % 3 == 0 ? 1 : 0;
            case UINT8, UINT16, UINT32, UINT64 -> i;
            case INT8, INT16, INT32, INT64 -> i - 12;
            default -> (i - 12) * 0.25;
        };
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = NpyReaderTest.class.getResourceAsStream("/npy/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /npy/" + name);
            }
            return in.readAllBytes();
        }
    }

    static List<String> orders(NpyDtype t) {
        return t.width() == 1 ? List.of("na") : List.of("le", "be");
    }

    @Test
    void everyDtypeByteOrderAndMemoryOrderReadsIntoCOrderFloat32() throws IOException {
        int files = 0;
        for (NpyDtype t : NpyDtype.values()) {
            for (String order : orders(t)) {
                for (String layout : List.of("C", "F")) {
                    String name = t.numpyName() + "-" + order + "-" + layout + ".npy";
                    byte[] bytes = resource(name);
                    NpyHeader h = NpyHeader.read(new ByteArrayInputStream(bytes), name, null);
                    assertEquals(t, h.dtype(), name);
                    assertEquals(layout.equals("F"), h.fortranOrder(), name);
                    assertEquals(order.equals("be") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, h.order(), name);
                    assertArrayEquals(new long[]{2, 3, 4}, h.shape(), name);
                    assertEquals(bytes.length, h.totalBytes(), name);

                    OffHeapFloats dest = OffHeapFloats.allocate(h.shape(), false, name, null);
                    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
                    in.skipNBytes(h.dataOffset());
                    Npy.readFloats(in, h, dest, Npy.FloatCheck.NONE, name, null);
                    INDArray a = dest.array();
                    assertEquals(DataType.FLOAT, a.dataType());
                    assertEquals('c', a.ordering());
                    assertArrayEquals(new long[]{2, 3, 4}, a.shape());
                    float[] got = a.data().asFloat();
                    for (int i = 0; i < 24; i++) {
                        assertEquals((float) expected(t, i), got[i], 0f, name + " element " + i);
                    }
                    assertEquals((float) expected(t, 1 * 12 + 2 * 4 + 3), a.getFloat(1, 2, 3), 0f, name);

                    INDArray typed = Npy.readNpy(bytes, name);
                    double[] d = typed.castTo(DataType.DOUBLE).data().asDouble();
                    for (int i = 0; i < 24; i++) {
                        assertEquals(expected(t, i), d[i], 0.0, name + " typed element " + i);
                    }
                    files++;
                }
            }
        }
        assertEquals(42, files);
    }

    @Test
    void theWriterProducesNumpysBytesExactly() throws IOException {
        for (NpyDtype t : NpyDtype.values()) {
            for (String order : orders(t)) {
                for (String layout : List.of("C", "F")) {
                    String name = t.numpyName() + "-" + order + "-" + layout + ".npy";
                    NpyHeader h = NpyHeader.of(t, order.equals("be") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN,
                            layout.equals("F"), 2, 3, 4);
                    byte[] mine = Npy.toNpy(h, i -> expected(t, (int) i));
                    assertArrayEquals(resource(name), mine, name);
                }
            }
        }
    }

    @Test
    void formatVersionsTwoAndThreeAndTypedArchives() throws IOException {
        INDArray v2 = Npy.readNpy(resource("v2.npy"), "v2.npy");
        assertEquals(DataType.INT32, v2.dataType());
        assertEquals(-12, v2.getInt(0, 0, 0));
        assertEquals(11, v2.getInt(1, 2, 3));
        INDArray v3 = Npy.readNpy(resource("v3.npy"), "v3.npy");
        assertEquals(DataType.DOUBLE, v3.dataType());
        assertEquals(2.75, v3.getDouble(1, 2, 3), 0.0);
        for (String npz : List.of("savez.npz", "savez_compressed.npz")) {
            Map<String, INDArray> m = Npy.readNpz(new ByteArrayInputStream(resource(npz)), npz);
            assertEquals(List.of("a", "b", "c"), List.copyOf(m.keySet()), npz);
            assertEquals(DataType.INT64, m.get("a").dataType());
            assertEquals(11L, m.get("a").getLong(1, 2, 3));
            assertEquals(DataType.FLOAT, m.get("b").dataType());
            assertEquals(-3.0f, m.get("b").getFloat(0, 0, 0), 0f);
            assertEquals(0, m.get("c").rank());
            assertEquals(2.5, m.get("c").getDouble(), 0.0);
        }
    }

    @Test
    void float16DecodesExactly() {
        assertEquals(1.0f, NpyDtype.halfToFloat((short) 0x3c00), 0f);
        assertEquals(-2.0f, NpyDtype.halfToFloat((short) 0xc000), 0f);
        assertEquals(65504f, NpyDtype.halfToFloat((short) 0x7bff), 0f);
        assertEquals(0x1p-24f, NpyDtype.halfToFloat((short) 0x0001), 0f);
        assertEquals(Float.POSITIVE_INFINITY, NpyDtype.halfToFloat((short) 0x7c00), 0f);
        assertTrue(Float.isNaN(NpyDtype.halfToFloat((short) 0x7e00)));
        for (int bits = 0; bits < 0x7c00; bits++) {
            assertEquals((short) bits, Npy.floatToHalf(NpyDtype.halfToFloat((short) bits)), "round trip " + bits);
        }
    }

    /** An .npy v1.0 preamble and {@code dict} as its header, without data. */
    private static byte[] withHeader(String dict) {
        byte[] h = dict.getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = new byte[10 + h.length];
        System.arraycopy(NpyHeader.MAGIC, 0, b, 0, 6);
        b[6] = 1;
        b[8] = (byte) h.length;
        b[9] = (byte) (h.length >> 8);
        System.arraycopy(h, 0, b, 10, h.length);
        return b;
    }

    private static String headerError(String dict) {
        byte[] b = withHeader(dict);
        DataFileException e = assertThrows(DataFileException.class,
                () -> NpyHeader.read(new ByteArrayInputStream(b), "f.npz", "x_train"));
        assertEquals("f.npz", e.file());
        assertEquals("x_train", e.array());
        assertTrue(e.getMessage().startsWith("f.npz[x_train]: "), e.getMessage());
        return e.detail();
    }

    @Test
    void malformedHeadersAreRefusedNamingFileArrayAndField() {
        assertEquals("shape [3, -4] has a negative dimension",
                headerError("{'descr': '<f4', 'fortran_order': False, 'shape': (3, -4), }\n"));
        assertEquals("shape [4294967296, 4294967296] of float32 has more bytes than a 64-bit size can count",
                headerError("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }\n"));
        assertTrue(headerError("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }\n")
                .contains("'99999999999999999999' is not an integer that fits 64 bits"));
        assertEquals("unsupported dtype '<c8'; expected one of [bool, int8, uint8, int16, uint16, int32, uint32,"
                        + " int64, uint64, float16, float32, float64] with byte order '<', '>' or '|'",
                headerError("{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }\n"));
        assertTrue(headerError("{'descr': '|O', 'fortran_order': False, 'shape': (3,), }\n")
                .startsWith("unsupported dtype '|O'"));
        assertTrue(headerError("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }\n")
                .startsWith("structured dtypes are not supported"));
        assertEquals("dtype '|f4' has 4-byte elements but no byte order",
                headerError("{'descr': '|f4', 'fortran_order': False, 'shape': (3,), }\n"));
        assertEquals("the .npy header must have exactly the keys descr, fortran_order and shape; found"
                + " [descr, shape]", headerError("{'descr': '<f4', 'shape': (3,), }\n"));
        assertTrue(headerError("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), \n")
                .startsWith("malformed .npy header: the header ends early"));
        assertTrue(headerError("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (3,), }\n")
                .startsWith("malformed .npy header: unexpected value at offset"));
        assertEquals("shape has 33 dimensions, more than 32", headerError("{'descr': '<f4', 'fortran_order': False,"
                + " 'shape': (" + "1, ".repeat(33) + "), }\n"));
        assertEquals(1L << 40, readHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776L,), }\n")
                .dim(0), "Python 2's long suffix");
    }

    private static NpyHeader readHeader(String dict) {
        try {
            return NpyHeader.read(new ByteArrayInputStream(withHeader(dict)), "f.npy", null);
        } catch (DataFileException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void preambleErrorsAndTheHeaderCap() {
        byte[] npy = Npy.toNpy(NpyHeader.of(NpyDtype.FLOAT32, ByteOrder.LITTLE_ENDIAN, false, 3), i -> i);
        assertEquals("f.npy: is empty; expected an .npy array", preambleError(new byte[0]));
        assertEquals("f.npy: is truncated: 5 bytes, shorter than the 8-byte .npy preamble",
                preambleError(Arrays.copyOf(npy, 5)));
        byte[] zip = npy.clone();
        zip[0] = 'P';
        assertEquals("f.npy: is not an .npy array (it does not start with \\x93NUMPY)", preambleError(zip));
        byte[] v9 = npy.clone();
        v9[6] = 9;
        assertEquals("f.npy: unsupported .npy format version 9.0 (expected 1.0, 2.0 or 3.0)", preambleError(v9));
        byte[] huge = npy.clone();
        huge[6] = 2;
        huge[8] = 0;
        huge[9] = 0;
        huge[10] = 0;
        huge[11] = 0x7f;
        assertEquals("f.npy: the .npy header declares 2130706432 bytes, more than the 10000 NumPy accepts",
                preambleError(huge));
        assertEquals("f.npy: is truncated in its header (20 of 118 bytes)", preambleError(Arrays.copyOf(npy, 30)));
        assertFalse(preambleError(Arrays.copyOf(npy, 9)).isEmpty());
    }

    private static String preambleError(byte[] b) {
        return assertThrows(DataFileException.class, () -> NpyHeader.read(new ByteArrayInputStream(b), "f.npy", null))
                .getMessage();
    }

    @Test
    void truncatedOrOverlongDataAreRefusedNamingTheBytes() throws DataFileException {
        NpyHeader h = NpyHeader.of(NpyDtype.FLOAT64, ByteOrder.BIG_ENDIAN, false, 4, 5);
        byte[] npy = Npy.toNpy(h, i -> i);
        OffHeapFloats dest = OffHeapFloats.allocate(h.shape(), false, "t.npy", "x");
        ByteArrayInputStream cut = new ByteArrayInputStream(Arrays.copyOfRange(npy, h.dataOffset(), npy.length - 3));
        DataFileException e = assertThrows(DataFileException.class,
                () -> Npy.readFloats(cut, h, dest, Npy.FloatCheck.NONE, "t.npy", "x"));
        assertEquals("t.npy[x]: is truncated: the data end after 157 of the 160 bytes its header declares"
                + " (float64 [4, 5])", e.getMessage());
        byte[] longer = Arrays.copyOfRange(npy, h.dataOffset(), npy.length + 1);
        e = assertThrows(DataFileException.class, () -> Npy.readFloats(new ByteArrayInputStream(longer), h, dest,
                Npy.FloatCheck.NONE, "t.npy", "x"));
        assertEquals("t.npy[x]: holds more bytes than its header declares (float64 [4, 5], 160 data bytes)",
                e.getMessage());
    }
}
