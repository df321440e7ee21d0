package dev.dashspark.spark.data;

import dev.dashspark.core.io.DataFileException;
import dev.dashspark.core.io.Npy;
import dev.dashspark.core.task.SyntheticTasks;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskSpec;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HadoopDataSource} and {@link TaskDataLoader} on the local file system, through Hadoop's {@code file:}
 * scheme and bare paths: .npy directories, .npz files, names that leave the directory, and messages naming the
 * path.
 */
class HadoopDataSourceTest {

    @TempDir
    Path tmp;

    private final Configuration conf = new Configuration();

    @Test
    void opensFilesOfAFileUriDirectoryIncludingSubdirectories() throws IOException {
        Files.createDirectories(tmp.resolve("sub"));
        Files.writeString(tmp.resolve("a.txt"), "alpha", StandardCharsets.UTF_8);
        Files.writeString(tmp.resolve("sub/b.txt"), "beta", StandardCharsets.UTF_8);
        HadoopDataSource src = new HadoopDataSource(tmp.toUri().toString(), conf);

        assertEquals("file", src.dir().toUri().getScheme());
        assertTrue(src.exists("a.txt"));
        assertTrue(src.exists("sub/b.txt"));
        assertFalse(src.exists("sub"), "a directory is not a file");
        assertFalse(src.exists("c.txt"));
        try (InputStream in = src.open("a.txt")) {
            assertEquals("alpha", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        try (InputStream in = src.open("sub/b.txt")) {
            assertEquals("beta", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aBarePathIsLocalEvenWhenTheDefaultFileSystemIsNot() throws IOException {
        Files.writeString(tmp.resolve("a.txt"), "alpha", StandardCharsets.UTF_8);
        Configuration hdfsDefault = new Configuration();
        hdfsDefault.set("fs.defaultFS", "hdfs://no-such-namenode.invalid:8020");
        HadoopDataSource src = new HadoopDataSource(tmp.toString(), hdfsDefault);

        assertEquals(tmp.toString(), src.describe());
        assertEquals("file:" + tmp, src.dir().toString());
        assertEquals("file", src.dir().toUri().getScheme());
        try (InputStream in = src.open("a.txt")) {
            assertEquals("alpha", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals("file:" + Path.of("").toAbsolutePath().resolve("rel/x.npz"),
                HadoopDataSource.qualify("rel/x.npz").toString());
        assertEquals("file:" + tmp.resolve("a b%20c.npz"), HadoopDataSource.qualify(tmp + "/x/../a b%20c.npz").toString());
        assertEquals("s3a://bucket/", HadoopDataSource.qualify("s3a://bucket").toString());
        assertEquals("s3a://bucket/k/x.npz", HadoopDataSource.qualify("s3a://bucket/k/x.npz").toString());
    }

    @Test
    void rejectsNamesThatLeaveTheDirectory() throws IOException {
        Files.writeString(tmp.resolve("secret.txt"), "no", StandardCharsets.UTF_8);
        Path dir = Files.createDirectories(tmp.resolve("data"));
        HadoopDataSource src = new HadoopDataSource(dir.toString(), conf);
        for (String bad : new String[]{"../secret.txt", "a/../../secret.txt", "/etc/passwd", "./x.npy", "a//b.npy",
                "s3a://other/x.npy", "file:/etc/passwd", "a\\..\\b", "..", "sub/"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> src.open(bad), bad);
            assertEquals("name: '" + bad + "' leaves the directory " + dir
                    + " (names are relative paths below it, without '.', '..' or empty segments)", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> src.exists(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> src.open(""));
    }

    @Test
    void aMissingFileIsNamedWithItsDirectory() throws IOException {
        HadoopDataSource src = new HadoopDataSource(tmp.toString(), conf);
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> src.open("x_train.npy"));
        assertEquals(tmp + "/x_train.npy does not exist", e.getMessage());
    }

    @Test
    void loadsADirectoryOfNpyFilesByFileUriAndByBarePath() throws IOException {
        Map<String, INDArray> arrays = TaskFixtures.arrays(1);
        Path dir = TaskFixtures.npyDir(tmp.resolve("ecg"), arrays);
        for (String location : new String[]{dir.toUri().toString(), dir.toString()}) {
            TaskSpec spec = TaskFixtures.spec("ecg", location);
            TaskDataLoader.checkReadable(spec, conf);
            TaskFixtures.assertHolds(arrays, TaskDataLoader.load(spec, 0, conf));
        }
    }

    @Test
    void loadsAnNpzFileByFileUriAndByBarePath() throws IOException {
        Map<String, INDArray> arrays = TaskFixtures.arrays(2);
        Path file = Files.write(tmp.resolve("ecg.npz"), Npy.toNpz(arrays));
        for (String location : new String[]{file.toUri().toString(), file.toString()}) {
            TaskSpec spec = TaskFixtures.spec("ecg", location);
            TaskDataLoader.checkReadable(spec, conf);
            TaskFixtures.assertHolds(arrays, TaskDataLoader.load(spec, 0, conf));
        }
    }

    @Test
    void aSyntheticTaskIsGeneratedFromTheSeed() throws IOException {
        TaskSpec spec = TaskFixtures.synthetic("lag");
        TaskDataLoader.checkReadable(spec, conf);
        TaskData a = TaskDataLoader.load(spec, 7, conf);
        TaskData b = SyntheticTasks.generate(spec, 7);
        assertArrayEquals(b.xTrain().data().asFloat(), a.xTrain().data().asFloat());
        assertArrayEquals(b.yTest().data().asFloat(), a.yTest().data().asFloat());
        assertEquals(8, a.trainSize());
        assertEquals(2, a.valSize());
        assertEquals(4, a.testSize());
    }

    @Test
    void aMissingPathNamesTaskKeyAndPath() {
        String missing = tmp.resolve("nope.npz").toString();
        TaskSpec spec = TaskFixtures.spec("ecg", missing);
        IOException load = assertThrows(IOException.class, () -> TaskDataLoader.load(spec, 0, conf));
        assertEquals("task 'ecg': data: " + missing + " does not exist", load.getMessage());
        IllegalArgumentException check = assertThrows(IllegalArgumentException.class,
                () -> TaskDataLoader.checkReadable(spec, conf));
        assertEquals("task 'ecg': data: " + missing + " does not exist", check.getMessage());

        String uri = tmp.toUri() + "nope";
        IllegalArgumentException checkUri = assertThrows(IllegalArgumentException.class,
                () -> TaskDataLoader.checkReadable(TaskFixtures.spec("ecg", uri), conf));
        assertEquals("task 'ecg': data: " + uri + " does not exist", checkUri.getMessage());

        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> TaskDataLoader.checkReadable(TaskFixtures.spec("ecg", null), conf));
        assertTrue(none.getMessage().startsWith("task 'ecg': data: no data path; set task.ecg.data"),
                none.getMessage());
    }

    @Test
    void aDirectoryMissingRequiredFilesIsRejectedBeforeAndWhenLoading() throws IOException {
        Map<String, INDArray> arrays = TaskFixtures.arrays(3);
        arrays.remove("y_test");
        arrays.remove("x_train");
        Path dir = TaskFixtures.npyDir(tmp.resolve("ecg"), arrays);
        TaskSpec spec = TaskFixtures.spec("ecg", dir.toString());

        String expected = "task 'ecg': data: " + dir + ": missing arrays x_train, y_test (found x_test, x_val, y_train,"
                + " y_val; a task file holds x_train, y_train, x_test, y_test and optionally x_val with y_val)";
        IllegalArgumentException check = assertThrows(IllegalArgumentException.class,
                () -> TaskDataLoader.checkReadable(spec, conf));
        assertEquals(expected, check.getMessage());
        DataFileException load = assertThrows(DataFileException.class, () -> TaskDataLoader.load(spec, 0, conf));
        assertEquals(expected, load.getMessage());
    }

    @Test
    void aValidationArrayWithoutItsPartnerIsRejected() throws IOException {
        Map<String, INDArray> arrays = TaskFixtures.arrays(3);
        arrays.remove("y_val");
        Path dir = TaskFixtures.npyDir(tmp.resolve("ecg"), arrays);
        IllegalArgumentException check = assertThrows(IllegalArgumentException.class,
                () -> TaskDataLoader.checkReadable(TaskFixtures.spec("ecg", dir.toString()), conf));
        assertEquals("task 'ecg': data: " + dir + ": array x_val without y_val (give both, or neither to hold a"
                + " validation split out of train)", check.getMessage());
    }

    @Test
    void filesThatAreNotNpzOrNpyAreRejectedByTheCheck() throws IOException {
        Path text = Files.writeString(tmp.resolve("ecg.npz"), "not a zip but long enough to be one",
                StandardCharsets.UTF_8);
        IllegalArgumentException npz = assertThrows(IllegalArgumentException.class,
                () -> TaskDataLoader.checkReadable(TaskFixtures.spec("ecg", text.toString()), conf));
        assertEquals("task 'ecg': data: " + text + ": is not an .npz archive (no zip directory; an .npz is what"
                + " numpy.savez writes)", npz.getMessage());

        Path empty = Files.write(tmp.resolve("empty.npz"), new byte[0]);
        IllegalArgumentException short_ = assertThrows(IllegalArgumentException.class,
                () -> TaskDataLoader.checkReadable(TaskFixtures.spec("ecg", empty.toString()), conf));
        assertEquals("task 'ecg': data: " + empty + ": is empty; expected an .npz archive", short_.getMessage());

        Path dir = TaskFixtures.npyDir(tmp.resolve("dir"), TaskFixtures.arrays(4));
        Files.writeString(dir.resolve("y_train.npy"), "garbage!", StandardCharsets.UTF_8);
        IllegalArgumentException npy = assertThrows(IllegalArgumentException.class,
                () -> TaskDataLoader.checkReadable(TaskFixtures.spec("ecg", dir.toString()), conf));
        assertEquals("task 'ecg': data: " + dir + "/y_train.npy: is not an .npy array (it does not start with"
                + " \\x93NUMPY)", npy.getMessage());
    }

    @Test
    void valuesThatDoNotFitTheTaskAreRejectedOnLoadNamingFileAndArray() throws IOException {
        Map<String, INDArray> arrays = TaskFixtures.arrays(5);
        arrays.put("y_train", org.nd4j.linalg.factory.Nd4j.createFromArray(new long[]{2, 0, 7}));
        Path file = Files.write(tmp.resolve("ecg.npz"), Npy.toNpz(arrays));
        TaskSpec spec = TaskFixtures.spec("ecg", file.toString());
        TaskDataLoader.checkReadable(spec, conf);
        DataFileException e = assertThrows(DataFileException.class, () -> TaskDataLoader.load(spec, 0, conf));
        assertEquals("task 'ecg': data: " + file + "[y_train]: label 7 of sample 2 is not a class index in [0, 3)",
                e.getMessage());
    }

    @Test
    void positionalAndBulkReadsOfAFile() throws IOException {
        byte[] bytes = new byte[100_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Files.write(tmp.resolve("blob"), bytes);
        HadoopDataSource src = new HadoopDataSource(tmp.toUri().toString(), conf);
        try (dev.dashspark.core.io.RandomAccessInput in = src.openRandom("blob")) {
            assertEquals(bytes.length, in.length());
            byte[] b = new byte[10];
            in.readFully(70_000, b, 0, 10);
            assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 70_000, 70_010), b);
            in.readFully(5, b, 0, 10);
            assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 5, 15), b);
            assertThrows(java.io.EOFException.class, () -> in.readFully(99_995, new byte[10], 0, 10));
            try (InputStream s = java.nio.channels.Channels.newInputStream(in.channel(30_000, 50_000))) {
                assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 30_000, 80_000), s.readAllBytes());
            }
        }
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> src.openRandom("nope"));
        assertEquals(src.describe() + "/nope does not exist", e.getMessage());
    }
}
