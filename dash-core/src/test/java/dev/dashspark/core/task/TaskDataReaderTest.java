package dev.dashspark.core.task;

import dev.dashspark.core.io.DataFileException;
import dev.dashspark.core.io.Npy;
import dev.dashspark.core.io.NpyDtype;
import dev.dashspark.core.io.NpyHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TaskDataReader} on real files ({@code .npz} stored and deflated, directories of {@code .npy}): conversion to
 * float32 task shapes, one-hot labels, value checks while reading, and header checks before reading, each error naming
 * the task, the file and the array.
 */
class TaskDataReaderTest {

    private static final TaskSpec CLASSES = TaskDataTest.spec1d(OutputKind.CLASSES, 3, 1, 4);

    @TempDir
    Path tmp;

    /** An .npy of {@code dtype} and {@code shape} whose C-order element i is {@code v.at(i)}. */
    static byte[] npy(NpyDtype dtype, Npy.Values v, long... shape) {
        return Npy.toNpy(NpyHeader.of(dtype, ByteOrder.LITTLE_ENDIAN, false, shape), v);
    }

    /** x (B, 1, 4) float64 = 10·b + l; y_train int64 class indices; y_test one-hot uint8. */
    static Map<String, byte[]> classArrays() {
        Map<String, byte[]> a = new LinkedHashMap<>();
        a.put("x_train", npy(NpyDtype.FLOAT64, i -> 10 * (i / 4) + i % 4, 3, 1, 4));
        a.put("y_train", npy(NpyDtype.INT64, i -> new long[]{2, 0, 1}[(int) i], 3));
        a.put("x_test", npy(NpyDtype.FLOAT32, i -> -i, 2, 1, 4));
        a.put("y_test", npy(NpyDtype.UINT8, i -> i == 1 || i == 3 ? 1 : 0, 2, 3));
        return a;
    }

    private Path npz(Map<String, byte[]> arrays, boolean deflate) throws IOException {
        return Files.write(Files.createTempFile(tmp, "task", ".npz"), Npy.zip(arrays, deflate));
    }

    private TaskData read(TaskSpec spec, Map<String, byte[]> arrays) throws IOException {
        return TaskDataReader.load(spec.withDataPath(npz(arrays, true).toString()));
    }

    private DataFileException reject(TaskSpec spec, Map<String, byte[]> arrays) throws IOException {
        Path file = npz(arrays, false);
        DataFileException e = assertThrows(DataFileException.class,
                () -> TaskDataReader.load(spec.withDataPath(file.toString())));
        assertEquals(spec.name(), e.task());
        assertEquals(file.toString(), e.file());
        assertTrue(e.getMessage().startsWith("task 't': data: " + file), e.getMessage());
        return e;
    }

    @Test
    void readsNpzIntoFloat32TaskShapesWithOneHotLabels() throws IOException {
        for (boolean deflate : new boolean[]{false, true}) {
            Path file = npz(classArrays(), deflate);
            TaskData d = TaskDataReader.load(CLASSES.withDataPath(file.toString()));
            assertFalse(d.hasValidation());
            assertEquals(DataType.FLOAT, d.xTrain().dataType());
            assertEquals('c', d.xTrain().ordering());
            assertArrayEquals(new long[]{3, 1, 4}, d.xTrain().shape());
            assertEquals(12.0, d.xTrain().getDouble(1, 0, 2), 0.0);
            assertEquals(Nd4j.createFromArray(new float[][]{{0, 0, 1}, {1, 0, 0}, {0, 1, 0}}), d.yTrain());
            assertEquals(Nd4j.createFromArray(new float[][]{{0, 1, 0}, {1, 0, 0}}), d.yTest());
            assertEquals(-7.0, d.xTest().getDouble(1, 0, 3), 0.0);
        }
        Map<String, byte[]> withVal = classArrays();
        withVal.put("x_val", npy(NpyDtype.FLOAT16, i -> 0.5, 1, 1, 4));
        withVal.put("y_val", npy(NpyDtype.INT8, i -> 2, 1, 1));
        TaskData v = read(CLASSES, withVal);
        assertTrue(v.hasValidation());
        assertEquals(Nd4j.createFromArray(new float[][]{{0, 0, 1}}), v.yVal());
        assertEquals(0.5, v.xVal().getDouble(0, 0, 3), 0.0);
    }

