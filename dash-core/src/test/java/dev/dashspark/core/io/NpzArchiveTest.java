package dev.dashspark.core.io;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link NpzArchive} on NumPy's own archives and on archives whose zip fields lie: every lie is caught before
 * allocation (sizes against each other and the file) or while reading (size and CRC-32), naming file and array.
 */
class NpzArchiveTest {

    private static byte[] archive(boolean deflate, long n) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("x_train", Npy.toNpy(NpyHeader.of(NpyDtype.FLOAT32, ByteOrder.LITTLE_ENDIAN, false, n), i -> i));
        m.put("y_train", Npy.toNpy(NpyHeader.of(NpyDtype.INT64, ByteOrder.LITTLE_ENDIAN, false, n), i -> i % 3));
        return Npy.zip(m, deflate);
    }

    /** Reads the header and all the content of {@code array}; returns the error's detail. */
    private static String error(byte[] zip, String array) {
        DataFileException e = assertThrows(DataFileException.class, () -> readAll(zip, array));
        assertEquals("a.npz", e.file());
        if (e.array() != null) {
            assertEquals(array, e.array());
            assertTrue(e.getMessage().startsWith("a.npz[" + array + "]: "), e.getMessage());
        }
        return e.detail();
    }

    private static byte[] readAll(byte[] zip, String array) throws IOException {
        NpzArchive a = NpzArchive.open(RandomAccessInput.of(zip), "a.npz");
        NpzArchive.Entry e = a.arrays().get(array);
        a.header(e);
        try (InputStream in = a.open(e, true)) {
            byte[] all = in.readAllBytes();
            assertEquals(-1, in.read());
            return all;
        }
    }

    @Test
    void readsNumpysArchivesThroughTheirDirectory() throws IOException {
        for (String name : List.of("savez.npz", "savez_compressed.npz")) {
            byte[] zip = NpyReaderTest.resource(name);
            NpzArchive a = NpzArchive.open(RandomAccessInput.of(zip), name);
            assertEquals(List.of("a", "b", "c"), List.copyOf(a.arrays().keySet()));
            assertEquals(name.contains("compressed") ? 8 : 0, a.arrays().get("b").method());
            NpyHeader b = a.header(a.arrays().get("b"));
            assertEquals(NpyDtype.FLOAT32, b.dtype());
            assertArrayEquals(new long[]{2, 3, 4}, b.shape());
            assertArrayEquals(new long[0], a.header(a.arrays().get("c")).shape());
            assertEquals(a.arrays().get("b").size(), readAll(zip, "b").length);
        }
    }

    @Test
    void lyingSizesAreRefusedBeforeAnythingIsAllocated() {
        byte[] stored = archive(false, 8);
        int x = ZipBytes.centralEntry(stored, "x_train.npy");
        int size = ZipBytes.intAt(stored, x + ZipBytes.SIZE);
        assertEquals("the stored entry declares " + (size + 8) + " bytes but holds " + size,
                error(ZipBytes.withInt(stored, x + ZipBytes.SIZE, size + 8), "x_train"));
        byte[] both = ZipBytes.withInt(ZipBytes.withInt(stored, x + ZipBytes.SIZE, size + 8),
                x + ZipBytes.COMPRESSED_SIZE, size + 8);
        assertEquals("the array's header declares float32 [8] (" + size + " bytes with the header) but the archive"
                + " entry holds " + (size + 8) + " bytes", error(both, "x_train"));
        assertTrue(error(ZipBytes.withInt(stored, x + ZipBytes.COMPRESSED_SIZE, 1 << 30), "x_train")
                .startsWith("the entry's data (1073741824 bytes at 0) lie outside the archive's"));
        assertTrue(error(ZipBytes.withInt(stored, x + ZipBytes.LOCAL_HEADER_OFFSET, stored.length), "x_train")
                .startsWith("the entry's data ("));

        byte[] deflated = archive(true, 1000);
        int y = ZipBytes.centralEntry(deflated, "y_train.npy");
        int csize = ZipBytes.intAt(deflated, y + ZipBytes.COMPRESSED_SIZE);
        assertEquals("the entry declares 2147483647 bytes, more than its " + csize + " deflated bytes can hold",
                error(ZipBytes.withInt(deflated, y + ZipBytes.SIZE, Integer.MAX_VALUE), "y_train"));
    }

    @Test
    void aSizeThatLiesConsistentlyIsCaughtByTheCrcWhileReading() {
        byte[] stored = archive(false, 8);
        int x = ZipBytes.centralEntry(stored, "x_train.npy");
        int data = ZipBytes.dataStart(stored, x);
        byte[] lying = stored.clone();
        String header = new String(lying, data, 64, StandardCharsets.ISO_8859_1);
        int at = data + header.indexOf("(8,)") + 1;
        lying[at] = '9';
        int size = ZipBytes.intAt(stored, x + ZipBytes.SIZE);
        lying = ZipBytes.withInt(ZipBytes.withInt(lying, x + ZipBytes.SIZE, size + 4), x + ZipBytes.COMPRESSED_SIZE,
                size + 4);
        assertTrue(error(lying, "x_train").startsWith("is corrupt: the entry's CRC-32 is "));

        byte[] flipped = stored.clone();
        flipped[data + NpyHeader.of(NpyDtype.FLOAT32, ByteOrder.LITTLE_ENDIAN, false, 8).dataOffset() + 5] ^= 0x40;
        String d = error(flipped, "x_train");
        assertTrue(d.startsWith("is corrupt: the entry's CRC-32 is "), d);
    }

    @Test
    void corruptDeflatedDataTruncatedArchivesAndUnsupportedEntries() {
        byte[] deflated = archive(true, 1000);
        int x = ZipBytes.centralEntry(deflated, "x_train.npy");
        int data = ZipBytes.dataStart(deflated, x);
        int csize = ZipBytes.intAt(deflated, x + ZipBytes.COMPRESSED_SIZE);
        byte[] broken = deflated.clone();
        for (int i = data + csize / 2; i < data + csize / 2 + 16; i++) {
            broken[i] = (byte) 0xff;
        }
        assertTrue(error(broken, "x_train").startsWith("is corrupt: "));
        assertTrue(error(ZipBytes.withInt(deflated, x + ZipBytes.COMPRESSED_SIZE, csize - 40), "x_train")
                .startsWith("is truncated: the compressed data end after "));

        assertEquals("is truncated or corrupt: a zip archive without its end-of-central-directory record",
                error(Arrays.copyOf(deflated, deflated.length - 10), "x_train"));
        assertEquals("is empty; expected an .npz archive", error(new byte[0], "x_train"));
        assertEquals("the entry uses zip compression method 12; only stored (0) and deflated (8) entries are"
                + " supported, as numpy.savez writes them", error(ZipBytes.withShort(deflated, x + ZipBytes.METHOD, 12),
                "x_train"));
        assertEquals("the entry is encrypted; encrypted archives are not supported",
                error(ZipBytes.withShort(deflated, x + ZipBytes.FLAGS, 1), "x_train"));
        int eocd = ZipBytes.eocd(deflated);
        assertTrue(error(ZipBytes.withInt(deflated, eocd + 16, 1 << 30), "x_train")
                .startsWith("is truncated or corrupt: its central directory ("));
        assertEquals("lists 65000 entries, more than 4096",
                error(ZipBytes.withShort(deflated, eocd + 10, 65000), "x_train"));
    }
}
