package dev.dashspark.core.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * The arrays of an {@code .npz} archive (what {@code numpy.savez} and {@code numpy.savez_compressed} write: a zip
 * file of {@code <name>.npy} entries, stored or deflated, ZIP64 when large), read through its central directory, so
 * that one array's header or data can be read without reading the others (on S3: a few ranged requests).
 *
 * <p>Why not {@link java.util.zip.ZipInputStream}: it reads entries in order only (the last array's header costs
 * the whole archive), trusts sizes it only checks after the fact, and its errors ({@code ZipException: unexpected
 * EOF}) name neither the file nor the entry. Why not {@link java.util.zip.ZipFile}: local files only.
 *
 * <p>Checks, each a {@link DataFileException} naming the file and the array: the end-of-central-directory record is
 * present (else the file is not a zip archive, or truncated); the central directory lies inside the file, is at most
 * {@value #MAX_DIRECTORY_BYTES} bytes and lists at most {@value #MAX_ENTRIES} entries; each entry is stored or deflated,
 * not encrypted, named once, and its data lie inside the file; a stored entry's size equals its compressed size; a
 * deflated entry declares at most {@value #MAX_DEFLATE_RATIO} times its compressed size (deflate's limit), so a lying
 * size is refused before anything is allocated. Reading an entry then checks that it yields exactly its declared
 * size and that its CRC-32 matches.
 */
public final class NpzArchive {

    /** The largest central directory read. */
    public static final int MAX_DIRECTORY_BYTES = 1 << 22;

    /** The most entries an archive may list. */
    public static final int MAX_ENTRIES = 4096;

    /** Deflate inflates at most 1032:1. */
    public static final int MAX_DEFLATE_RATIO = 1032;

    private static final int EOCD = 0x06054b50;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int CENTRAL = 0x02014b50;
    private static final int LOCAL = 0x04034b50;
    private static final int BLOCK = 1 << 16;

    /**
     * One entry.
     *
     * @param name               the entry's name, e.g. {@code x_train.npy}
     * @param method             0 (stored) or 8 (deflated)
     * @param crc                the CRC-32 of the uncompressed content
     * @param compressedSize     bytes of the stored or deflated data
     * @param size               bytes of the content
     * @param localHeaderOffset  where its local header starts
     */
    public record Entry(String name, int method, long crc, long compressedSize, long size, long localHeaderOffset) {
        /** The array's name: the entry name without {@code .npy}. */
        public String array() {
            return name.substring(0, name.length() - 4);
        }
    }

    private final RandomAccessInput in;
    private final String file;
    private final long length;
    private final long directoryStart;
    private final Map<String, Entry> arrays;

    private NpzArchive(RandomAccessInput in, String file, long length, long directoryStart, Map<String, Entry> arrays) {
        this.in = in;
        this.file = file;
        this.length = length;
        this.directoryStart = directoryStart;
        this.arrays = arrays;
    }

    /**
     * Reads the central directory of the archive {@code in} (not closed here; it must stay open while entries are
     * read). Entries whose names do not end in {@code .npy} are ignored, as NumPy does.
     *
     * @param file the archive's name, for errors
     */
    public static NpzArchive open(RandomAccessInput in, String file) throws DataFileException {
        try {
            long len = in.length();
            if (len < 22) {
                throw bad(file, null, len == 0 ? "is empty; expected an .npz archive"
                        : "is not an .npz archive (" + len + " bytes, shorter than a zip directory)");
            }
            int tailLen = (int) Math.min(len, 22 + 0xffff);
            byte[] tail = new byte[tailLen];
            in.readFully(len - tailLen, tail, 0, tailLen);
            ByteBuffer t = ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN);
            int at = -1;
            for (int p = tailLen - 22; p >= 0; p--) {
                if (t.getInt(p) == EOCD && p + 22 + (t.getShort(p + 20) & 0xffff) == tailLen) {
                    at = p;
                    break;
                }
            }
            if (at < 0) {
                byte[] head = new byte[6];
                in.readFully(0, head, 0, 6);
                int sig = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt();
                throw bad(file, null, sig == LOCAL
                        ? "is truncated or corrupt: a zip archive without its end-of-central-directory record"
                        : java.util.Arrays.equals(head, NpyHeader.MAGIC)
                        ? "is a single .npy array, not an .npz archive; a task's data is an .npz archive or a"
                        + " directory of .npy files"
                        : "is not an .npz archive (no zip directory; an .npz is what numpy.savez writes)");
            }
            long eocdPos = len - tailLen + at;
            long count = t.getShort(at + 10) & 0xffff;
            long cdSize = t.getInt(at + 12) & 0xffffffffL;
            long cdOffset = t.getInt(at + 16) & 0xffffffffL;
            long cdEnd = eocdPos;
            if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
                if (eocdPos < 20) {
                    throw bad(file, null, "is corrupt: a ZIP64 archive without its ZIP64 locator");
                }
                byte[] loc = new byte[20];
                in.readFully(eocdPos - 20, loc, 0, 20);
                ByteBuffer l = ByteBuffer.wrap(loc).order(ByteOrder.LITTLE_ENDIAN);
                if (l.getInt(0) != ZIP64_LOCATOR) {
                    throw bad(file, null, "is corrupt: a ZIP64 archive without its ZIP64 locator");
                }
                long z = l.getLong(8);
                if (z < 0 || z + 56 > eocdPos) {
                    throw bad(file, null, "is corrupt: its ZIP64 directory record at " + z + " lies outside the file");
                }
                byte[] zr = new byte[56];
                in.readFully(z, zr, 0, 56);
                ByteBuffer zb = ByteBuffer.wrap(zr).order(ByteOrder.LITTLE_ENDIAN);
                if (zb.getInt(0) != ZIP64_EOCD) {
                    throw bad(file, null, "is corrupt: no ZIP64 directory record at " + z);
                }
                count = zb.getLong(32);
                cdSize = zb.getLong(40);
                cdOffset = zb.getLong(48);
                cdEnd = z;
            }
            if (count < 0 || count > MAX_ENTRIES) {
                throw bad(file, null, "lists " + Long.toUnsignedString(count) + " entries, more than "
                        + MAX_ENTRIES);
            }
            if (cdSize < 0 || cdOffset < 0 || cdSize > MAX_DIRECTORY_BYTES || cdOffset + cdSize > cdEnd) {
                throw bad(file, null, "is truncated or corrupt: its central directory (" + Long.toUnsignedString(cdSize)
                        + " bytes at " + Long.toUnsignedString(cdOffset) + ") does not fit the file's "
                        + len + " bytes");
            }
            byte[] cd = new byte[(int) cdSize];
            in.readFully(cdOffset, cd, 0, cd.length);
            return new NpzArchive(in, file, len, cdOffset, entries(ByteBuffer.wrap(cd).order(ByteOrder.LITTLE_ENDIAN),
                    count, cdOffset, file));
        } catch (DataFileException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFileException(null, file, null, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static Map<String, Entry> entries(ByteBuffer cd, long count, long cdOffset, String file)
            throws DataFileException {
        Map<String, Entry> out = new LinkedHashMap<>();
        List<String> seen = new ArrayList<>();
        int p = 0;
        for (long k = 0; k < count; k++) {
            if (p + 46 > cd.limit() || cd.getInt(p) != CENTRAL) {
                throw bad(file, null, "is corrupt: central directory entry " + k + " of " + count + " is malformed");
            }
            int flags = cd.getShort(p + 8) & 0xffff;
            int method = cd.getShort(p + 10) & 0xffff;
            long crc = cd.getInt(p + 16) & 0xffffffffL;
            long csize = cd.getInt(p + 20) & 0xffffffffL;
            long size = cd.getInt(p + 24) & 0xffffffffL;
            int nameLen = cd.getShort(p + 28) & 0xffff;
            int extraLen = cd.getShort(p + 30) & 0xffff;
            int commentLen = cd.getShort(p + 32) & 0xffff;
            long lho = cd.getInt(p + 42) & 0xffffffffL;
            int next = p + 46 + nameLen + extraLen + commentLen;
            if (next > cd.limit()) {
                throw bad(file, null, "is corrupt: central directory entry " + k + " runs past the directory");
            }
            byte[] nb = new byte[nameLen];
            cd.get(p + 46, nb);
            String name = new String(nb, StandardCharsets.UTF_8);
            int e = p + 46 + nameLen;
            int extraEnd = e + extraLen;
            while (e + 4 <= extraEnd) {
                int id = cd.getShort(e) & 0xffff;
                int sz = cd.getShort(e + 2) & 0xffff;
                if (e + 4 + sz > extraEnd) {
                    break;
                }
                if (id == 0x0001) {
                    int q = e + 4;
                    if (size == 0xffffffffL && q + 8 <= e + 4 + sz) {
                        size = cd.getLong(q);
                        q += 8;
                    }
                    if (csize == 0xffffffffL && q + 8 <= e + 4 + sz) {
                        csize = cd.getLong(q);
                        q += 8;
                    }
                    if (lho == 0xffffffffL && q + 8 <= e + 4 + sz) {
                        lho = cd.getLong(q);
                    }
                }
                e += 4 + sz;
            }
            p = next;
            if (!name.endsWith(".npy") || name.endsWith("/")) {
                continue;
            }
            String array = name.substring(0, name.length() - 4);
            if (seen.contains(name)) {
                throw bad(file, array, "the archive holds two entries named '" + name + "'");
            }
            seen.add(name);
            if ((flags & 1) != 0) {
                throw bad(file, array, "the entry is encrypted; encrypted archives are not supported");
            }
            if (method != 0 && method != 8) {
                throw bad(file, array, "the entry uses zip compression method " + method
                        + "; only stored (0) and deflated (8) entries are supported, as numpy.savez writes them");
            }
            if (size < 0 || csize < 0 || lho < 0 || lho + 30 > cdOffset || csize > cdOffset - lho - 30) {
                throw bad(file, array, "the entry's data (" + Long.toUnsignedString(csize) + " bytes at "
                        + Long.toUnsignedString(lho) + ") lie outside the archive's " + cdOffset + " data bytes");
            }
            if (method == 0 && size != csize) {
                throw bad(file, array, "the stored entry declares " + size + " bytes but holds " + csize);
            }
            if (method == 8 && size / MAX_DEFLATE_RATIO > csize + 1) {
                throw bad(file, array, "the entry declares " + size + " bytes, more than its " + csize
                        + " deflated bytes can hold");
            }
            out.put(array, new Entry(name, method, crc, csize, size, lho));
        }
        return Collections.unmodifiableMap(out);
    }

    /** The archive's name, as given. */
    public String file() {
        return file;
    }

    /** The arrays, by name, in archive order. */
    public Map<String, Entry> arrays() {
        return arrays;
    }

    /**
     * The content of {@code entry}, uncompressed. With {@code bulk}, data come through {@link
     * RandomAccessInput#channel} (for reading whole arrays), otherwise through small positional reads (for headers).
     * Reading it to its end checks that it holds exactly {@link Entry#size()} bytes with the declared CRC-32; an
     * early end or a mismatch is a {@link DataFileException} naming the file and the array.
     */
    public InputStream open(Entry entry, boolean bulk) throws DataFileException {
        String array = entry.array();
        try {
            byte[] lh = new byte[30];
            in.readFully(entry.localHeaderOffset(), lh, 0, 30);
            ByteBuffer l = ByteBuffer.wrap(lh).order(ByteOrder.LITTLE_ENDIAN);
            if (l.getInt(0) != LOCAL) {
                throw bad(file, array, "is corrupt: no local zip header at " + entry.localHeaderOffset());
            }
            long data = entry.localHeaderOffset() + 30 + (l.getShort(26) & 0xffff) + (l.getShort(28) & 0xffff);
            if (data + entry.compressedSize() > directoryStart || data + entry.compressedSize() > length) {
                throw bad(file, array, "the entry's " + entry.compressedSize() + " bytes at " + data
                        + " run past the archive's data");
            }
            InputStream raw = bulk ? Channels.newInputStream(in.channel(data, entry.compressedSize()))
                    : in.stream(data, entry.compressedSize(), BLOCK);
            return new CheckedEntryStream(raw, entry, file);
        } catch (DataFileException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFileException(null, file, array, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** The header of the array {@code entry} holds, read from the entry's first bytes. */
    public NpyHeader header(Entry entry) throws DataFileException {
        try (InputStream s = open(entry, false)) {
            NpyHeader h = NpyHeader.read(s, file, entry.array());
            if (h.totalBytes() != entry.size()) {
                throw bad(file, entry.array(), "the array's header declares " + h.describe() + " ("
                        + h.totalBytes() + " bytes with the header) but the archive entry holds " + entry.size()
                        + " bytes");
            }
            return h;
        } catch (DataFileException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFileException(null, file, entry.array(), "cannot be read: " + e.getMessage(), e);
        }
    }

    private static DataFileException bad(String file, String array, String detail) {
        return new DataFileException(null, file, array, detail, null);
    }

    /**
     * An entry's uncompressed content, checked: at most {@code size} bytes come out, and at the end of the entry the
     * count and the CRC-32 must match the directory's.
     */
    private static final class CheckedEntryStream extends InputStream {
        private final InputStream raw;
        private final Inflater inflater;
        private final InputStream content;
        private final Entry entry;
        private final String file;
        private final CRC32 crc = new CRC32();
        private long produced;
        private boolean ended;

        CheckedEntryStream(InputStream raw, Entry entry, String file) {
            this.raw = raw;
            this.entry = entry;
            this.file = file;
            if (entry.method() == 8) {
                this.inflater = new Inflater(true);
                this.content = new InflaterInputStream(raw, inflater, BLOCK);
            } else {
                this.inflater = null;
                this.content = raw;
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (ended) {
                return -1;
            }
            int n;
            try {
                n = content.read(b, off, len);
            } catch (EOFException e) {
                throw bad(file, entry.array(), "is truncated: the compressed data end after " + produced + " of the "
                        + entry.size() + " bytes the archive declares");
            } catch (java.util.zip.ZipException e) {
                throw bad(file, entry.array(), "is corrupt: the compressed data cannot be inflated after "
                        + produced + " bytes (" + e.getMessage() + ")");
            }
            if (n < 0) {
                ended = true;
                if (produced != entry.size()) {
                    throw bad(file, entry.array(), "is truncated: the entry ends after " + produced + " of the "
                            + entry.size() + " bytes the archive declares");
                }
                if (crc.getValue() != entry.crc()) {
                    throw bad(file, entry.array(), "is corrupt: the entry's CRC-32 is "
                            + Long.toHexString(crc.getValue()) + ", the archive declares " + Long.toHexString(entry.crc()));
                }
                return -1;
            }
            produced += n;
            if (produced > entry.size()) {
                throw bad(file, entry.array(), "is corrupt: the entry holds more than the " + entry.size()
                        + " bytes the archive declares");
            }
            crc.update(b, off, n);
            return n;
        }

        @Override
        public void close() throws IOException {
            try {
                raw.close();
            } finally {
                if (inflater != null) {
                    inflater.end();
                }
            }
        }
    }
}
