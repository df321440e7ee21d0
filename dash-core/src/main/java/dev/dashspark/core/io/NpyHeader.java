package dev.dashspark.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of one {@code .npy} array: what its data are, and where they start.
 *
 * <p>Format (NumPy's {@code numpy.lib.format}, versions 1.0, 2.0 and 3.0): the magic {@code \x93NUMPY}, the major and
 * minor version bytes, the header length (little-endian, 2 bytes in version 1, 4 in versions 2 and 3), then the
 * header: a Python dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }} padded with
 * spaces and ended by a newline (Latin-1; UTF-8 in version 3). The data follow: {@code prod(shape)} elements in C or
 * Fortran order.
 *
 * <p>{@link #read} trusts nothing it reads. The header may be at most {@value #MAX_HEADER_BYTES} bytes (NumPy's own
 * default {@code max_header_size}), so a corrupt length never allocates more; the dict must have exactly the keys
 * {@code descr}, {@code fortran_order} and {@code shape}; the dtype must be one of {@link NpyDtype} with a byte order
 * of {@code <}, {@code >} or {@code |}; dimensions must be non-negative, at most {@value #MAX_RANK} of them (ND4J's
 * limit), and the element count and byte size must fit a {@code long} (computed with overflow checks). Each failure is a
 * {@link DataFileException} naming the file, the array and the field.
 *
 * @param dtype        the element type
 * @param order        the byte order of multi-byte elements
 * @param fortranOrder whether the data are in Fortran (column-major) order
 * @param shape        the dimensions (empty for a 0-d array)
 * @param dataOffset   bytes from the start of the {@code .npy} to its first data byte (magic and header included)
 * @param elements     the product of the dimensions
 * @param dataBytes    {@code elements × dtype.width()}
 */
