package dev.dashspark.core.task;

import dev.dashspark.core.io.DataFileException;
import dev.dashspark.core.io.NpyDtype;
import dev.dashspark.core.io.NpyHeader;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The train, validation and test arrays of one task. Sample b of a split is {@code x[b, ...]} with label
 * {@code y[b, ...]}.
 *
 * <p>Shapes (validated against a {@link TaskSpec} by {@link #checkAgainst(TaskSpec)}): x is (B, C, L) or
 * (B, C, H, W); y is one-hot (B, classes) for {@link OutputKind#CLASSES}, 0/1 (B, labels) for
 * {@link OutputKind#MULTI_LABEL} and (B, outputs, spatial...) on the grid of x for {@link OutputKind#DENSE}.
 *
 * <p>The constructor checks what holds for every task: train and test present, validation arrays both present or
 * both absent, each split non-empty, x of rank ≥ 2, the first dimensions of x and y agree within each split, and
 * train and validation have the same per-sample shapes (test may only differ in the spatial size of a dense task,
 * like PSICOV's full-size test maps). The project never selects anything on the test split: when a file
 * has no validation split, {@link #withValidationSplit(double, long)} holds one out of train.
 *
 * @param xTrain training inputs
 * @param yTrain training labels
 * @param xVal   validation inputs, or {@code null} when the task has none yet
 * @param yVal   validation labels, {@code null} exactly when {@code xVal} is
 * @param xTest  test inputs
 * @param yTest  test labels
 */
public record TaskData(INDArray xTrain, INDArray yTrain, INDArray xVal, INDArray yVal, INDArray xTest,
                       INDArray yTest) {

    public TaskData {
        present("x_train", xTrain);
        present("y_train", yTrain);
        present("x_test", xTest);
        present("y_test", yTest);
        if ((xVal == null) != (yVal == null)) {
            throw new IllegalArgumentException((xVal == null ? "y_val" : "x_val") + " is given without "
                    + (xVal == null ? "x_val" : "y_val"));
        }
        pair("train", xTrain, yTrain);
        pair("test", xTest, yTest);
        if (xVal != null) {
            pair("val", xVal, yVal);
            sameSampleShape("x_val", xVal, "x_train", xTrain);
            sameSampleShape("y_val", yVal, "y_train", yTrain);
        }
        if (xTest.rank() != xTrain.rank() || yTest.rank() != yTrain.rank()) {
            throw new IllegalArgumentException("x_test/y_test: ranks " + xTest.rank() + "/" + yTest.rank()
                    + " differ from x_train/y_train ranks " + xTrain.rank() + "/" + yTrain.rank());
        }
    }

    private static void present(String name, INDArray a) {
        if (a == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
    }

    private static void pair(String split, INDArray x, INDArray y) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("x_" + split + ": shape " + Arrays.toString(x.shape())
                    + " must be (B, C, spatial...)");
        }
        if (y.rank() < 1) {
            throw new IllegalArgumentException("y_" + split + ": shape " + Arrays.toString(y.shape()) + " has no batch dimension");
        }
        if (x.size(0) != y.size(0)) {
            throw new IllegalArgumentException("x_" + split + " has " + x.size(0) + " samples (shape "
                    + Arrays.toString(x.shape()) + ") but y_" + split + " has " + y.size(0) + " (shape "
                    + Arrays.toString(y.shape()) + ")");
        }
        if (x.size(0) == 0) {
            throw new IllegalArgumentException("x_" + split + ": shape " + Arrays.toString(x.shape()) + " has no samples");
        }
    }

    private static void sameSampleShape(String name, INDArray a, String refName, INDArray ref) {
        long[] s = Arrays.copyOfRange(a.shape(), 1, a.rank());
        long[] r = Arrays.copyOfRange(ref.shape(), 1, ref.rank());
        if (!Arrays.equals(s, r)) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(a.shape()) + " differs per sample from "
                    + refName + " shape " + Arrays.toString(ref.shape()));
        }
    }

    /** Whether a validation split is present. */
    public boolean hasValidation() {
        return xVal != null;
    }

    public long trainSize() {
        return xTrain.size(0);
    }

    /** Validation samples, 0 when absent. */
    public long valSize() {
        return xVal == null ? 0 : xVal.size(0);
    }

    public long testSize() {
        return xTest.size(0);
    }

    /**
     * Which training samples a validation hold-out of {@code fraction} takes, without copying anything: both index
     * lists sorted ascending, together a partition of {@code 0 .. trainSize()-1}. For code that gathers its
     * minibatches by index from the shared (cached) arrays; {@link #withValidationSplit} copies the rows instead.
     *
     * @param train the samples left for training
     * @param val   the samples held out for validation
     */
    public record Holdout(int[] train, int[] val) {
        public Holdout {
            train = train.clone();
            val = val.clone();
        }

        @Override
        public int[] train() {
            return train.clone();
        }

        @Override
        public int[] val() {
            return val.clone();
        }
    }

    /**
     * The samples {@link #withValidationSplit} holds out: {@code round(fraction·n)} of the n training samples, a
     * uniformly shuffled subset drawn with {@code new SplittableRandom(seed)} (Fisher–Yates), so the same seed gives
     * the same split.
     *
     * @throws IllegalStateException    if a validation split is already present
     * @throws IllegalArgumentException if {@code fraction} is not in (0, 1) or leaves either split empty
     */
    public Holdout holdout(double fraction, long seed) {
        if (hasValidation()) {
            throw new IllegalStateException("withValidationSplit: a validation split of " + valSize()
                    + " samples is already present");
        }
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("withValidationSplit: fraction " + fraction + " must be in (0, 1)");
        }
        int n = Math.toIntExact(trainSize());
        int nVal = (int) Math.round(fraction * n);
        if (nVal < 1 || nVal > n - 1) {
            throw new IllegalArgumentException("withValidationSplit: fraction " + fraction + " of " + n
                    + " training samples gives " + nVal + " validation samples; both splits need at least one");
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] val = Arrays.copyOfRange(perm, 0, nVal);
        int[] train = Arrays.copyOfRange(perm, nVal, n);
        Arrays.sort(val);
        Arrays.sort(train);
        return new Holdout(train, val);
    }

    /**
     * Holds the samples of {@link #holdout(double, long)} out as the validation split, copying them: new train and
     * validation arrays in the original sample order (one copy of the training data in all); test is untouched.
     *
     * @throws IllegalStateException    if a validation split is already present
     * @throws IllegalArgumentException if {@code fraction} is not in (0, 1) or leaves either split empty
     */
    public TaskData withValidationSplit(double fraction, long seed) {
        Holdout h = holdout(fraction, seed);
        int[] train = h.train;
        int[] val = h.val;
        return new TaskData(rows(xTrain, train), rows(yTrain, train), rows(xTrain, val), rows(yTrain, val), xTest,
                yTest);
    }

    /** The samples {@code idx} of {@code a} along dimension 0, as a new array. */
    static INDArray rows(INDArray a, int[] idx) {
        long[] shape = a.shape().clone();
        long per = a.length() / shape[0];
        INDArray flat = (a.ordering() == 'c' && !a.isView() ? a : a.dup('c')).reshape('c', shape[0], per);
        INDArray picked = Nd4j.pullRows(flat, 1, idx);
        shape[0] = idx.length;
        return picked.reshape('c', shape);
    }

    /**
     * Checks the shapes against the task, by the rules a task file's headers are checked by ({@link TaskLayout}):
     * x (B, C, spatial...) with the declared C and spatial shape (test may differ in its spatial size for dense tasks
     * only), and y as documented on this record. Label values are the reader's business ({@link TaskDataReader}).
     *
     * @return this, for chaining
     * @throws IllegalArgumentException naming the task, the array, its shape and the expected one
     */
    public TaskData checkAgainst(TaskSpec spec) {
        Map<String, NpyHeader> headers = new LinkedHashMap<>();
        String[] names = {"x_train", "y_train", "x_val", "y_val", "x_test", "y_test"};
        INDArray[] arrays = {xTrain, yTrain, xVal, yVal, xTest, yTest};
        for (int i = 0; i < names.length; i++) {
            if (arrays[i] != null) {
                headers.put(names[i], NpyHeader.of(NpyDtype.FLOAT32, ByteOrder.LITTLE_ENDIAN, false, arrays[i].shape()));
            }
        }
        try {
            TaskLayout.check(spec, headers, null, a -> null);
        } catch (DataFileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return this;
    }
}
