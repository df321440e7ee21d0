package dev.dashspark.spark.data;

import dev.dashspark.core.io.RandomAccessInput;
import dev.dashspark.core.task.DataSource;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.ExecutionException;

/**
 * A {@link DataSource} over a directory of any Hadoop {@link FileSystem} ({@code file:}, {@code hdfs:},
 * {@code s3a:}, ...): {@code open(name)} reads {@code dir/name}. A directory without a scheme is a local path
 * ({@code file:}), whatever {@code fs.defaultFS} says; see {@link #qualify(String)}.
 *
 * <p>Names are relative paths below the directory, {@code /}-separated; a name that is empty, absolute, has a
 * scheme, or has an empty, {@code .} or {@code ..} segment is rejected with an {@link IllegalArgumentException}
 * naming it and the directory (like {@link dev.dashspark.core.task.LocalDataSource}).
 *
 * <p>{@link #openRandom} serves the two kinds of reads of task data differently: small reads at a position (zip
 * directories, array headers) go through one stream opened with the input policy {@value #RANDOM_POLICY_KEY}
 * {@code = random}, so that on S3 each is a ranged GET of at most {@code fs.s3a.readahead.range} (64 KiB by default)
 * beyond what is asked, never a download of the file; bulk reads of an array's data open their own stream at the
 * array's offset with the file system's default (sequential) policy. Other file systems ignore the option.
 *
 * <p>The {@link FileSystem} comes from Hadoop's cache ({@link Path#getFileSystem}); it is shared and not closed
 * here.
 */
public final class HadoopDataSource implements DataSource {

    private static final int BUFFER = 1 << 16;

    /** The S3A open option choosing ranged reads (Hadoop 3.3's name for it). */
    public static final String RANDOM_POLICY_KEY = "fs.s3a.experimental.input.fadvise";

    private final Path dir;
    private final FileSystem fs;
    private final String describe;

    /**
     * @param dir  the directory: a URI such as {@code s3a://bucket/tasks/ecg}, {@code hdfs://nn/data}, or a local
     *             path
     * @param conf the Hadoop configuration (credentials, endpoints); must not be {@code null}
     * @throws IOException if the file system of {@code dir} cannot be created (unknown scheme, bad settings)
     */
    public HadoopDataSource(String dir, Configuration conf) throws IOException {
        if (dir == null || dir.isBlank()) {
            throw new IllegalArgumentException("dir: must not be blank");
        }
        if (conf == null) {
            throw new IllegalArgumentException("conf: must not be null");
        }
        this.dir = qualify(dir);
        try {
            this.fs = this.dir.getFileSystem(conf);
        } catch (IOException e) {
            throw new IOException(dir + ": cannot open its file system: " + e.getMessage(), e);
        }
        String d = dir.strip();
        this.describe = d.length() > 1 && d.endsWith("/") && !d.endsWith(":/") && !d.endsWith("//")
                ? d.substring(0, d.length() - 1) : d;
    }

