package dev.dashspark.core.task;

import dev.dashspark.core.io.DataFileException;
import dev.dashspark.core.io.NpyHeader;
import dev.dashspark.core.io.NpzArchive;
import dev.dashspark.core.io.RandomAccessInput;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arrays of one task's data, wherever a {@link DataSource} reaches: an {@code .npz} archive ({@link #npz}) or a
 * directory of {@code <array>.npy} files ({@link #npyDirectory}). {@link #headers()} reads only what describes the
 * arrays (the zip directory and each array's header: a few small reads); {@link #data} then streams one array's
 * data. Only the six task arrays ({@link TaskLayout#REQUIRED}, {@link TaskLayout#OPTIONAL}) are looked at.
 *
 * <p>Sizes are checked against the bytes present before anything is read in bulk: an {@code .npy} file must be
 * exactly as long as its header says (header plus data), an archive entry exactly as large
 * ({@link NpzArchive#header}).
 */
public abstract class TaskFiles implements Closeable {

    private static final int HEADER_BLOCK = 1 << 14;

    private final String container;
    private Map<String, NpyHeader> headers;

    private TaskFiles(String container) {
        this.container = container;
    }

    /** The archive {@code name} in {@code dir}; {@code display} names it in errors (e.g. the path as configured). */
    public static TaskFiles npz(DataSource dir, String name, String display) {
        return new Npz(dir, name, display);
    }

    /** The {@code .npy} files of {@code dir}; {@code display} names the directory in errors. */
    public static TaskFiles npyDirectory(DataSource dir, String display) {
        return new NpyDirectory(dir, display);
    }

    /** The file or directory, as given. */
    public String container() {
        return container;
    }

    /** The file holding {@code array}: the archive, or {@code <directory>/<array>.npy}. */
    public abstract String fileOf(String array);

    /** Arrays found that are not task arrays (an archive's other entries), for errors about missing ones. */
    public List<String> otherArrays() {
        return List.of();
    }

    /** The headers of the task arrays present, read once, by name. */
    public Map<String, NpyHeader> headers() throws DataFileException {
        if (headers == null) {
            headers = Collections.unmodifiableMap(readHeaders());
        }
        return headers;
    }

    /**
     * The data of {@code array}, positioned at its first data byte and holding exactly its data bytes (an archive
     * entry also checks its size and CRC-32 when read to the end). The caller closes it.
     */
    public abstract InputStream data(String array) throws DataFileException;

    abstract Map<String, NpyHeader> readHeaders() throws DataFileException;

    static DataFileException unreadable(String file, String array, IOException e) {
        if (e instanceof DataFileException d) {
            return d;
        }
        if (e instanceof java.io.FileNotFoundException) {
            return new DataFileException(null, file, array, "does not exist", e);
        }
        return new DataFileException(null, file, array, "cannot be read: " + e.getMessage(), e);
    }

    private static final class Npz extends TaskFiles {
        private final DataSource dir;
        private final String name;
        private RandomAccessInput input;
        private NpzArchive archive;

        Npz(DataSource dir, String name, String display) {
            super(display);
            this.dir = dir;
            this.name = name;
        }

        @Override
        public String fileOf(String array) {
            return container();
        }

        @Override
        Map<String, NpyHeader> readHeaders() throws DataFileException {
            try {
                input = dir.openRandom(name);
            } catch (IOException e) {
                throw unreadable(container(), null, e);
            }
            archive = NpzArchive.open(input, container());
            Map<String, NpyHeader> out = new LinkedHashMap<>();
            for (String a : TaskLayout.ARRAYS) {
                NpzArchive.Entry e = archive.arrays().get(a);
                if (e != null) {
                    out.put(a, archive.header(e));
                }
            }
            return out;
        }

        @Override
        public List<String> otherArrays() {
            return archive == null ? List.of()
                    : archive.arrays().keySet().stream().filter(a -> !TaskLayout.ARRAYS.contains(a)).toList();
        }

        @Override
        public InputStream data(String array) throws DataFileException {
            NpyHeader h = headers().get(array);
            if (h == null) {
                throw new IllegalArgumentException(container() + ": no array " + array);
            }
            InputStream s = archive.open(archive.arrays().get(array), true);
            try {
                int skipped = s.readNBytes(h.dataOffset()).length;
                if (skipped < h.dataOffset()) {
                    throw new DataFileException(null, container(), array, "is truncated in its header", null);
                }
                return s;
            } catch (IOException e) {
                try {
                    s.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw unreadable(container(), array, e);
            }
        }

        @Override
        public void close() throws IOException {
            if (input != null) {
                input.close();
            }
        }
    }

    private static final class NpyDirectory extends TaskFiles {
        private final DataSource dir;
        private final Map<String, RandomAccessInput> inputs = new LinkedHashMap<>();

        NpyDirectory(DataSource dir, String display) {
            super(display);
            this.dir = dir;
        }

        @Override
        public String fileOf(String array) {
            return container() + "/" + array + ".npy";
        }

        @Override
        Map<String, NpyHeader> readHeaders() throws DataFileException {
            Map<String, NpyHeader> out = new LinkedHashMap<>();
            for (String a : TaskLayout.ARRAYS) {
                String file = fileOf(a);
                try {
                    RandomAccessInput in;
                    try {
                        in = dir.openRandom(a + ".npy");
                    } catch (java.io.FileNotFoundException absent) {
                        continue;
                    }
                    inputs.put(a, in);
                    long len = in.length();
                    NpyHeader h;
                    try (InputStream s = in.stream(0, Math.min(len, NpyHeader.MAX_HEADER_BYTES + 12), HEADER_BLOCK)) {
                        h = NpyHeader.read(s, file, a);
                    }
                    if (h.totalBytes() != len) {
                        throw new DataFileException(null, file, a, (len < h.totalBytes() ? "is truncated: " : "is corrupt: ")
                                + "its header declares " + h.describe() + ", " + h.totalBytes()
                                + " bytes with the header, but the file has " + len, null);
                    }
                    out.put(a, h);
                } catch (IOException e) {
                    throw unreadable(file, a, e);
                }
            }
            return out;
        }

        @Override
        public InputStream data(String array) throws DataFileException {
            NpyHeader h = headers().get(array);
            if (h == null) {
                throw new IllegalArgumentException(container() + ": no array " + array);
            }
            try {
                return Channels.newInputStream(inputs.get(array).channel(h.dataOffset(), h.dataBytes()));
            } catch (IOException e) {
                throw unreadable(fileOf(array), array, e);
            }
        }

        @Override
        public void close() throws IOException {
            List<IOException> errors = new ArrayList<>();
            for (RandomAccessInput in : inputs.values()) {
                try {
                    in.close();
                } catch (IOException e) {
                    errors.add(e);
                }
            }
            if (!errors.isEmpty()) {
                throw errors.get(0);
            }
        }
    }
}
