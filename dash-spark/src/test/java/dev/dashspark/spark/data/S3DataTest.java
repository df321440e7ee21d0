package dev.dashspark.spark.data;

import dev.dashspark.core.io.Npy;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskSpec;
import dev.dashspark.spark.testing.S3Server;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Task data and Spark output on a real S3 protocol server ({@link S3Server}: S3Proxy in its own JVM) through
 * Hadoop's S3A: an .npz and a directory of .npy files uploaded and loaded back value for value, missing keys and
 * wrong credentials, executors loading through {@link DatasetCache}, and a Parquet table written and read by a local
 * SparkSession.
 */
@Timeout(120)
class S3DataTest {

    private static S3Server s3;

    @BeforeAll
    static void startServer() throws IOException {
        s3 = S3Server.start();
        System.out.println("S3DataTest: " + s3 + " answered after " + s3.startupTime().toMillis() + " ms");
        assertTrue(s3.isRunning());
    }

    @AfterAll
    static void stopServer() {
        if (s3 != null) {
            s3.close();
            assertFalse(s3.isRunning(), "the server process is stopped");
        }
    }

    @Test
    void anNpzUploadedThroughS3aLoadsBackValueForValue() throws IOException {
        Map<String, INDArray> arrays = TaskFixtures.arrays(11);
        byte[] npz = Npy.toNpz(arrays);
        s3.put("tasks/x.npz", npz);
        assertArrayEquals(npz, s3.get("tasks/x.npz"));
        assertTrue(s3.list("tasks/").contains("tasks/x.npz"), s3.list("tasks/").toString());

        TaskSpec spec = TaskFixtures.spec("x", s3.uri("tasks/x.npz"));
        Configuration conf = s3.configuration();
        TaskDataLoader.checkReadable(spec, conf);
        TaskData d = TaskDataLoader.load(spec, 0, conf);
        TaskFixtures.assertHolds(arrays, d);
        assertEquals(12.5 + 0, d.xTrain().getDouble(2, 0, 3), 0.0);
        assertEquals(11.0, d.xTest().getDouble(0, 0, 2), 0.0);

        DatasetCache cache = new DatasetCache(2);
        TaskData cached = cache.get(spec, 0, conf);
        TaskFixtures.assertHolds(arrays, cached);
        cache.get(spec, 1, conf);
        assertEquals(1, cache.loads());
    }

