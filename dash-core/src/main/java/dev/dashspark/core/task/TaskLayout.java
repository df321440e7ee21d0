package dev.dashspark.core.task;

import dev.dashspark.core.io.DataFileException;
import dev.dashspark.core.io.NpyDtype;
import dev.dashspark.core.io.NpyHeader;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What a task's arrays must look like, checked from their headers alone (dtype and shape), before any value is read:
 * once on the driver for every task before any Spark job, and again by the reader on the executor. This is the one
 * place these rules live; {@link TaskData#checkAgainst} applies them to arrays already in memory.
 *
 * <p>For a task with C input channels, spatial shape S ({@code L} or {@code H, W}), output kind K and N outputs:
 * <ul>
 *   <li>{@code x_train, y_train, x_test, y_test} are present, {@code x_val} and {@code y_val} both or neither;</li>
 *   <li>x of every split is (B, C, S...), any dtype; a dense task's {@code x_test} may have another spatial size
 *       (PSICOV's full-size test maps);</li>
 *   <li>y for {@code classes}: class indices (B) or (B, 1) of an integer (or bool) dtype, or one-hot (B, N) of any
 *       dtype; for {@code multi-label}: (B, N); for {@code dense}: (B, N, S...) on the spatial grid of its x;</li>
 *   <li>x and y of a split have the same number of samples B, and B &gt; 0.</li>
 * </ul>
 * A squeezed channel axis ((B, L) for C = 1) is refused, not guessed: the file must hold the task's shape. Each
 * failure is a {@link DataFileException} that names the task, the file, the array, and what was expected against
 * what was found.
 */
public final class TaskLayout {

    /** Arrays every task file must hold. */
    public static final List<String> REQUIRED = List.of("x_train", "y_train", "x_test", "y_test");

    /** Arrays a task file may hold; both or neither. */
    public static final List<String> OPTIONAL = List.of("x_val", "y_val");

    /** The six task arrays: {@link #REQUIRED}, then {@link #OPTIONAL}. */
    public static final List<String> ARRAYS = Stream.concat(REQUIRED.stream(), OPTIONAL.stream()).toList();

    /** The splits, in reading order. */
    static final List<String> SPLITS = List.of("train", "val", "test");

    /** How an array's values become the task's. */
    public enum Role {
        /** Inputs: copied as float32; every value must be finite. */
        INPUTS,
        /** Class indices: become one-hot (B, classes); each must be in [0, classes). */
        CLASS_INDICES,
        /** One-hot labels: copied; values 0 or 1, exactly one 1 per sample. */
        ONE_HOT,
        /** Multi-label targets: copied; values 0 or 1. */
        MULTI_LABEL,
        /** Dense targets: copied as float32; every value must be finite. */
        DENSE
    }

    /**
     * One array as the task will hold it.
     *
     * @param array  its name, e.g. {@code y_train}
     * @param header its header in the file
     * @param shape  its shape once read (float32, C order)
     * @param role   how its values are converted and checked
     */
    public record Plan(String array, NpyHeader header, long[] shape, Role role) {
        public Plan {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    private TaskLayout() {
    }

    /**
     * Checks the headers of a task file against {@code spec}.
     *
     * @param headers   the arrays found, by name (arrays other than the six task arrays are ignored)
     * @param container the file or directory holding them, for errors about missing arrays
     * @param fileOf    the file holding each array (the {@code .npz} itself, or {@code dir/<array>.npy})
     * @return the plan of every task array present, in the order x_train, y_train, x_val, y_val, x_test, y_test
     */
    public static Map<String, Plan> check(TaskSpec spec, Map<String, NpyHeader> headers, String container,
                                          Function<String, String> fileOf) throws DataFileException {
        return check(spec, headers, List.of(), container, fileOf);
    }

    /**
     * {@link #check(TaskSpec, Map, String, Function)}, naming {@code others} (arrays found that are not task arrays,
     * e.g. a misspelt {@code X_train}) when a task array is missing.
     */
    public static Map<String, Plan> check(TaskSpec spec, Map<String, NpyHeader> headers, List<String> others,
                                          String container, Function<String, String> fileOf)
            throws DataFileException {
        List<String> missing = REQUIRED.stream().filter(a -> !headers.containsKey(a)).toList();
        if (!missing.isEmpty()) {
            List<String> found = Stream.concat(headers.keySet().stream().sorted(),
                    others.stream().sorted().map(o -> "'" + o + "'")).toList();
            throw new DataFileException(spec.name(), container, null, "missing array" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + " (found " + (found.isEmpty() ? "none" : String.join(", ", found))
                    + "; a task file holds x_train, y_train, x_test, y_test and optionally x_val with y_val)", null);
        }
        boolean xVal = headers.containsKey("x_val");
        if (xVal != headers.containsKey("y_val")) {
            String has = xVal ? "x_val" : "y_val";
            throw new DataFileException(spec.name(), container, null, "array " + has + " without "
                    + (xVal ? "y_val" : "x_val") + " (give both, or neither to hold a validation split out of train)",
                    null);
        }
        Map<String, Plan> plans = new LinkedHashMap<>();
        for (String split : SPLITS) {
            String xn = "x_" + split;
            String yn = "y_" + split;
            if (!headers.containsKey(xn)) {
                continue;
            }
            NpyHeader x = headers.get(xn);
            NpyHeader y = headers.get(yn);
            Plan px = inputs(spec, split, x, fail(spec, fileOf, xn, x));
            Plan py = labels(spec, px.shape(), y, fail(spec, fileOf, yn, y));
            if (x.dim(0) != y.dim(0)) {
                throw fail(spec, fileOf, yn, y).with("has " + y.dim(0) + " samples but " + xn + " has " + x.dim(0)
                        + " (shape " + Arrays.toString(x.shape()) + ")");
            }
            if (x.dim(0) == 0) {
                throw fail(spec, fileOf, xn, x).with("no samples: the split is empty");
            }
            plans.put(xn, px);
            plans.put(yn, py);
        }
        return plans;
    }

    /** The checks of one array: {@code with(detail)} builds the error naming the task, file, array and what it holds. */
    private record Failure(String task, String file, String array, NpyHeader header) {
        DataFileException with(String detail) {
            return new DataFileException(task, file, array, detail, null);
        }

        DataFileException shape(String expected) {
            return with("shape " + Arrays.toString(header.shape()) + " (" + header.dtype().numpyName() + "), expected "
                    + expected);
        }
    }

    private static Failure fail(TaskSpec spec, Function<String, String> fileOf, String array, NpyHeader h) {
        return new Failure(spec.name(), fileOf.apply(array), array, h);
    }

    private static Plan inputs(TaskSpec spec, String split, NpyHeader x, Failure f) throws DataFileException {
        long[] s = x.shape();
        long[] want = spec.inputShapeFor(-1);
        boolean anySpatial = split.equals("test") && spec.outputKind() == OutputKind.DENSE;
        String expected = pretty(want) + " for channels " + spec.inputChannels() + ", shape "
                + String.join("x", Arrays.stream(spec.inputShape()).mapToObj(Integer::toString).toList())
                + (anySpatial ? " (any spatial size for the test split of a dense task)" : "");
        if (s.length != want.length) {
            boolean squeezed = s.length == want.length - 1 && spec.inputChannels() == 1;
            throw f.shape(expected + (squeezed ? "; add the channel axis (numpy: x[:, None])" : ""));
        }
        for (int i = 1; i < s.length; i++) {
            if (s[i] != want[i] && !(anySpatial && i >= 2 && s[i] > 0)) {
                throw f.shape(expected);
            }
        }
        return new Plan(f.array(), x, s, Role.INPUTS);
    }

    private static Plan labels(TaskSpec spec, long[] xShape, NpyHeader y, Failure f) throws DataFileException {
        long[] s = y.shape();
        int n = spec.numOutputs();
        String kind = spec.outputKind().configName();
        switch (spec.outputKind()) {
            case CLASSES -> {
                boolean indices = s.length == 1 || (s.length == 2 && s[1] == 1);
                boolean oneHot = s.length == 2 && s[1] == n;
                if (!indices && !oneHot) {
                    throw f.shape("class indices [B] or [B, 1], or one-hot [B, " + n + "], for output " + kind
                            + " with " + n + " classes");
                }
                if (indices && !y.dtype().integral()) {
                    throw f.with("class indices must have an integer dtype, found " + y.dtype().numpyName()
                            + " (shape " + Arrays.toString(s) + "); expected one of "
                            + Stream.of(NpyDtype.values()).filter(NpyDtype::integral).map(NpyDtype::numpyName).toList());
                }
                return new Plan(f.array(), y, new long[]{s[0], n}, indices ? Role.CLASS_INDICES : Role.ONE_HOT);
            }
            case MULTI_LABEL -> {
                if (s.length != 2 || s[1] != n) {
                    throw f.shape("[B, " + n + "] for output " + kind + " with " + n + " labels");
                }
                return new Plan(f.array(), y, s, Role.MULTI_LABEL);
            }
            default -> {
                long[] want = xShape.clone();
                want[1] = n;
                want[0] = -1;
                long[] got = s.clone();
                if (got.length > 0) {
                    got[0] = -1;
                }
                if (!Arrays.equals(got, want)) {
                    throw f.shape(pretty(want) + " for output " + kind + " with " + n + " output channel"
                            + (n == 1 ? "" : "s") + " on the grid of its x " + Arrays.toString(xShape));
                }
                return new Plan(f.array(), y, s, Role.DENSE);
            }
        }
    }

    /** {@code [B, 3, 32, 32]} for a shape whose first dimension is the batch. */
    static String pretty(long[] shape) {
        StringBuilder s = new StringBuilder("[B");
        for (int i = 1; i < shape.length; i++) {
            s.append(", ").append(shape[i]);
        }
        return s.append(']').toString();
    }
}
