package dev.dashspark.spark.data;

import dev.dashspark.core.io.Npy;
import dev.dashspark.core.io.NpyDtype;
import dev.dashspark.core.io.NpyHeader;
import dev.dashspark.core.task.OutputKind;
import dev.dashspark.core.task.TaskConfig;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskSpec;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ten NAS-Bench-360 tasks of {@code conf/nb360.conf}, each with a generated file of the task's real per-sample
 * shapes and the dtypes its data come in (uint8 CIFAR pixels, float64 spherical projections and Darcy fields saved
 * from MATLAB in Fortran order, int8 NinaPro labels, uint8 one-hot DeepSEA sequences and labels, PSICOV's 512×512 test
 * maps, ...), scaled down along the sample axis only. Each file is checked as the driver checks it before any job
 * ({@link TaskDataLoader#checkReadable}: headers only) and read as a trial reads it ({@link DatasetCache} →
 * {@link TaskDataLoader#load}); every array must come back float32 in the task's shape with the values written.
 */
class NasBench360FilesTest {

    @TempDir
    Path tmp;

    private final Configuration conf = new Configuration();

    /** One array of a task file: dtype, byte order, memory order and shape. */
    private record Arr(NpyDtype dtype, boolean fortran, long... shape) {
        byte[] bytes(String name) {
            return Npy.toNpy(header(), i -> value(name, dtype, i));
        }

        NpyHeader header() {
            return NpyHeader.of(dtype, ByteOrder.LITTLE_ENDIAN, fortran, shape);
        }
    }

    /**
     * The value written at C-order element {@code i} of {@code key} ({@code <array>_<task>}): 0/1 for labels and for
     * DeepSEA's one-hot inputs, pixels 0..250 for uint8 images, multiples of 1/64 in [-15.6, 15.6] for floats.
     */
    static double value(String key, NpyDtype dtype, long i) {
        long h = (i * 2654435761L + key.hashCode()) & 0x7fffffff;
        boolean binary = key.startsWith("y") && (dtype.integral() || key.endsWith("fsd50k"))
                || key.equals("x_train_deepsea") || key.equals("x_val_deepsea") || key.equals("x_test_deepsea");
        if (dtype == NpyDtype.BOOL) {
            return h % 5 == 0 ? 1 : 0;
        }
        if (binary) {
            return h % 2;
        }
        return dtype == NpyDtype.UINT8 ? h % 251 : (h % 2001 - 1000) / 64.0;
    }

    private static long[] s(long... shape) {
        return shape;
    }

    /** Per task: its arrays as the file holds them. Class labels are int64/int8/int16 indices in [0, 2). */
    private static Map<String, Map<String, Arr>> files() {
        Map<String, Map<String, Arr>> t = new LinkedHashMap<>();
        t.put("cifar100", split(new Arr(NpyDtype.UINT8, false, s(0, 3, 32, 32)), new Arr(NpyDtype.INT64, false, s(0)),
                5, 2, 3));
        t.put("spherical", split(new Arr(NpyDtype.FLOAT64, false, s(0, 3, 60, 60)),
                new Arr(NpyDtype.INT64, false, s(0)), 4, 2, 2));
        t.put("ninapro", split(new Arr(NpyDtype.FLOAT32, false, s(0, 1, 16, 52)), new Arr(NpyDtype.INT8, false, s(0)),
                6, 2, 2));
        t.put("fsd50k", split(new Arr(NpyDtype.FLOAT32, false, s(0, 1, 96, 102)),
                new Arr(NpyDtype.FLOAT32, false, s(0, 200)), 4, 2, 2));
        t.put("darcy", split(new Arr(NpyDtype.FLOAT64, true, s(0, 3, 85, 85)),
                new Arr(NpyDtype.FLOAT64, true, s(0, 1, 85, 85)), 4, 2, 2));
        Map<String, Arr> psicov = split(new Arr(NpyDtype.FLOAT32, false, s(0, 57, 128, 128)),
                new Arr(NpyDtype.FLOAT32, false, s(0, 1, 128, 128)), 3, 1, 1);
        psicov.put("x_test", new Arr(NpyDtype.FLOAT32, false, s(1, 57, 512, 512)));
        psicov.put("y_test", new Arr(NpyDtype.FLOAT32, false, s(1, 1, 512, 512)));
        t.put("psicov", psicov);
        t.put("cosmic", split(new Arr(NpyDtype.FLOAT32, false, s(0, 1, 128, 128)),
                new Arr(NpyDtype.BOOL, false, s(0, 1, 128, 128)), 4, 2, 2));
        t.put("ecg", split(new Arr(NpyDtype.FLOAT64, false, s(0, 1, 1000)), new Arr(NpyDtype.INT64, false, s(0)),
                8, 2, 3));
        t.put("satellite", split(new Arr(NpyDtype.FLOAT32, false, s(0, 1, 46)), new Arr(NpyDtype.INT16, false, s(0)),
                8, 2, 3));
        t.put("deepsea", split(new Arr(NpyDtype.UINT8, false, s(0, 4, 1000)), new Arr(NpyDtype.UINT8, false, s(0, 36)),
                6, 2, 3));
        return t;
    }

    /** x and y of train, val and test with {@code n} samples each (the shapes' first dimension replaced). */
    private static Map<String, Arr> split(Arr x, Arr y, int train, int val, int test) {
        Map<String, Arr> m = new LinkedHashMap<>();
        int[] n = {train, val, test};
        String[] names = {"train", "val", "test"};
        for (int k = 0; k < 3; k++) {
            long[] xs = x.shape().clone();
            long[] ys = y.shape().clone();
            xs[0] = n[k];
            ys[0] = n[k];
            m.put("x_" + names[k], new Arr(x.dtype(), x.fortran(), xs));
            m.put("y_" + names[k], new Arr(y.dtype(), y.fortran(), ys));
        }
        return m;
    }

    @Test
    void everyNasBench360TaskIsCheckedOnTheDriverAndReadByATrial() throws IOException {
        Map<String, TaskSpec> tasks = TaskConfig.load(Path.of("../conf/nb360.conf"));
        Map<String, Map<String, Arr>> files = files();
        assertEquals(tasks.keySet(), files.keySet(), "one file per task of conf/nb360.conf");
        DatasetCache cache = new DatasetCache(1);
        for (Map.Entry<String, Map<String, Arr>> task : files.entrySet()) {
            String name = task.getKey();
            String location = write(name, task.getValue());
            TaskSpec spec = tasks.get(name).withDataPath(location);

            TaskDataLoader.checkReadable(spec, conf);
            TaskData d = cache.get(spec, 0, conf);

            Map<String, INDArray> read = new LinkedHashMap<>();
            read.put("x_train", d.xTrain());
            read.put("y_train", d.yTrain());
            read.put("x_val", d.xVal());
            read.put("y_val", d.yVal());
            read.put("x_test", d.xTest());
            read.put("y_test", d.yTest());
            for (Map.Entry<String, Arr> e : task.getValue().entrySet()) {
                check(spec, e.getKey(), e.getValue(), read.get(e.getKey()));
            }
            System.out.println("NasBench360FilesTest: " + name + " (" + location.substring(tmp.toString().length() + 1)
                    + "): x_train " + java.util.Arrays.toString(d.xTrain().shape()) + " float32 from "
                    + task.getValue().get("x_train").dtype().numpyName());
        }
        assertEquals(10, cache.loads());
    }

    /** Writes the task's file: PSICOV as a directory of .npy files, CIFAR-100 deflated, the others stored. */
    private String write(String name, Map<String, Arr> arrays) throws IOException {
        if (name.equals("psicov")) {
            Path dir = Files.createDirectories(tmp.resolve(name));
            for (Map.Entry<String, Arr> e : arrays.entrySet()) {
                String key = e.getKey() + "_" + name;
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve(e.getKey() + ".npy")),
                        1 << 20)) {
                    Npy.write(out, e.getValue().header(), i -> value(key, e.getValue().dtype(), i));
                }
            }
            return dir.toString();
        }
        Map<String, byte[]> npy = new LinkedHashMap<>();
        arrays.forEach((k, a) -> npy.put(k, a.bytes(k + "_" + name)));
        Path file = Files.write(tmp.resolve(name + ".npz"), Npy.zip(npy, name.equals("cifar100")));
        return file.toString();
    }

    private static void check(TaskSpec spec, String array, Arr written, INDArray got) {
        String what = spec.name() + "[" + array + "]";
        String key = array + "_" + spec.name();
        assertEquals(DataType.FLOAT, got.dataType(), what);
        assertEquals('c', got.ordering(), what);
        long[] shape = written.shape();
        long b = shape[0];
        boolean indices = array.startsWith("y") && spec.outputKind() == OutputKind.CLASSES;
        if (indices) {
            assertArrayEquals(new long[]{b, spec.numOutputs()}, got.shape(), what);
            for (long i = 0; i < b; i++) {
                int label = (int) value(key, written.dtype(), i);
                assertEquals(1f, got.getFloat(i, label), 0f, what + " sample " + i);
                assertEquals(1.0, got.getRow(i).sumNumber().doubleValue(), 0.0, what + " one-hot row " + i);
            }
            return;
        }
        assertArrayEquals(shape, got.shape(), what);
        long n = got.length();
        List<Long> probes = List.of(0L, 1L, n / 3, n / 2, n - 2, n - 1);
        INDArray flat = got.reshape(n);
        for (long i : probes) {
            double expected = value(key, written.dtype(), i);
            assertEquals((float) expected, flat.getFloat(i), 0f, what + " element " + i);
        }
        if (spec.name().equals("psicov") && array.equals("x_test")) {
            assertTrue(got.size(2) == 512 && got.size(3) == 512, "PSICOV's full-size test maps");
        }
    }
}
