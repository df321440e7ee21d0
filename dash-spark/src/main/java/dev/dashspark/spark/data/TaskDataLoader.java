package dev.dashspark.spark.data;

import dev.dashspark.core.io.DataFileException;
import dev.dashspark.core.task.SyntheticTasks;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskDataReader;
import dev.dashspark.core.task.TaskFiles;
import dev.dashspark.core.task.TaskLayout;
import dev.dashspark.core.task.TaskSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.TreeMap;

/**
 * Loads a task's data wherever its {@link TaskSpec#dataPath()} points: a local path, or any Hadoop file system URI
 * ({@code file:}, {@code hdfs:}, {@code s3a:}, ...). The path is an {@code .npz} archive or a directory of
 * {@code .npy} files ({@link TaskFiles}); a path without a scheme is a local file ({@link HadoopDataSource#qualify}).
 * Synthetic tasks are generated from the seed instead.
 *
 * <p>{@link #checkReadable} is the driver's check of every task before any job: it reads the zip directory and the
 * array headers only (on S3 a few ranged reads, see {@link HadoopDataSource}) and checks them against the task
 * ({@link dev.dashspark.core.task.TaskLayout}). {@link #load} is what an executor calls (through
 * {@link DatasetCache}): the same header checks, then the values ({@link TaskDataReader}).
 */
public final class TaskDataLoader {

    private TaskDataLoader() {
    }

    /**
     * The task's data: {@link SyntheticTasks#generate(TaskSpec, long)} for a synthetic task, else read from its data
     * path.
     *
     * @param seed only used by synthetic tasks
     * @throws FileNotFoundException naming the task, key {@code data} and the path when it does not exist, e.g.
     *                               {@code task 'ecg': data: s3a://bucket/ecg.npz does not exist}
     * @throws DataFileException     naming the task, file and array when the data cannot be read or do not fit the
     *                               task
     */
    public static TaskData load(TaskSpec spec, long seed, Configuration conf) throws IOException {
        if (spec.synthetic() != null) {
            return SyntheticTasks.generate(spec, seed);
        }
        try (TaskFiles files = files(spec, conf)) {
            return TaskDataReader.read(spec, files);
        }
    }

    /**
     * Checks, reading headers only, that {@link #load} can read the task's data and that they fit the task: a
     * synthetic task passes; a data path must exist, be an {@code .npz} archive or a directory of {@code .npy} files,
     * and hold the task's arrays with the right names, dtypes and shapes ({@link TaskLayout}).
     *
     * @throws IllegalArgumentException naming the task, key {@code data}, the file, the array, and what was expected
     *                                  against what was found, e.g. {@code task 'ecg': data: /d/ecg.npz[x_train]:
     *                                  shape [200, 64] (float32), expected [B, 1, 64] for channels 1, shape 64}
     */
    public static void checkReadable(TaskSpec spec, Configuration conf) {
        if (spec.synthetic() != null) {
            return;
        }
        try (TaskFiles files = files(spec, conf)) {
            TaskDataReader.checkHeaders(spec, files);
        } catch (DataFileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(at(spec) + spec.dataPath() + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The identity of the task's data as stored: the qualified path with the length and modification time of the
     * file (of each task array's file, for a directory). Equal identities mean the same bytes, as far as the file
     * system can tell; a rewritten file gets a new one.
     */
    public static String identity(TaskSpec spec, Configuration conf) throws IOException {
        Path path = path(spec);
        FileStatus st = status(spec, path, conf);
        StringBuilder id = new StringBuilder(st.getPath().toString());
        if (st.isFile()) {
            return id.append(" (").append(st.getLen()).append(" bytes, modified ").append(st.getModificationTime())
                    .append(')').toString();
        }
        FileSystem fs = path.getFileSystem(conf);
        TreeMap<String, String> files = new TreeMap<>();
        for (FileStatus f : fs.listStatus(path)) {
            String name = f.getPath().getName();
            if (f.isFile() && name.endsWith(".npy") && TaskLayout.ARRAYS.contains(name.substring(0, name.length() - 4))) {
                files.put(f.getPath().getName(), f.getLen() + " bytes, modified " + f.getModificationTime());
            }
        }
        return id.append(' ').append(files).toString();
    }

    /** The task's data files: an archive, or a directory of {@code .npy} files. */
    static TaskFiles files(TaskSpec spec, Configuration conf) throws IOException {
        Path path = path(spec);
        FileStatus st = status(spec, path, conf);
        if (st.isDirectory()) {
            return TaskFiles.npyDirectory(new HadoopDataSource(spec.dataPath(), conf), spec.dataPath());
        }
        Path parent = path.getParent();
        if (parent == null) {
            throw new IOException(at(spec) + spec.dataPath() + " is not a file in a directory");
        }
        return TaskFiles.npz(new HadoopDataSource(parent.toString(), conf), path.getName(), spec.dataPath());
    }

    private static String at(TaskSpec spec) {
        return "task '" + spec.name() + "': data: ";
    }

    private static Path path(TaskSpec spec) {
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

    /** The status of {@code path}. */
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
            FileNotFoundException f = new FileNotFoundException(at(spec) + spec.dataPath() + " does not exist");
            f.initCause(e);
            throw f;
        } catch (IOException e) {
            throw new IOException(at(spec) + spec.dataPath() + " cannot be checked: " + e.getMessage(), e);
        }
    }
}