    @Test
    void readsADirectoryOfNpyFilesAndFortranOrder() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("task"));
        Map<String, byte[]> a = classArrays();
        a.put("x_train", Npy.toNpy(NpyHeader.of(NpyDtype.FLOAT64, ByteOrder.BIG_ENDIAN, true, 3, 1, 4),
                i -> 10 * (i / 4) + i % 4));
        for (Map.Entry<String, byte[]> e : a.entrySet()) {
            Files.write(dir.resolve(e.getKey() + ".npy"), e.getValue());
        }
        TaskData d = TaskDataReader.readNpyFiles(CLASSES, new LocalDataSource(dir));
        assertArrayEquals(new float[]{0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23}, d.xTrain().data().asFloat());
        assertEquals(d.yTrain(), TaskDataReader.load(CLASSES.withDataPath(dir.toString())).yTrain());

        Files.write(dir.resolve("y_test.npy"), java.util.Arrays.copyOf(a.get("y_test"), a.get("y_test").length - 1));
        DataFileException e = assertThrows(DataFileException.class,
                () -> TaskDataReader.readNpyFiles(CLASSES, new LocalDataSource(dir)));
        assertEquals("task 't': data: " + dir + "/y_test.npy: is truncated: its header declares uint8 [2, 3], 134 bytes"
                + " with the header, but the file has 133", e.getMessage());
        assertEquals("y_test", e.array());
        Files.delete(dir.resolve("y_test.npy"));
        e = assertThrows(DataFileException.class, () -> TaskDataReader.readNpyFiles(CLASSES, new LocalDataSource(dir)));
        assertEquals("task 't': data: " + dir + ": missing array y_test (found x_test, x_train, y_train; a task file"
                + " holds x_train, y_train, x_test, y_test and optionally x_val with y_val)", e.getMessage());
        assertNull(e.array());
    }

    @Test
    void missingOrUnpairedArraysAreNamed() throws IOException {
        Map<String, byte[]> a = classArrays();
        a.remove("y_test");
        a.remove("x_test");
        assertTrue(reject(CLASSES, a).detail().startsWith("missing arrays x_test, y_test (found x_train, y_train;"));
        Map<String, byte[]> b = classArrays();
        b.put("y_val", npy(NpyDtype.INT64, i -> 1, 1));
        assertEquals("array y_val without x_val (give both, or neither to hold a validation split out of train)",
                reject(CLASSES, b).detail());
    }

    @Test
    void shapesAndDtypesAreCheckedBeforeAnyValueIsRead() throws IOException {
        Map<String, byte[]> a = classArrays();
        a.put("x_train", npy(NpyDtype.FLOAT32, i -> 0, 3, 4));
        DataFileException e = reject(CLASSES, a);
        assertEquals("x_train", e.array());
        assertEquals("shape [3, 4] (float32), expected [B, 1, 4] for channels 1, shape 4; add the channel axis"
                + " (numpy: x[:, None])", e.detail());
        a = classArrays();
        a.put("x_test", npy(NpyDtype.FLOAT32, i -> 0, 2, 1, 5));
        assertEquals("shape [2, 1, 5] (float32), expected [B, 1, 4] for channels 1, shape 4",
                reject(CLASSES, a).detail());
        a = classArrays();
        a.put("x_test", npy(NpyDtype.FLOAT32, i -> 0, 3, 1, 4));
        e = reject(CLASSES, a);
        assertEquals("y_test", e.array());
        assertEquals("has 2 samples but x_test has 3 (shape [3, 1, 4])", e.detail());
        a = classArrays();
        a.put("y_train", npy(NpyDtype.FLOAT64, i -> 1, 3));
        assertEquals("class indices must have an integer dtype, found float64 (shape [3]); expected one of [bool,"
                + " int8, uint8, int16, uint16, int32, uint32, int64, uint64]", reject(CLASSES, a).detail());
        a = classArrays();
        a.put("y_test", npy(NpyDtype.UINT8, i -> 0, 2, 2));
        assertEquals("shape [2, 2] (uint8), expected class indices [B] or [B, 1], or one-hot [B, 3], for output"
                + " classes with 3 classes", reject(CLASSES, a).detail());
        a = classArrays();
        a.put("x_train", npy(NpyDtype.FLOAT32, i -> 0, 0, 1, 4));
        a.put("y_train", npy(NpyDtype.INT64, i -> 0, 0));
        assertEquals("no samples: the split is empty", reject(CLASSES, a).detail());
    }

    @Test
    void valuesAreCheckedAsTheyAreRead() throws IOException {
        Map<String, byte[]> a = classArrays();
        a.put("x_train", npy(NpyDtype.FLOAT64, i -> i == 6 ? Double.NaN : i, 3, 1, 4));
        DataFileException e = reject(CLASSES, a);
        assertEquals("x_train", e.array());
        assertEquals("NaN at [1, 0, 2] (sample 1); inputs must be finite", e.detail());
        a.put("x_train", npy(NpyDtype.FLOAT64, i -> i == 11 ? 1e39 : i, 3, 1, 4));
        assertEquals("Infinity (in float32) at [2, 0, 3] (sample 2); inputs must be finite",
                reject(CLASSES, a).detail());
        a = classArrays();
        a.put("y_train", npy(NpyDtype.INT64, i -> new long[]{2, 3, 1}[(int) i], 3));
        e = reject(CLASSES, a);
        assertEquals("y_train", e.array());
        assertEquals("label 3 of sample 1 is not a class index in [0, 3)", e.detail());
        a.put("y_train", npy(NpyDtype.INT16, i -> new long[]{2, -1, 1}[(int) i], 3, 1));
        assertEquals("label -1 of sample 1 is not a class index in [0, 3)", reject(CLASSES, a).detail());
        a = classArrays();
        a.put("y_test", npy(NpyDtype.FLOAT32, i -> i == 3 || i == 4 ? 1 : 0, 2, 3));
        assertEquals("sample 0 has 0 ones; one-hot labels need exactly one 1 per sample", reject(CLASSES, a).detail());
        a.put("y_test", npy(NpyDtype.FLOAT32, i -> i == 1 ? 0.5 : i == 3 ? 1 : 0, 2, 3));
        assertEquals("value 0.5 at [0, 1] (sample 0); one-hot labels must be 0 or 1", reject(CLASSES, a).detail());
    }

    @Test
    void multiLabelAndDenseTargets() throws IOException {
        TaskSpec multi = TaskDataTest.spec1d(OutputKind.MULTI_LABEL, 2, 1, 4);
        Map<String, byte[]> a = classArrays();
        a.put("y_train", npy(NpyDtype.BOOL, i -> i % 3 == 0 ? 1 : 0, 3, 2));
        a.put("y_test", npy(NpyDtype.INT32, i -> i % 2, 2, 2));
        TaskData d = read(multi, a);
        assertEquals(Nd4j.createFromArray(new float[][]{{1, 0}, {0, 1}, {0, 0}}), d.yTrain());
        a.put("y_test", npy(NpyDtype.INT32, i -> i == 1 ? 2 : 0, 2, 2));
        assertEquals("value 2.0 at [0, 1] (sample 0); multi-label targets must be 0 or 1", reject(multi, a).detail());

        TaskSpec dense = TaskDataTest.spec1d(OutputKind.DENSE, 1, 1, 4);
        Map<String, byte[]> b = classArrays();
        b.put("y_train", npy(NpyDtype.FLOAT64, i -> 10 * (i / 4) + i % 4, 3, 1, 4));
        b.put("x_test", npy(NpyDtype.FLOAT32, i -> i, 2, 1, 6));
        b.put("y_test", npy(NpyDtype.FLOAT32, i -> i, 2, 1, 6));
        TaskData e = read(dense, b);
        assertEquals(e.xTrain(), e.yTrain());
        assertArrayEquals(new long[]{2, 1, 6}, e.yTest().shape(), "a dense task's test split may be larger");
        b.put("y_train", npy(NpyDtype.FLOAT64, i -> 1, 3, 4));
        assertEquals("shape [3, 4] (float64), expected [B, 1, 4] for output dense with 1 output channel on the grid"
                + " of its x [3, 1, 4]", reject(dense, b).detail());
        b.put("y_train", npy(NpyDtype.FLOAT32, i -> i == 5 ? Float.NEGATIVE_INFINITY : 0, 3, 1, 4));
        assertEquals("-Infinity (in float32) at [1, 0, 1] (sample 1); dense targets must be finite",
                reject(dense, b).detail());
    }

    @Test
    void localPathsThatDoNotExistOrAreNotArchives() throws IOException {
        IOException e = assertThrows(IOException.class, () -> TaskDataReader.load(CLASSES));
        assertTrue(e.getMessage().startsWith("task 't': data: no data path; set task.t.data"), e.getMessage());
        e = assertThrows(IOException.class, () -> TaskDataReader.load(CLASSES.withDataPath(tmp + "/nope.npz")));
        assertEquals("task 't': data: " + tmp + "/nope.npz does not exist", e.getMessage());
        Path single = Files.write(tmp.resolve("x.npy"), npy(NpyDtype.FLOAT32, i -> 0, 2));
        e = assertThrows(DataFileException.class, () -> TaskDataReader.load(CLASSES.withDataPath(single.toString())));
        assertEquals("task 't': data: " + single + ": is a single .npy array, not an .npz archive; a task's data is an"
                + " .npz archive or a directory of .npy files", e.getMessage());
        Path text = Files.writeString(tmp.resolve("notes.npz"), "x_train = [1, 2, 3]\n".repeat(3));
        e = assertThrows(DataFileException.class, () -> TaskDataReader.load(CLASSES.withDataPath(text.toString())));
        assertEquals("task 't': data: " + text + ": is not an .npz archive (no zip directory; an .npz is what"
                + " numpy.savez writes)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LocalDataSource(tmp).open("../escape.npy"));
    }
}
