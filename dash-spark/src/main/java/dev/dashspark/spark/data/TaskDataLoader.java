package dev.dashspark.spark.data;

import dev.dashspark.core.task.SyntheticTasks;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskDataReader;
import dev.dashspark.core.task.TaskSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a task's data wherever its {@link TaskSpec#dataPath()} points: a local path, or any Hadoop file system URI
 * ({@code file:}, {@code hdfs:}, {@code s3a:}, ...). The path is an {@code .npz} archive or a directory of
 * {@code .npy} files ({@link TaskDataReader}); a path without a scheme is a local file
 * ({@link HadoopDataSource#qualify}). Synthetic tasks are generated from the seed instead.
 *
 * <p>{@link #checkReadable} is the driver's early check, before any job starts; {@link #load} is what an executor
 * calls (through {@link DatasetCache}, so that trials of one task on one executor read the file once).
 */
public final class TaskDataLoader {

    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private TaskDataLoader() {
    }

    /**
     * The task's data: {@link SyntheticTasks#generate(TaskSpec, long)} for a synthetic task, else read from its data
     * path (a directory → {@link TaskDataReader#readNpyFiles}, a file → {@link TaskDataReader#readNpz}).
     *
     * @param seed only used by synthetic tasks
     * @throws IOException naming the task, key {@code data} and the path when it does not exist or cannot be read,
     *                     e.g. {@code task 'ecg': data: s3a://bucket/ecg.npz does not exist}
     * @throws IllegalArgumentException when the arrays do not fit the task (from {@link TaskDataReader})
     */
    public static TaskData load(TaskSpec spec, long seed, Configuration conf) throws IOException {
        if (spec.synthetic() != null) {
            return SyntheticTasks.generate(spec, seed);
        }
        String at = at(spec);
        Path path = path(spec);
        FileStatus st = status(spec, path, conf);
        if (st == null) {
            throw new FileNotFoundException(at + spec.dataPath() + " does not exist");
        }
        if (st.isDirectory()) {
            return TaskDataReader.readNpyFiles(spec, new HadoopDataSource(spec.dataPath(), conf));
        }
        Path parent = path.getParent();
        if (parent == null) {
            throw new IOException(at + spec.dataPath() + " is not a file in a directory");
        }
        HadoopDataSource dir = new HadoopDataSource(parent.toString(), conf);
        try (InputStream in = dir.open(path.getName())) {
            return TaskDataReader.readNpz(spec, in, spec.dataPath());
        }
    }

    /**
     * Checks, without reading the arrays, that {@link #load} can find the task's data: a synthetic task passes; a
     * data path must exist and be readable: an {@code .npz} file starts like a zip archive, and a directory holds
     * {@code x_train.npy, y_train.npy, x_test.npy, y_test.npy} (and {@code x_val.npy} and {@code y_val.npy} both or
     * neither), each starting like an {@code .npy} file.
     *
     * @throws IllegalArgumentException naming the task, key {@code data} and the path, e.g.
     *                                  {@code task 'ecg': data: s3a://bucket/ecg.npz does not exist}
     */
    public static void checkReadable(TaskSpec spec, Configuration conf) {
        if (spec.synthetic() != null) {
            return;
        }
        String at = at(spec);
        try {
            Path path = path(spec);
            FileStatus st = status(spec, path, conf);
            if (st == null) {
                throw new IllegalArgumentException(at + spec.dataPath() + " does not exist");
            }
            if (st.isFile()) {
                HadoopDataSource dir = new HadoopDataSource(path.getParent().toString(), conf);
                checkMagic(at, dir, path.getName(), spec.dataPath(), ZIP_MAGIC, "an .npz archive (a zip file)");
                return;
            }
            HadoopDataSource dir = new HadoopDataSource(spec.dataPath(), conf);
            List<String> missing = new ArrayList<>();
            for (String name : TaskDataReader.REQUIRED) {
                if (!dir.exists(name + ".npy")) {
                    missing.add(name + ".npy");
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(at + spec.dataPath() + " is a directory without " + missing
                        + " (a task directory holds x_train.npy, y_train.npy, x_test.npy, y_test.npy"
                        + " and optionally x_val.npy with y_val.npy; a file would be an .npz archive)");
            }
            boolean xVal = dir.exists("x_val.npy");
            if (xVal != dir.exists("y_val.npy")) {
                throw new IllegalArgumentException(at + spec.dataPath() + " has " + (xVal ? "x_val.npy" : "y_val.npy")
                        + " without " + (xVal ? "y_val.npy" : "x_val.npy"));
            }
            for (String name : TaskDataReader.REQUIRED) {
                checkMagic(at, dir, name + ".npy", dir.describe() + "/" + name + ".npy", NPY_MAGIC, "an .npy file");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(at + spec.dataPath() + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static String at(TaskSpec spec) {
        return "task '" + spec.name() + "': data: ";
    }

    private static Path path(TaskSpec spec) throws IOException {
        if (spec.dataPath() == null) {
            throw new IllegalArgumentException("task '" + spec.name() + "': data: no data path; set task."
                    + spec.name() + ".data to an .npz file or a directory of .npy files (local or a URI such as"
                    + " s3a://bucket/" + spec.name() + ".npz), or make the task synthetic");
        }
        try {
            return HadoopDataSource.qualify(spec.dataPath());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at(spec) + e.getMessage(), e);
        }
    }

    /** The status of {@code path}, or {@code null} when it does not exist. */
    private static FileStatus status(TaskSpec spec, Path path, Configuration conf) throws IOException {
        FileSystem fs;
        try {
            fs = path.getFileSystem(conf);
        } catch (IOException e) {
            throw new IOException(at(spec) + spec.dataPath() + ": cannot open its file system: " + e.getMessage(), e);
        }
        try {
            return fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw new IOException(at(spec) + spec.dataPath() + " cannot be checked: " + e.getMessage(), e);
        }
    }

    private static void checkMagic(String at, HadoopDataSource dir, String name, String where, byte[] magic,
                                   String what) throws IOException {
        byte[] head = new byte[magic.length];
        int n = 0;
        try (InputStream in = dir.open(name)) {
            while (n < head.length) {
                int r = in.read(head, n, head.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        }
        if (n < magic.length || !java.util.Arrays.equals(head, magic)) {
            throw new IllegalArgumentException(at + where + " is not " + what
                    + (n < magic.length ? " (only " + n + " bytes)" : ""));
        }
    }
}