    @Test
    void aDirectoryOfNpyFilesUnderAPrefixLoads() throws IOException {
        Map<String, INDArray> arrays = TaskFixtures.arrays(12);
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            s3.put("tasks/dir/" + e.getKey() + ".npy", Npy.toNpy(e.getValue()));
        }
        for (String location : List.of(s3.uri("tasks/dir"), s3.uri("tasks/dir/"))) {
            TaskSpec spec = TaskFixtures.spec("dir", location);
            TaskDataLoader.checkReadable(spec, s3.configuration());
            TaskFixtures.assertHolds(arrays, TaskDataLoader.load(spec, 0, s3.configuration()));
        }
        HadoopDataSource src = new HadoopDataSource(s3.uri("tasks/dir"), s3.configuration());
        assertTrue(src.exists("x_train.npy"));
        assertFalse(src.exists("nope.npy"));
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> src.open("nope.npy"));
        assertEquals(s3.uri("tasks/dir/nope.npy") + " does not exist", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> src.open("../x.npz"));
    }

    @Test
    void aMissingKeyIsNamedByTheCheckAndByTheLoad() throws IOException {
        String missing = s3.uri("tasks/missing.npz");
        TaskSpec spec = TaskFixtures.spec("ecg", missing);
        IllegalArgumentException check = assertThrows(IllegalArgumentException.class,
                () -> TaskDataLoader.checkReadable(spec, s3.configuration()));
        assertEquals("task 'ecg': data: " + missing + " does not exist", check.getMessage());
        FileNotFoundException load = assertThrows(FileNotFoundException.class,
                () -> TaskDataLoader.load(spec, 0, s3.configuration()));
        assertEquals("task 'ecg': data: " + missing + " does not exist", load.getMessage());

        Map<String, INDArray> partial = TaskFixtures.arrays(13);
        s3.put("tasks/partial/x_train.npy", Npy.toNpy(partial.get("x_train")));
        IllegalArgumentException dir = assertThrows(IllegalArgumentException.class,
                () -> TaskDataLoader.checkReadable(TaskFixtures.spec("ecg", s3.uri("tasks/partial")), s3.configuration()));
        assertEquals("task 'ecg': data: " + s3.uri("tasks/partial") + ": missing arrays y_train, x_test, y_test"
                + " (found x_train; a task file holds x_train, y_train, x_test, y_test and optionally x_val with y_val)",
                dir.getMessage());
    }

    /** Bytes S3A's streams fetched (read, skipped or drained) plus those left unread when a request was aborted. */
    private static long fetched(FileSystem fs) {
        Long total = fs.getStorageStatistics().getLong("stream_read_total_bytes");
        Long aborted = fs.getStorageStatistics().getLong("stream_read_bytes_discarded_in_abort");
        assertTrue(total != null && aborted != null, "S3A statistics: " + fs.getStorageStatistics());
        return total + aborted;
    }

    @Test
    void theDriversHeaderCheckReadsRangesNotWholeFiles() throws IOException {
        long n = 2000;
        Map<String, byte[]> arrays = new java.util.LinkedHashMap<>();
        arrays.put("x_train", Npy.toNpy(dev.dashspark.core.io.NpyHeader.of(dev.dashspark.core.io.NpyDtype.FLOAT32,
                java.nio.ByteOrder.LITTLE_ENDIAN, false, n, 1, 1000), i -> i % 97));
        arrays.put("y_train", Npy.toNpy(dev.dashspark.core.io.NpyHeader.of(dev.dashspark.core.io.NpyDtype.INT64,
                java.nio.ByteOrder.LITTLE_ENDIAN, false, n), i -> i % 3));
        arrays.put("x_test", Npy.toNpy(dev.dashspark.core.io.NpyHeader.of(dev.dashspark.core.io.NpyDtype.FLOAT32,
                java.nio.ByteOrder.LITTLE_ENDIAN, false, 2, 1, 1000), i -> 1));
        arrays.put("y_test", Npy.toNpy(dev.dashspark.core.io.NpyHeader.of(dev.dashspark.core.io.NpyDtype.INT64,
                java.nio.ByteOrder.LITTLE_ENDIAN, false, 2), i -> 1));
        byte[] npz = Npy.zip(arrays, false);
        s3.put("tasks/big.npz", npz);
        for (Map.Entry<String, byte[]> e : arrays.entrySet()) {
            s3.put("tasks/big/" + e.getKey() + ".npy", e.getValue());
        }
        Configuration conf = s3.configuration();
        FileSystem fs = new Path(s3.uri("")).getFileSystem(conf);
        for (String location : List.of(s3.uri("tasks/big.npz"), s3.uri("tasks/big"))) {
            Map<String, String> p = new java.util.LinkedHashMap<>(TaskFixtures.spec("big", location).toProperties());
            p.put("shape", "1000");
            TaskSpec spec = TaskSpec.fromProperties("big", p);
            long before = fetched(fs);
            TaskDataLoader.checkReadable(spec, conf);
            long header = fetched(fs) - before;
            assertTrue(header < npz.length / 16, location + ": the header check fetched " + header + " of "
                    + npz.length + " bytes");
            before = fetched(fs);
            TaskData d = TaskDataLoader.load(spec, 0, conf);
            long load = fetched(fs) - before;
            assertTrue(load >= npz.length - 1024, location + ": the load fetched " + load + " bytes, the data are "
                    + npz.length + " (the counter counts what a whole read costs)");
            assertEquals(96.0, d.xTrain().getDouble(0, 0, 96), 0.0);
            assertEquals((n * 1000 - 1) % 97, d.xTrain().getDouble(n - 1, 0, 999), 0.0);
            System.out.println("S3DataTest: " + location + ": header check fetched " + header + " bytes, load "
                    + load + ", of " + npz.length);
        }
    }

    @Test
    void theServerRejectsWrongCredentials() throws IOException {
        s3.put("tasks/secret.bin", new byte[]{1, 2, 3});
        Configuration bad = s3.configuration();
        bad.set("fs.s3a.secret.key", "not-the-secret");
        // a new instance: the cached one of the bucket holds the right keys
        try (FileSystem fs = FileSystem.newInstance(new Path(s3.uri("")).toUri(), bad)) {
            assertThrows(AccessDeniedException.class, () -> fs.getFileStatus(new Path(s3.uri("tasks/secret.bin"))));
        }
    }

    @Test
    void sparkWritesAndReadsParquetOnS3aAndExecutorsLoadTaskDataOnce() throws IOException {
        Map<String, INDArray> arrays = TaskFixtures.arrays(14);
        s3.put("tasks/spark.npz", Npy.toNpz(arrays));
        TaskSpec spec = TaskFixtures.spec("spark", s3.uri("tasks/spark.npz"));
        float expectedSum = TaskDataLoader.load(spec, 0, s3.configuration()).xTrain().sumNumber().floatValue();

        SparkSession spark = dev.dashspark.spark.testing.LocalSpark.start(S3DataTest.class, s3.sparkProperties());
        try {
            StructType schema = new StructType()
                    .add("id", DataTypes.LongType, false)
                    .add("value", DataTypes.DoubleType, false)
                    .add("name", DataTypes.StringType, false);
            List<Row> rows = new ArrayList<>();
            for (long i = 0; i < 500; i++) {
                rows.add(RowFactory.create(i, i * 0.5 - 7, "row-" + i));
            }
            String out = s3.uri("out/table");
            spark.createDataFrame(rows, schema).repartition(3).write().mode(SaveMode.Overwrite).parquet(out);

            List<String> keys = s3.list("out/table/");
            assertTrue(keys.contains("out/table/_SUCCESS"), keys.toString());
            assertTrue(keys.stream().filter(k -> k.endsWith(".parquet")).count() >= 1, keys.toString());
            assertFalse(keys.stream().anyMatch(k -> k.contains("_temporary")), keys.toString());

            List<Row> back = spark.read().parquet(out).orderBy("id").collectAsList();
            assertEquals(rows.size(), back.size());
            for (int i = 0; i < rows.size(); i++) {
                assertEquals(rows.get(i), back.get(i));
            }

            // Executors (two task threads here) load the task from s3a:// through the JVM's shared cache, once,
            // with the driver's Hadoop configuration (its spark.hadoop.fs.s3a.* settings) shipped in the closure.
            org.apache.spark.util.SerializableConfiguration hadoop =
                    new org.apache.spark.util.SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
            assertEquals(s3.endpoint(), hadoop.value().get("fs.s3a.endpoint"));
            Map<String, String> props = new HashMap<>(spec.toProperties());
            long before = DatasetCache.shared().loads();
            MapPartitionsFunction<Long, String> trial = it -> {
                TaskData d = DatasetCache.shared().get(TaskSpec.fromProperties("spark", props), 0, hadoop.value());
                return List.of(d.trainSize() + ":" + d.xTrain().castTo(DataType.FLOAT).sumNumber().floatValue())
                        .iterator();
            };
            List<String> seen = spark.range(0, 8, 1, 8).as(Encoders.LONG()).mapPartitions(trial, Encoders.STRING())
                    .collectAsList();
            assertEquals(8, seen.size());
            for (String s : seen) {
                assertEquals("3:" + expectedSum, s);
            }
            assertEquals(before + 1, DatasetCache.shared().loads(), "8 partitions on 2 threads, one read");
        } finally {
            spark.stop();
        }
    }
}