    /**
     * {@code location} as a Hadoop path: as is when it has a scheme ({@code s3a://b/k}, {@code file:/x},
     * {@code hdfs://nn/x}); otherwise an absolute {@code file:} path (relative paths against the working directory).
     */
    public static Path qualify(String location) {
        String s = location.strip();
        URI uri;
        try {
            uri = new Path(s).toUri();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + location + "' is not a valid path: " + e.getMessage(), e);
        }
        if (uri.getScheme() != null) {
            // "s3a://bucket" has an empty path; give it the root so that children resolve below it
            return uri.getPath() == null || uri.getPath().isEmpty()
                    ? new Path(uri.getScheme(), uri.getAuthority(), "/") : new Path(uri);
        }
        return new Path("file", null, java.nio.file.Path.of(s).toAbsolutePath().normalize().toString());
    }

    /** The directory, qualified with its scheme. */
    public Path dir() {
        return dir;
    }

    /** The file system the directory lives on. */
    public FileSystem fileSystem() {
        return fs;
    }

    /** The path of {@code name} in this directory. */
    public Path resolve(String name) {
        checkName(name);
        return new Path(dir, name);
    }

    @Override
    public InputStream open(String name) throws IOException {
        Path p = resolve(name);
        try {
            return new BufferedInputStream(fs.open(p, BUFFER), BUFFER);
        } catch (FileNotFoundException e) {
            throw notFound(name, e);
        } catch (IOException e) {
            throw new IOException(where(name) + ": cannot be opened: " + e.getMessage(), e);
        }
    }

    @Override
    public RandomAccessInput openRandom(String name) throws IOException {
        Path p = resolve(name);
        FileStatus st;
        try {
            st = fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
            throw notFound(name, e);
        } catch (IOException e) {
            throw new IOException(where(name) + ": cannot be checked: " + e.getMessage(), e);
        }
        if (!st.isFile()) {
            throw new FileNotFoundException(where(name) + " is not a file");
        }
        return new Input(p, st, where(name));
    }

    /** One file: positional reads through one random-policy stream, bulk reads through streams of their own. */
    private final class Input implements RandomAccessInput {
        private final Path path;
        private final FileStatus status;
        private final String where;
        private FSDataInputStream positional;

        Input(Path path, FileStatus status, String where) {
            this.path = path;
            this.status = status;
            this.where = where;
        }

        @Override
        public long length() {
            return status.getLen();
        }

        @Override
        public synchronized void readFully(long position, byte[] b, int off, int len) throws IOException {
            if (position + len > status.getLen()) {
                throw new java.io.EOFException(where + ": ends at byte " + status.getLen() + ", before "
                        + (position + len));
            }
            if (positional == null) {
                try {
                    positional = fs.openFile(path).opt(RANDOM_POLICY_KEY, "random").withFileStatus(status).build()
                            .get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException(where + ": interrupted while opening");
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    throw c instanceof IOException io ? io : new IOException(where + ": cannot be opened: " + c, c);
                }
            }
            positional.readFully(position, b, off, len);
        }

        @Override
        public ReadableByteChannel channel(long position, long length) throws IOException {
            FSDataInputStream in = fs.open(path, BUFFER);
            try {
                in.seek(position);
            } catch (IOException e) {
                in.close();
                throw e;
            }
            return Channels.newChannel(new java.io.FilterInputStream(in) {
                private long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int r = super.read();
                    if (r >= 0) {
                        left--;
                    }
                    return r;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int r = super.read(b, off, (int) Math.min(len, left));
                    if (r > 0) {
                        left -= r;
                    }
                    return r;
                }
            });
        }

        @Override
        public synchronized void close() throws IOException {
            if (positional != null) {
                positional.close();
                positional = null;
            }
        }
    }

    @Override
    public boolean exists(String name) throws IOException {
        Path p = resolve(name);
        try {
            FileStatus st = fs.getFileStatus(p);
            return st.isFile();
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new IOException(where(name) + ": cannot be checked: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public String toString() {
        return "HadoopDataSource[" + describe + "]";
    }

    private FileNotFoundException notFound(String name, FileNotFoundException cause) {
        FileNotFoundException f = new FileNotFoundException(where(name) + " does not exist");
        f.initCause(cause);
        return f;
    }

    private String where(String name) {
        return describe + "/" + name;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("name: must not be empty (directory " + describe + ")");
        }
        boolean bad = name.startsWith("/") || name.contains("\\") || name.contains(":");
        if (!bad) {
            for (String seg : name.split("/", -1)) {
                if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                    bad = true;
                    break;
                }
            }
        }
        if (bad) {
            throw new IllegalArgumentException("name: '" + name + "' leaves the directory " + describe
                    + " (names are relative paths below it, without '.', '..' or empty segments)");
        }
    }
}
