package dev.dashspark.spark.run;

import dev.dashspark.core.trial.Checkpoints;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A trial's checkpoints on any Hadoop file system (local, HDFS, s3a), under {@code <output>/_checkpoints/<trial_id>/}:
 * one folder per name, holding numbered versions {@code v-<n>}.
 *
 * <p>Atomic per name, on every file system: a write goes to {@code _tmp-<uuid>} in the name's folder and is then
 * renamed to the next version {@code v-<n+1>}, never over an existing file; versions before {@code v-<n>} are deleted
 * after (the previous one stays, for a reader that listed the folder just before). A reader takes the highest
 * version, so it sees the previous blob or the new one, never a part: on the local file
 * system and HDFS a rename is atomic; on S3A a rename is a copy of one object, which appears whole or not at all (and
 * the temporary object itself is only visible once its upload completed). A writer killed before the rename leaves a
 * {@code _tmp-} file that readers ignore; a later write removes it once it is an hour old, {@link #clear} at once. Two writers of one trial
 * (a Spark retry racing a zombie attempt) never corrupt each other: when both pick the same version number one rename
 * fails (HDFS) and it retries with the next number, or the last rename wins whole (the local file system; S3A, whose
 * check that the destination is absent races with the other copy). A read that S3A finds replaced under its open
 * stream reads the latest version again.
 */
public final class HadoopCheckpoints implements Checkpoints {
    /** Blob names: letters, digits, {@code .}, {@code _} and {@code -}, not starting with {@code _} or {@code .}. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9-][A-Za-z0-9._-]*");
    private static final String VERSION = "v-";

    private final FileSystem fs;
    private final Path dir;

    /** The store of trial {@code trialId} under {@code checkpointsRoot} ({@code <output>/_checkpoints}). */
    public HadoopCheckpoints(String checkpointsRoot, String trialId, Configuration conf) throws IOException {
        Path root = new Path(checkpointsRoot);
        FileSystem f = root.getFileSystem(conf);
        this.fs = f instanceof LocalFileSystem l ? l.getRaw() : f; // no .crc files beside the blobs
        this.dir = new Path(root, trialId);
    }

    /** {@code <output>/_checkpoints}: where every trial of a sweep keeps its checkpoints. */
    public static String root(String output) {
        return (output.endsWith("/") ? output : output + "/") + "_checkpoints";
    }

    /** This trial's folder. */
    public Path dir() {
        return dir;
    }

    @Override
    public void write(String name, Writer writer) throws IOException {
        Path folder = folder(name);
        Path tmp = new Path(folder, "_tmp-" + UUID.randomUUID());
        try (OutputStream out = fs.create(tmp, false)) {
            writer.write(out);
        } catch (IOException | RuntimeException e) {
            fs.delete(tmp, false);
            throw new IOException("checkpoints: cannot write '" + name + "' of " + dir + ": " + e.getMessage(), e);
        }
        for (int attempt = 0; ; attempt++) {
            long next = latest(folder) + 1;
            Path dest = new Path(folder, VERSION + next);
            boolean renamed;
            try {
                renamed = fs.rename(tmp, dest);
            } catch (FileAlreadyExistsException e) {
                renamed = false; // S3A says so by throwing: another writer took this version number
            }
            if (renamed) {
                prune(folder, next - 1);
                return;
            }
            if (attempt == 3) {
                fs.delete(tmp, false);
                throw new IOException("checkpoints: cannot commit '" + name + "' of " + dir + ": rename to " + dest
                        + " failed four times");
            }
        }
    }

    @Override
    public <T> Optional<T> read(String name, Reader<T> reader) throws IOException {
        Path folder = folder(name);
        for (int attempt = 0; ; attempt++) {
            long v = latest(folder);
            if (v < 0 && (attempt == 4 || list(folder).length == 0)) {
                return Optional.empty();
            }
            if (v >= 0) {
                try (FSDataInputStream in = fs.open(new Path(folder, VERSION + v))) {
                    return Optional.of(reader.read(in));
                } catch (FileNotFoundException e) {
                    if (attempt == 4) {
                        throw e;
                    }
                    // pruned by two writes while this read listed: list again
                } catch (IOException e) {
                    if (attempt == 4 || !replacedWhileRead(e)) {
                        throw e;
                    }
                    // S3A: two racing writers both copied to this version (S3 has no rename-if-absent), and the
                    // object changed under the open stream; each copy is whole, so read the latest again
                }
            }
        }
    }

    @Override
    public void clear() throws IOException {
        fs.delete(dir, true);
    }

    private Path folder(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("checkpoints: bad name '" + name
                    + "'; expected letters, digits, '.', '_' or '-', not starting with '.' or '_'");
        }
        return new Path(dir, name);
    }

    /** S3A's "the object changed while it was being read" (hadoop-aws is not needed to compile this). */
    private static boolean replacedWhileRead(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getSimpleName().equals("RemoteFileChangedException")) {
                return true;
            }
        }
        return false;
    }

    /** The highest committed version in {@code folder}, or -1. */
    private long latest(Path folder) throws IOException {
        long best = -1;
        for (FileStatus s : list(folder)) {
            long v = version(s.getPath().getName());
            best = Math.max(best, v);
        }
        return best;
    }

    /** Removes versions below {@code keep} and temporary files of writers that died. */
    private void prune(Path folder, long keep) throws IOException {
        for (FileStatus s : list(folder)) {
            String n = s.getPath().getName();
            long v = version(n);
            if ((v >= 0 && v < keep) || (n.startsWith("_tmp-") && s.getModificationTime() < System.currentTimeMillis() - 3_600_000L)) {
                fs.delete(s.getPath(), false);
            }
        }
    }

    private FileStatus[] list(Path folder) throws IOException {
        try {
            return fs.listStatus(folder);
        } catch (FileNotFoundException e) {
            return new FileStatus[0];
        }
    }

    private static long version(String fileName) {
        if (!fileName.startsWith(VERSION)) {
            return -1;
        }
        try {
            return Long.parseLong(fileName.substring(VERSION.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