public record NpyHeader(NpyDtype dtype, ByteOrder order, boolean fortranOrder, long[] shape, int dataOffset,
                        long elements, long dataBytes) {

    /** The longest header read (NumPy's default {@code max_header_size}). */
    public static final int MAX_HEADER_BYTES = 10_000;

    /** The most dimensions an array may have (ND4J's limit). */
    public static final int MAX_RANK = 32;

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    public NpyHeader {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Dimension {@code i}. */
    public long dim(int i) {
        return shape[i];
    }

    /** The total size of the {@code .npy}: header and data. */
    public long totalBytes() {
        return dataOffset + dataBytes;
    }

    /** E.g. {@code float32 [71753, 4, 1000]}, with {@code , Fortran order} when it is. */
    public String describe() {
        return dtype.numpyName() + " " + Arrays.toString(shape) + (fortranOrder ? ", Fortran order" : "");
    }

    /** The index (one coordinate per dimension) of the {@code element}-th element in file order. */
    public long[] indexOf(long element) {
        long[] idx = new long[shape.length];
        long rest = element;
        if (fortranOrder) {
            for (int d = 0; d < shape.length; d++) {
                idx[d] = rest % shape[d];
                rest /= shape[d];
            }
        } else {
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rest % shape[d];
                rest /= shape[d];
            }
        }
        return idx;
    }

    /**
     * A header for writing: version 1.0, padded so that the data start on a 64-byte boundary, as NumPy writes it.
     */
    public static NpyHeader of(NpyDtype dtype, ByteOrder order, boolean fortranOrder, long... shape) {
        long n = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("shape: negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, s);
        }
        int offset = 10 + dict(dtype, order, fortranOrder, shape).length() + 1;
        offset += (64 - offset % 64) % 64;
        return new NpyHeader(dtype, order, fortranOrder, shape, offset, n, Math.multiplyExact(n, dtype.width()));
    }

    /** The bytes of this header as NumPy writes them (version 1.0, padded to {@link #dataOffset()}). */
    public byte[] toBytes() {
        String dict = dict(dtype, order, fortranOrder, shape);
        int len = dataOffset - 10;
        if (len > 0xffff || len < dict.length() + 1) {
            throw new IllegalStateException("header of " + len + " bytes does not fit version 1.0");
        }
        byte[] out = new byte[dataOffset];
        System.arraycopy(MAGIC, 0, out, 0, 6);
        out[6] = 1;
        out[7] = 0;
        out[8] = (byte) len;
        out[9] = (byte) (len >>> 8);
        String padded = dict + " ".repeat(len - dict.length() - 1) + "\n";
        System.arraycopy(padded.getBytes(StandardCharsets.ISO_8859_1), 0, out, 10, len);
        return out;
    }

    private static String dict(NpyDtype dtype, ByteOrder order, boolean fortranOrder, long[] shape) {
        StringBuilder s = new StringBuilder();
        for (long d : shape) {
            s.append(d).append(", ");
        }
        String sh = shape.length == 0 ? "" : shape.length == 1 ? shape[0] + "," : s.substring(0, s.length() - 2);
        return "{'descr': '" + dtype.descr(order) + "', 'fortran_order': " + (fortranOrder ? "True" : "False")
                + ", 'shape': (" + sh + "), }";
    }

    /**
     * Reads a header from {@code in}, leaving the stream at the first data byte (not closed).
     *
     * @param file  the file, for errors
     * @param array the array, for errors (may be {@code null})
     * @throws DataFileException for anything but a well-formed header of a supported dtype; an {@link IOException} of
     *                           the stream itself is wrapped, naming the file and array
     */
    public static NpyHeader read(InputStream in, String file, String array) throws DataFileException {
        try {
            byte[] pre = new byte[8];
            int got = in.readNBytes(pre, 0, 8);
            if (got < 8) {
                throw bad(file, array, got == 0 ? "is empty; expected an .npy array"
                        : "is truncated: " + got + " bytes, shorter than the 8-byte .npy preamble");
            }
            for (int i = 0; i < MAGIC.length; i++) {
                if (pre[i] != MAGIC[i]) {
                    throw bad(file, array, "is not an .npy array (it does not start with \\x93NUMPY)");
                }
            }
            int major = pre[6] & 0xff;
            int minor = pre[7] & 0xff;
            if (major < 1 || major > 3 || minor != 0) {
                throw bad(file, array, "unsupported .npy format version " + major + "." + minor
                        + " (expected 1.0, 2.0 or 3.0)");
            }
            int lenBytes = major == 1 ? 2 : 4;
            byte[] lb = readFully(in, lenBytes, file, array, "header length");
            long len = 0;
            for (int i = lenBytes - 1; i >= 0; i--) {
                len = (len << 8) | (lb[i] & 0xff);
            }
            if (len > MAX_HEADER_BYTES) {
                throw bad(file, array, "the .npy header declares " + len + " bytes, more than the "
                        + MAX_HEADER_BYTES + " NumPy accepts");
            }
            byte[] hb = readFully(in, (int) len, file, array, "header");
            String text = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            return parse(text, 8 + lenBytes + (int) len, file, array);
        } catch (DataFileException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFileException(null, file, array, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static byte[] readFully(InputStream in, int n, String file, String array, String what)
            throws IOException {
        byte[] b = new byte[n];
        int got = in.readNBytes(b, 0, n);
        if (got < n) {
            throw bad(file, array, "is truncated in its " + what + " (" + got + " of " + n + " bytes)");
        }
        return b;
    }

    static NpyHeader parse(String text, int dataOffset, String file, String array) throws DataFileException {
        Map<String, Object> dict;
        try {
            dict = new DictParser(text).parse();
        } catch (IllegalArgumentException e) {
            throw bad(file, array, "malformed .npy header: " + e.getMessage() + " in " + quote(text));
        }
        if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
            throw bad(file, array, "the .npy header must have exactly the keys descr, fortran_order and shape; found "
                    + dict.keySet());
        }
        Object descr = dict.get("descr");
        if (!(descr instanceof String d)) {
            throw bad(file, array, "structured dtypes are not supported (descr " + quote(String.valueOf(descr))
                    + "); expected one of " + NpyDtype.names());
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw bad(file, array, "fortran_order must be True or False, found " + dict.get("fortran_order"));
        }
        if (!(dict.get("shape") instanceof long[] shape)) {
            throw bad(file, array, "shape must be a tuple of integers, found " + dict.get("shape"));
        }
        ByteOrder order;
        NpyDtype dtype = null;
        char o = d.isEmpty() ? '?' : d.charAt(0);
        order = o == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        if (d.length() >= 3 && (o == '<' || o == '>' || o == '|')) {
            try {
                dtype = NpyDtype.of(d.charAt(1), Integer.parseInt(d.substring(2)));
            } catch (NumberFormatException e) {
                dtype = null;
            }
        }
        if (dtype == null) {
            throw bad(file, array, "unsupported dtype '" + d + "'; expected one of " + NpyDtype.names()
                    + " with byte order '<', '>' or '|'");
        }
        if (o == '|' && dtype.width() > 1) {
            throw bad(file, array, "dtype '" + d + "' has " + dtype.width() + "-byte elements but no byte order");
        }
        if (shape.length > MAX_RANK) {
            throw bad(file, array, "shape has " + shape.length + " dimensions, more than " + MAX_RANK);
        }
        long n = 1;
        for (long s : shape) {
            if (s < 0) {
                throw bad(file, array, "shape " + Arrays.toString(shape) + " has a negative dimension");
            }
        }
        try {
            for (long s : shape) {
                n = Math.multiplyExact(n, s);
            }
            long bytes = Math.multiplyExact(n, dtype.width());
            Math.addExact(bytes, dataOffset);
            return new NpyHeader(dtype, order, fortran, shape, dataOffset, n, bytes);
        } catch (ArithmeticException e) {
            throw bad(file, array, "shape " + Arrays.toString(shape) + " of " + dtype.numpyName()
                    + " has more bytes than a 64-bit size can count");
        }
    }

    private static DataFileException bad(String file, String array, String detail) {
        return new DataFileException(null, file, array, detail, null);
    }

    private static String quote(String s) {
        String t = s.strip();
        return "'" + (t.length() > 200 ? t.substring(0, 200) + "…" : t) + "'";
    }

    /**
     * The subset of Python literals an {@code .npy} header uses: a dict of string keys whose values are strings,
     * {@code True}/{@code False}, tuples of integers (a trailing {@code L} of Python 2 allowed) or lists (structured
     * dtypes, returned as a marker list to be refused).
     */
    private static final class DictParser {
        private final String s;
        private int i;

        DictParser(String s) {
            this.s = s;
        }

        Map<String, Object> parse() {
            Map<String, Object> out = new LinkedHashMap<>();
            ws();
            expect('{');
            ws();
            while (peek() != '}') {
                String key = string();
                ws();
                expect(':');
                ws();
                if (out.put(key, value()) != null) {
                    throw new IllegalArgumentException("duplicate key '" + key + "'");
                }
                ws();
                if (peek() == ',') {
                    i++;
                    ws();
                } else if (peek() != '}') {
                    throw new IllegalArgumentException("expected ',' or '}' at offset " + i);
                }
            }
            i++;
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\0') {
                    throw new IllegalArgumentException("unexpected '" + c + "' after the dict");
                }
            }
            return out;
        }

        private Object value() {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (s.startsWith("True", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (c == '(') {
                return tuple();
            }
            if (c == '[') {
                skipBrackets();
                return List.of("structured");
            }
            throw new IllegalArgumentException("unexpected value at offset " + i);
        }

        private long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            ws();
            while (peek() != ')') {
                int start = i;
                if (peek() == '-' || peek() == '+') {
                    i++;
                }
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                String num = s.substring(start, i);
                if (i < s.length() && (s.charAt(i) == 'L' || s.charAt(i) == 'l')) {
                    i++;
                }
                try {
                    dims.add(Long.parseLong(num));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("shape entry '" + (num.isEmpty() ? peekString() : num)
                            + "' is not an integer" + (num.isEmpty() ? "" : " that fits 64 bits"));
                }
                ws();
                if (peek() == ',') {
                    i++;
                    ws();
                } else if (peek() != ')') {
                    throw new IllegalArgumentException("expected ',' or ')' in shape at offset " + i);
                }
            }
            i++;
            long[] out = new long[dims.size()];
            for (int k = 0; k < out.length; k++) {
                out[k] = dims.get(k);
            }
            return out;
        }

        private void skipBrackets() {
            int depth = 0;
            do {
                char c = peek();
                if (c == '[') {
                    depth++;
                } else if (c == ']') {
                    depth--;
                }
                i++;
            } while (depth > 0);
        }

        private String string() {
            char q = peek();
            if (q != '\'' && q != '"') {
                throw new IllegalArgumentException("expected a quoted string at offset " + i);
            }
            int end = s.indexOf(q, i + 1);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated string at offset " + i);
            }
            String v = s.substring(i + 1, end);
            i = end + 1;
            return v;
        }

        private String peekString() {
            return s.substring(i, Math.min(s.length(), i + 10));
        }

        private void ws() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n'
                    || s.charAt(i) == '\r')) {
                i++;
            }
        }

        private char peek() {
            if (i >= s.length()) {
                throw new IllegalArgumentException("the header ends early");
            }
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at offset " + i + ", found '" + peek() + "'");
            }
            i++;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && dtype == h.dtype && order.equals(h.order) && fortranOrder == h.fortranOrder
                && Arrays.equals(shape, h.shape) && dataOffset == h.dataOffset;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(dtype, order, fortranOrder, Arrays.hashCode(shape), dataOffset);
    }

    @Override
    public String toString() {
        return "NpyHeader[" + dtype.descr(order) + " " + describe() + ", data at " + dataOffset + "]";
    }
}
