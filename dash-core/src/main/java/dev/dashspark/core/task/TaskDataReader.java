package dev.dashspark.core.task;

import dev.dashspark.core.io.Npy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a task's arrays {@code x_train, y_train, x_test, y_test} and optionally {@code x_val, y_val} from an
 * {@code .npz} archive (through any {@link InputStream}) or from a directory of {@code <name>.npy} files (through a
 * {@link DataSource}), converts them and checks them against the {@link TaskSpec}.
 *
 * <p>Conversions (all outputs float32):
 * <ul>
 *   <li>x: (B, C, spatial...) as declared; (B, spatial...) is accepted when C = 1 and gains the channel axis.</li>
 *   <li>y, {@link OutputKind#CLASSES}: integral class indices (B) or (B, 1) in [0, classes), or one-hot
 *       (B, classes), become one-hot (B, classes).</li>
 *   <li>y, {@link OutputKind#MULTI_LABEL}: (B, labels) with values 0 or 1.</li>
 *   <li>y, {@link OutputKind#DENSE}: (B, outputs, spatial...); (B, spatial...) is accepted when outputs = 1 and
 *       gains the channel axis (Darcy's squeezed maps).</li>
 * </ul>
 * Errors name the file and the array, e.g. {@code /data/ecg.npz: missing array 'y_test' (found [x_train, ...])} or
 * {@code /data/ecg.npz[y_train]: label 7 of sample 12 is not a class index in [0, 4)}.
 */
public final class TaskDataReader {

    /** Arrays every task file must hold. */
    public static final List<String> REQUIRED = List.of("x_train", "y_train", "x_test", "y_test");

    /** Arrays a task file may hold; both or neither. */
    public static final List<String> OPTIONAL = List.of("x_val", "y_val");

    private TaskDataReader() {
    }

    /** Reads an {@code .npz} archive from {@code in} (not closed); {@code source} names it in errors. */
    public static TaskData readNpz(TaskSpec spec, InputStream in, String source) throws IOException {
        return fromArrays(spec, Npy.readNpz(in, source), source);
    }

    /** Reads the {@code .npz} archive {@code name} of {@code source}. */
    public static TaskData readNpz(TaskSpec spec, DataSource source, String name) throws IOException {
        String where = source.describe() + "/" + name;
        if (!source.exists(name)) {
            throw new IOException("task '" + spec.name() + "': data: " + where + " does not exist");
        }
        try (InputStream in = source.open(name)) {
            return readNpz(spec, in, where);
        }
    }

    /** Reads {@code x_train.npy, y_train.npy, ...} from the directory {@code dir}. */
    public static TaskData readNpyFiles(TaskSpec spec, DataSource dir) throws IOException {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        for (String name : REQUIRED) {
            if (!dir.exists(name + ".npy")) {
                throw new IOException(dir.describe() + ": missing file '" + name + ".npy' (array '" + name
                        + "' of task '" + spec.name() + "')");
            }
        }
        for (String name : concat(REQUIRED, OPTIONAL)) {
            String file = name + ".npy";
            if (dir.exists(file)) {
                try (InputStream in = dir.open(file)) {
                    arrays.put(name, Npy.readNpy(in, dir.describe() + "/" + file));
                }
            }
        }
        return fromArrays(spec, arrays, dir.describe());
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
            return readNpyFiles(spec, new LocalDataSource(path));
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(at + "data: " + path + " does not exist");
        }
        try (InputStream in = new LocalDataSource(path.toAbsolutePath().getParent()).open(
                path.getFileName().toString())) {
            return readNpz(spec, in, path.toString());
        }
    }

    /**
     * Converts named arrays (as read from a file called {@code source}) into checked task data. Arrays other than
     * the six task arrays are ignored.
     */
    public static TaskData fromArrays(TaskSpec spec, Map<String, INDArray> arrays, String source) {
        for (String name : REQUIRED) {
            if (!arrays.containsKey(name)) {
                throw new IllegalArgumentException(source + ": missing array '" + name + "' of task '" + spec.name()
                        + "' (found " + arrays.keySet() + ")");
            }
        }
        boolean hasX = arrays.containsKey("x_val");
        if (hasX != arrays.containsKey("y_val")) {
            throw new IllegalArgumentException(source + ": array '" + (hasX ? "x_val" : "y_val") + "' without '"
                    + (hasX ? "y_val" : "x_val") + "'");
        }
        INDArray xVal = hasX ? inputs(spec, arrays.get("x_val")) : null;
        INDArray yVal = hasX ? labels(spec, arrays.get("y_val"), source + "[y_val]") : null;
        INDArray xTrain = inputs(spec, arrays.get("x_train"));
        INDArray yTrain = labels(spec, arrays.get("y_train"), source + "[y_train]");
        INDArray xTest = inputs(spec, arrays.get("x_test"));
        INDArray yTest = labels(spec, arrays.get("y_test"), source + "[y_test]");
        try {
            return new TaskData(xTrain, yTrain, xVal, yVal, xTest, yTest).checkAgainst(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static INDArray inputs(TaskSpec spec, INDArray x) {
        INDArray f = x.castTo(DataType.FLOAT);
        if (f.rank() == spec.dims() + 1 && spec.inputChannels() == 1) {
            f = withChannelAxis(f);
        }
        return f;
    }

    private static INDArray labels(TaskSpec spec, INDArray y, String where) {
        return switch (spec.outputKind()) {
            case CLASSES -> oneHot(y, spec.numOutputs(), where);
            case MULTI_LABEL -> {
                if (y.rank() != 2 || y.size(1) != spec.numOutputs()) {
                    throw new IllegalArgumentException(where + ": shape " + Arrays.toString(y.shape())
                            + " must be (B, " + spec.numOutputs() + ") for " + spec.numOutputs() + " labels");
                }
                double[] v = y.castTo(DataType.DOUBLE).dup('c').data().asDouble();
                for (int i = 0; i < v.length; i++) {
                    if (v[i] != 0.0 && v[i] != 1.0) {
                        throw new IllegalArgumentException(where + ": label " + v[i] + " of sample "
                                + i / spec.numOutputs() + ", label " + i % spec.numOutputs() + " must be 0 or 1");
                    }
                }
                yield y.castTo(DataType.FLOAT);
            }
            case DENSE -> {
                INDArray f = y.castTo(DataType.FLOAT);
                if (f.rank() == spec.dims() + 1 && spec.numOutputs() == 1) {
                    f = withChannelAxis(f);
                }
                yield f;
            }
        };
    }

    private static INDArray oneHot(INDArray y, int classes, String where) {
        long[] s = y.shape();
        boolean indices = y.rank() == 1 || (y.rank() == 2 && s[1] == 1);
        boolean oneHot = y.rank() == 2 && s[1] == classes;
        if (!indices && !oneHot) {
            throw new IllegalArgumentException(where + ": shape " + Arrays.toString(s) + " must be class indices (B) or"
                    + " one-hot (B, " + classes + ")");
        }
        int b = Math.toIntExact(s[0]);
        double[] v = y.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        float[][] out = new float[b][classes];
        if (indices) {
            for (int i = 0; i < b; i++) {
                double c = v[i];
                if (c != Math.rint(c) || c < 0 || c >= classes) {
                    throw new IllegalArgumentException(where + ": label " + fmt(c) + " of sample " + i
                            + " is not a class index in [0, " + classes + ")");
                }
                out[i][(int) c] = 1f;
            }
        } else {
            for (int i = 0; i < b; i++) {
                int ones = 0;
                for (int j = 0; j < classes; j++) {
                    double c = v[i * classes + j];
                    if (c != 0.0 && c != 1.0) {
                        ones = -1;
                        break;
                    }
                    ones += c == 1.0 ? 1 : 0;
                    out[i][j] = (float) c;
                }
                if (ones != 1) {
                    throw new IllegalArgumentException(where + ": row " + i + " "
                            + Arrays.toString(Arrays.copyOfRange(v, i * classes, (i + 1) * classes)) + " is not one-hot");
                }
            }
        }
        return Nd4j.createFromArray(out);
    }

    private static INDArray withChannelAxis(INDArray a) {
        long[] s = a.shape();
        long[] t = new long[s.length + 1];
        t[0] = s[0];
        t[1] = 1;
        System.arraycopy(s, 1, t, 2, s.length - 1);
        return a.reshape('c', t);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
