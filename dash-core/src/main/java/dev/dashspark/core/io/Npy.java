package dev.dashspark.core.io;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads NumPy {@code .npy} arrays and {@code .npz} archives (stored or deflated) from any input stream, so the same
 * code reads local files and Hadoop file systems. Supports little- and big-endian float64, float32, int64, int32,
 * int16, int8, uint8 and bool, C or Fortran order, and 0-d arrays (which ND4J's own reader rejects).
 * Errors name the source and the offending header field.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** All arrays of an .npz archive, by name (without the {@code .npy} suffix), in archive order. */
    public static Map<String, INDArray> readNpz(InputStream in, String source) throws IOException {
        Map<String, INDArray> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String name = e.getName();
                if (!name.endsWith(".npy")) {
                    continue;
                }
                String key = name.substring(0, name.length() - 4);
                out.put(key, readNpy(zip, source + "[" + key + "]"));
            }
        }
        if (out.isEmpty()) {
            throw new IOException(source + ": not an .npz archive (no .npy entries)");
        }
        return out;
    }

    /** One .npy array. Does not close the stream. */
    public static INDArray readNpy(InputStream raw, String source) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        byte[] magic = new byte[6];
        in.readFully(magic);
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic[i] != MAGIC[i]) {
                throw new IOException(source + ": not a .npy array (bad magic)");
            }
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        long headerLen;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
        } else if (major == 2 || major == 3) {
            headerLen = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
        } else {
            throw new IOException(source + ": unsupported .npy version " + major);
        }
        byte[] hb = new byte[(int) headerLen];
        in.readFully(hb);
        String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, "descr", source);
        boolean fortran = "True".equals(group(FORTRAN, header, "fortran_order", source));
        long[] shape = parseShape(group(SHAPE, header, "shape", source), source);
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (n > Integer.MAX_VALUE / 8) {
            throw new IOException(source + ": array of " + n + " elements is too large for one buffer");
        }
        ByteOrder order = switch (descr.charAt(0)) {
            case '<', '|', '=' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            default -> throw new IOException(source + ": unsupported descr '" + descr + "'");
        };
        String kind = descr.substring(1);
        int width = switch (kind) {
            case "f8", "i8" -> 8;
            case "f4", "i4" -> 4;
            case "i2" -> 2;
            case "i1", "u1", "b1" -> 1;
            default -> throw new IOException(source + ": unsupported dtype '" + descr
                    + "' (expected float64/32, int64/32/16/8, uint8 or bool)");
        };
        byte[] data = new byte[(int) (n * width)];
        in.readFully(data);
        ByteBuffer bb = ByteBuffer.wrap(data).order(order);
        INDArray flat = switch (kind) {
            case "f8" -> {
                double[] v = new double[(int) n];
                bb.asDoubleBuffer().get(v);
                yield Nd4j.createFromArray(v);
            }
            case "f4" -> {
                float[] v = new float[(int) n];
                bb.asFloatBuffer().get(v);
                yield Nd4j.createFromArray(v);
            }
            case "i8" -> {
                long[] v = new long[(int) n];
                bb.asLongBuffer().get(v);
                yield Nd4j.createFromArray(v);
            }
            case "i4" -> {
                int[] v = new int[(int) n];
                bb.asIntBuffer().get(v);
                yield Nd4j.createFromArray(v);
            }
            case "i2" -> {
                int[] v = new int[(int) n];
                for (int i = 0; i < n; i++) {
                    v[i] = bb.getShort();
                }
                yield Nd4j.createFromArray(v);
            }
            case "i1" -> {
                int[] v = new int[(int) n];
                for (int i = 0; i < n; i++) {
                    v[i] = data[i];
                }
                yield Nd4j.createFromArray(v);
            }
            default -> { // u1, b1
                int[] v = new int[(int) n];
                for (int i = 0; i < n; i++) {
                    v[i] = data[i] & 0xff;
                }
                yield Nd4j.createFromArray(v);
            }
        };
        if (shape.length == 0) {
            return flat.reshape(new long[0]);
        }
        if (!fortran) {
            return flat.reshape('c', shape);
        }
        return flat.reshape('f', shape).dup('c');
    }

    /** Reads all bytes then an .npy array: convenience for tests. */
    public static INDArray readNpy(byte[] bytes, String source) throws IOException {
        return readNpy(new java.io.ByteArrayInputStream(bytes), source);
    }

    /**
     * Writes named arrays as an .npz archive ({@code <name>.npy} entries, deflated like
     * {@code numpy.savez_compressed}), in the map's order.
     */
    public static byte[] toNpz(java.util.Map<String, INDArray> arrays) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            for (java.util.Map.Entry<String, INDArray> e : arrays.entrySet()) {
                zip.putNextEntry(new java.util.zip.ZipEntry(e.getKey() + ".npy"));
                zip.write(toNpy(e.getValue()));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("toNpz: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /** Writes one array as .npy v1 (float64 / float32 / int64 / int32), C order: used by tests and the task generator. */
    public static byte[] toNpy(INDArray a) {
        INDArray c = a.dup('c');
        String descr = switch (c.dataType()) {
            case DOUBLE -> "<f8";
            case FLOAT -> "<f4";
            case LONG -> "<i8";
            case INT -> "<i4";
            default -> throw new IllegalArgumentException("toNpy: unsupported data type " + c.dataType());
        };
        StringBuilder shape = new StringBuilder();
        for (long s : c.shape()) {
            shape.append(s).append(", ");
        }
        String sh = c.rank() == 1 ? c.size(0) + "," : shape.length() == 0 ? "" : shape.substring(0, shape.length() - 2);
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + sh + "), }";
        int total = 10 + header.length() + 1;
        int padding = (64 - total % 64) % 64;
        header = header + " ".repeat(padding) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.write(1);
        out.write(0);
        out.write(header.length() & 0xff);
        out.write((header.length() >> 8) & 0xff);
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer bb = ByteBuffer.allocate((int) (c.length() * c.dataType().width())).order(ByteOrder.LITTLE_ENDIAN);
        switch (c.dataType()) {
            case DOUBLE -> bb.asDoubleBuffer().put(c.data().asDouble());
            case FLOAT -> bb.asFloatBuffer().put(c.data().asFloat());
            case LONG -> bb.asLongBuffer().put(c.data().asLong());
            default -> bb.asIntBuffer().put(c.data().asInt());
        }
        out.writeBytes(bb.array());
        return out.toByteArray();
    }

    private static String group(Pattern p, String header, String field, String source) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(source + ": .npy header has no valid '" + field + "': " + header.trim());
        }
        return m.group(1);
    }

    private static long[] parseShape(String s, String source) throws IOException {
        String t = s.trim();
        if (t.isEmpty()) {
            return new long[0];
        }
        String[] parts = t.split(",");
        int count = 0;
        long[] shape = new long[parts.length];
        for (String part : parts) {
            String q = part.trim();
            if (q.isEmpty()) {
                continue;
            }
            try {
                shape[count++] = Long.parseLong(q);
            } catch (NumberFormatException e) {
                throw new IOException(source + ": bad shape '(" + s + ")' in .npy header");
            }
        }
        return java.util.Arrays.copyOf(shape, count);
    }
}
