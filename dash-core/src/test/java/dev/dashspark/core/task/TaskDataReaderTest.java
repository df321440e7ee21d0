package dev.dashspark.core.task;

import dev.dashspark.core.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TaskDataReader}: .npz streams and .npy directories, label conversion, and errors naming file and array. */
class TaskDataReaderTest {

    private static final TaskSpec CLASSES = TaskDataTest.spec1d(OutputKind.CLASSES, 3, 1, 4);

    @TempDir
    Path tmp;

    /** x (B, L) float64 without a channel axis; y_train int class indices; y_test one-hot float64. */
    private static Map<String, INDArray> classArrays() {
        Map<String, INDArray> a = new LinkedHashMap<>();
        a.put("x_train", Nd4j.createFromArray(new double[][]{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}}));
        a.put("y_train", Nd4j.createFromArray(2, 0, 1));
        a.put("x_test", Nd4j.createFromArray(new double[][]{{0, 0, 0, 1}, {1, 0, 0, 0}}));
        a.put("y_test", Nd4j.createFromArray(new double[][]{{0, 1, 0}, {1, 0, 0}}));
        return a;
    }

    private static TaskData readNpz(TaskSpec spec, Map<String, INDArray> arrays) throws IOException {
        return TaskDataReader.readNpz(spec, new ByteArrayInputStream(Npy.toNpz(arrays)), "mem.npz");
    }

    private static String rejectNpz(TaskSpec spec, Map<String, INDArray> arrays) {
        return assertThrows(IllegalArgumentException.class, () -> readNpz(spec, arrays)).getMessage();
    }

    @Test
    void readsNpzAddingTheChannelAxisAndOneHotLabels() throws IOException {
        TaskData d = readNpz(CLASSES, classArrays());
        assertFalse(d.hasValidation());
        assertEquals(DataType.FLOAT, d.xTrain().dataType());
        assertArrayEquals(new long[]{3, 1, 4}, d.xTrain().shape());
        assertEquals(7.0, d.xTrain().getDouble(1, 0, 2), 0.0);
        assertEquals(Nd4j.createFromArray(new float[][]{{0, 0, 1}, {1, 0, 0}, {0, 1, 0}}), d.yTrain());
        assertEquals(Nd4j.createFromArray(new float[][]{{0, 1, 0}, {1, 0, 0}}), d.yTest());
        Map<String, INDArray> withVal = classArrays();
        withVal.put("x_val", Nd4j.createFromArray(new float[][][]{{{1, 1, 1, 1}}}));
        withVal.put("y_val", Nd4j.createFromArray(new long[][]{{2}}));
        TaskData v = readNpz(CLASSES, withVal);
        assertTrue(v.hasValidation());
        assertEquals(Nd4j.createFromArray(new float[][]{{0, 0, 1}}), v.yVal());
    }

    @Test
    void missingOrUnpairedArraysAreNamed() {
        Map<String, INDArray> a = classArrays();
        a.remove("y_test");
        assertEquals("mem.npz: missing array 'y_test' of task 't' (found [x_train, y_train, x_test])",
                rejectNpz(CLASSES, a));
        Map<String, INDArray> b = classArrays();
        b.put("y_val", Nd4j.createFromArray(1));
        assertEquals("mem.npz: array 'y_val' without 'x_val'", rejectNpz(CLASSES, b));
    }

    @Test
    void badClassLabelsAreRejectedNamingFileArrayAndSample() {
        Map<String, INDArray> a = classArrays();
        a.put("y_train", Nd4j.createFromArray(2, 3, 1));
        assertEquals("mem.npz[y_train]: label 3 of sample 1 is not a class index in [0, 3)", rejectNpz(CLASSES, a));
        a.put("y_train", Nd4j.createFromArray(2.0, -1.0, 1.0));
        assertEquals("mem.npz[y_train]: label -1 of sample 1 is not a class index in [0, 3)", rejectNpz(CLASSES, a));
        a.put("y_train", Nd4j.createFromArray(2.0, 0.5, 1.0));
        assertEquals("mem.npz[y_train]: label 0.5 of sample 1 is not a class index in [0, 3)", rejectNpz(CLASSES, a));
        a.put("y_train", Nd4j.createFromArray(2, 0, 1));
        a.put("y_test", Nd4j.createFromArray(new double[][]{{0, 1, 0}, {1, 1, 0}}));
        assertEquals("mem.npz[y_test]: row 1 [1.0, 1.0, 0.0] is not one-hot", rejectNpz(CLASSES, a));
        a.put("y_test", Nd4j.createFromArray(new double[][]{{0, 1}, {1, 0}}));
        assertEquals("mem.npz[y_test]: shape [2, 2] must be class indices (B) or one-hot (B, 3)", rejectNpz(CLASSES, a));
    }

    @Test
    void wrongInputShapesAreRejectedNamingFileAndArray() {
        Map<String, INDArray> a = classArrays();
        a.put("x_test", Nd4j.zeros(DataType.DOUBLE, 2, 1, 5));
        assertEquals("mem.npz: task 't': x_test: shape [2, 1, 5], expected [B, 1, 4]", rejectNpz(CLASSES, a));
        a.put("x_test", Nd4j.zeros(DataType.DOUBLE, 3, 1, 4));
        assertEquals("mem.npz: x_test has 3 samples (shape [3, 1, 4]) but y_test has 2 (shape [2, 3])",
                rejectNpz(CLASSES, a));
    }

    @Test
    void multiLabelAndDenseLabels() throws IOException {
        TaskSpec multi = TaskDataTest.spec1d(OutputKind.MULTI_LABEL, 2, 1, 4);
        Map<String, INDArray> a = classArrays();
        a.put("y_train", Nd4j.createFromArray(new int[][]{{1, 0}, {1, 1}, {0, 0}}));
        a.put("y_test", Nd4j.createFromArray(new int[][]{{0, 1}, {1, 0}}));
        TaskData d = readNpz(multi, a);
        assertEquals(Nd4j.createFromArray(new float[][]{{1, 0}, {1, 1}, {0, 0}}), d.yTrain());
        a.put("y_test", Nd4j.createFromArray(new int[][]{{0, 2}, {1, 0}}));
        assertEquals("mem.npz[y_test]: label 2.0 of sample 0, label 1 must be 0 or 1", rejectNpz(multi, a));

        TaskSpec dense = TaskDataTest.spec1d(OutputKind.DENSE, 1, 1, 4);
        Map<String, INDArray> b = classArrays();
        b.put("y_train", Nd4j.createFromArray(new double[][]{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}}));
        b.put("y_test", Nd4j.createFromArray(new double[][]{{1, 1, 1, 1}, {2, 2, 2, 2}}));
        TaskData e = readNpz(dense, b);
        assertArrayEquals(new long[]{3, 1, 4}, e.yTrain().shape(), "squeezed maps gain the channel axis");
        assertEquals(e.xTrain(), e.yTrain());
    }

    @Test
    void readsADirectoryOfNpyFiles() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("task"));
        Map<String, INDArray> a = classArrays();
        a.put("x_val", Nd4j.createFromArray(new double[][]{{4, 3, 2, 1}}));
        a.put("y_val", Nd4j.createFromArray(0));
        for (Map.Entry<String, INDArray> e : a.entrySet()) {
            Files.write(dir.resolve(e.getKey() + ".npy"), Npy.toNpy(e.getValue()));
        }
        TaskData d = TaskDataReader.readNpyFiles(CLASSES, new LocalDataSource(dir));
        assertTrue(d.hasValidation());
        assertEquals(Nd4j.createFromArray(new float[][]{{1, 0, 0}}), d.yVal());
        assertEquals(d.yTrain(), TaskDataReader.load(CLASSES.withDataPath(dir.toString())).yTrain(), "load(directory)");

        Files.delete(dir.resolve("y_test.npy"));
        IOException e = assertThrows(IOException.class, () -> TaskDataReader.readNpyFiles(CLASSES, new LocalDataSource(dir)));
        assertEquals(dir + ": missing file 'y_test.npy' (array 'y_test' of task 't')", e.getMessage());
    }

    @Test
    void loadsALocalNpzAndReportsMissingPaths() throws IOException {
        Path file = tmp.resolve("t.npz");
        Files.write(file, Npy.toNpz(classArrays()));
        TaskData d = TaskDataReader.load(CLASSES.withDataPath(file.toString()));
        assertArrayEquals(new long[]{2, 1, 4}, d.xTest().shape());
        assertEquals(d.yTrain(), TaskDataReader.readNpz(CLASSES, new LocalDataSource(tmp), "t.npz").yTrain());
        IOException e = assertThrows(IOException.class, () -> TaskDataReader.load(CLASSES));
        assertTrue(e.getMessage().startsWith("task 't': data: no data path; set task.t.data"), e.getMessage());
        e = assertThrows(IOException.class, () -> TaskDataReader.load(CLASSES.withDataPath(tmp + "/nope.npz")));
        assertEquals("task 't': data: " + tmp + "/nope.npz does not exist", e.getMessage());
        e = assertThrows(IOException.class, () -> TaskDataReader.readNpz(CLASSES, new LocalDataSource(tmp), "x.npz"));
        assertEquals("task 't': data: " + tmp + "/x.npz does not exist", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LocalDataSource(tmp).open("../escape.npy"));
    }
}
