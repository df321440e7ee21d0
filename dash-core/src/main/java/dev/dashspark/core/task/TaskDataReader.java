package dev.dashspark.core.task;

import dev.dashspark.core.io.DataFileException;
import dev.dashspark.core.io.Npy;
import dev.dashspark.core.io.NpyHeader;
import dev.dashspark.core.io.OffHeapFloats;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a task's arrays {@code x_train, y_train, x_test, y_test} and optionally {@code x_val, y_val} ({@link TaskFiles}:
 * an {@code .npz} archive or a directory of {@code .npy} files, on any {@link DataSource}) into {@link TaskData}.
 *
 * <p>Order of work: all headers are read and checked against the task first ({@link TaskLayout}: names, dtypes,
 * ranks, shapes, sample counts), so a file that cannot fit the task is refused before any data are read. Then each
 * array streams into its own off-heap float32 array in the task's shape ({@link Npy#readFloats}), checked value by
 * value as it is read:
 * <ul>
 *   <li>inputs and dense targets must be finite (NaN, ±∞, or a float64 value beyond float32's range is refused);</li>
 *   <li>class indices must lie in [0, classes); they become one-hot (B, classes);</li>
 *   <li>one-hot and multi-label values must be 0 or 1, one-hot rows must hold exactly one 1.</li>
 * </ul>
 * Every failure, including an unreadable, truncated or corrupt file, is a {@link DataFileException} naming the task,
 * the file and the array, e.g. {@code task 'ecg': data: /data/ecg.npz[y_train]: label 7 of sample 12 is not a class
 * index in [0, 4)}; arrays read so far are freed at once. Nothing here throws {@link OutOfMemoryError} for a
 * declared size: the memory an array needs is checked before it is allocated ({@link OffHeapFloats#allocate}).
 */
public final class TaskDataReader {

    private TaskDataReader() {
    }

    /** Reads the archive {@code name} of {@code dir}. */
    public static TaskData readNpz(TaskSpec spec, DataSource dir, String name) throws IOException {
        try (TaskFiles files = TaskFiles.npz(dir, name, dir.describe() + "/" + name)) {
            return read(spec, files);
        }
    }

    /** Reads {@code x_train.npy, y_train.npy, ...} from the directory {@code dir}. */
    public static TaskData readNpyFiles(TaskSpec spec, DataSource dir) throws IOException {
        try (TaskFiles files = TaskFiles.npyDirectory(dir, dir.describe())) {
            return read(spec, files);
        }
    }

    /**
     * Reads the task's local {@link TaskSpec#dataPath()}: an {@code .npz} file, or a directory of {@code .npy}
     * files.
     */
    public static TaskData load(TaskSpec spec) throws IOException {
        String at = "task '" + spec.name() + "': ";
        if (spec.dataPath() == null) {
            throw new IOException(at + "data: no data path" + (spec.synthetic() != null
                    ? "; the task is synthetic ('" + spec.synthetic() + "'): use SyntheticTasks.generate"
                    : "; set task." + spec.name() + ".data to an .npz file or a directory of .npy files"));
        }
        Path path = Path.of(spec.dataPath());
        if (Files.isDirectory(path)) {
            try (TaskFiles files = TaskFiles.npyDirectory(new LocalDataSource(path), spec.dataPath())) {
                return read(spec, files);
            }
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(at + "data: " + path + " does not exist");
        }
        try (TaskFiles files = TaskFiles.npz(new LocalDataSource(path.toAbsolutePath().getParent()),
                path.getFileName().toString(), spec.dataPath())) {
            return read(spec, files);
        }
    }

    /**
     * Reads only the headers of {@code files} and checks them against {@code spec}: what the driver does for every
     * task before any job.
     *
     * @return the plan of each array, in reading order
     */
    public static Map<String, TaskLayout.Plan> checkHeaders(TaskSpec spec, TaskFiles files) throws DataFileException {
        try {
            Map<String, NpyHeader> headers = files.headers();
            return TaskLayout.check(spec, headers, files.otherArrays(), files.container(), files::fileOf);
        } catch (DataFileException e) {
            throw e.task() == null ? e.inTask(spec.name()) : e;
        }
    }

    /** Reads and checks the task's data from {@code files} (not closed). */
    public static TaskData read(TaskSpec spec, TaskFiles files) throws DataFileException {
        Map<String, TaskLayout.Plan> plans = checkHeaders(spec, files);
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        List<OffHeapFloats> allocated = new ArrayList<>();
        boolean done = false;
        try {
            for (TaskLayout.Plan p : plans.values()) {
                OffHeapFloats dest = readArray(spec, files, p, allocated);
                arrays.put(p.array(), dest.array());
            }
            TaskData data;
            try {
                data = new TaskData(arrays.get("x_train"), arrays.get("y_train"), arrays.get("x_val"),
                        arrays.get("y_val"), arrays.get("x_test"), arrays.get("y_test"));
            } catch (IllegalArgumentException e) {
                throw new DataFileException(spec.name(), files.container(), null, e.getMessage(), e);
            }
            done = true;
            return data;
        } catch (DataFileException e) {
            throw e.task() == null ? e.inTask(spec.name()) : e;
        } finally {
            if (!done) {
                allocated.forEach(OffHeapFloats::release);
            }
        }
    }

    private static OffHeapFloats readArray(TaskSpec spec, TaskFiles files, TaskLayout.Plan p,
                                           List<OffHeapFloats> allocated) throws DataFileException {
        String file = files.fileOf(p.array());
        String array = p.array();
        NpyHeader h = p.header();
        OffHeapFloats dest = OffHeapFloats.allocate(p.shape(), p.role() == TaskLayout.Role.CLASS_INDICES, file, array);
        allocated.add(dest);
        try (InputStream data = files.data(array)) {
            switch (p.role()) {
                case INPUTS -> Npy.readFloats(data, h, dest, finite(h, file, array, "inputs must be finite"), file,
                        array);
                case DENSE -> Npy.readFloats(data, h, dest, finite(h, file, array, "dense targets must be finite"),
                        file, array);
                case MULTI_LABEL -> Npy.readFloats(data, h, dest, zeroOrOne(h, file, array, "multi-label targets"),
                        file, array);
                case CLASS_INDICES -> Npy.readOneHot(data, h, dest, spec.numOutputs(), file, array);
                case ONE_HOT -> {
                    int[] ones = new int[Math.toIntExact(h.dim(0))];
                    Npy.FloatCheck values = zeroOrOne(h, file, array, "one-hot labels");
                    Npy.readFloats(data, h, dest, (v, n, first) -> {
                        values.check(v, n, first);
                        for (int i = 0; i < n; i++) {
                            if (v[i] != 0f) {
                                ones[(int) sampleOf(h, first + i)]++;
                            }
                        }
                    }, file, array);
                    for (int b = 0; b < ones.length; b++) {
                        if (ones[b] != 1) {
                            throw new DataFileException(null, file, array, "sample " + b + " has " + ones[b]
                                    + " ones; one-hot labels need exactly one 1 per sample", null);
                        }
                    }
                }
            }
            return dest;
        } catch (DataFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DataFileException(null, file, array, "cannot be read: " + e, e);
        }
    }

    /** The sample (first index) of the {@code element}-th element in file order. */
    private static long sampleOf(NpyHeader h, long element) {
        return h.fortranOrder() ? element % h.dim(0) : element / (h.elements() / h.dim(0));
    }

    private static Npy.FloatCheck finite(NpyHeader h, String file, String array, String rule) {
        return (v, n, first) -> {
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(v[i])) {
                    throw atElement(h, file, array, first + i, v[i] + (Float.isNaN(v[i]) ? "" : " (in float32)")
                            + " at", rule);
                }
            }
        };
    }

    private static Npy.FloatCheck zeroOrOne(NpyHeader h, String file, String array, String what) {
        return (v, n, first) -> {
            for (int i = 0; i < n; i++) {
                if (v[i] != 0f && v[i] != 1f) {
                    throw atElement(h, file, array, first + i, "value " + v[i] + " at", what + " must be 0 or 1");
                }
            }
        };
    }

    private static DataFileException atElement(NpyHeader h, String file, String array, long element, String what,
                                               String rule) {
        long[] idx = h.indexOf(element);
        return new DataFileException(null, file, array, what + " " + Arrays.toString(idx) + " (sample " + idx[0]
                + "); " + rule, null);
    }
}
