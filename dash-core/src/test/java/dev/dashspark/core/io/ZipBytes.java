package dev.dashspark.core.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Offsets inside a zip archive's bytes, for tests that corrupt one field on purpose. */
public final class ZipBytes {
    /** Field offsets within a central directory entry. */
    public static final int FLAGS = 8;
    public static final int METHOD = 10;
    public static final int CRC = 16;
    public static final int COMPRESSED_SIZE = 20;
    public static final int SIZE = 24;
    public static final int LOCAL_HEADER_OFFSET = 42;

    private ZipBytes() {
    }

    /** Where the end-of-central-directory record starts (no archive comment assumed). */
    public static int eocd(byte[] zip) {
        return zip.length - 22;
    }

    /** The offsets of the central directory entries, in order. */
    public static List<Integer> centralEntries(byte[] zip) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int count = b.getShort(eocd(zip) + 10) & 0xffff;
        int p = b.getInt(eocd(zip) + 16);
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            out.add(p);
            p += 46 + (b.getShort(p + 28) & 0xffff) + (b.getShort(p + 30) & 0xffff) + (b.getShort(p + 32) & 0xffff);
        }
        return out;
    }

    /** The central directory entry of {@code name}. */
    public static int centralEntry(byte[] zip, String name) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int p : centralEntries(zip)) {
            int len = b.getShort(p + 28) & 0xffff;
            if (new String(zip, p + 46, len, java.nio.charset.StandardCharsets.UTF_8).equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no entry " + name);
    }

    /** Where the data of the entry at central offset {@code central} start. */
    public static int dataStart(byte[] zip, int central) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int lho = b.getInt(central + LOCAL_HEADER_OFFSET);
        return lho + 30 + (b.getShort(lho + 26) & 0xffff) + (b.getShort(lho + 28) & 0xffff);
    }

    /** A copy with the little-endian int at {@code at} replaced. */
    public static byte[] withInt(byte[] zip, int at, int value) {
        byte[] out = zip.clone();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return out;
    }

    /** A copy with the little-endian short at {@code at} replaced. */
    public static byte[] withShort(byte[] zip, int at, int value) {
        byte[] out = zip.clone();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) value);
        return out;
    }

    /** The little-endian int at {@code at}. */
    public static int intAt(byte[] zip, int at) {
        return ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).getInt(at);
    }
}
