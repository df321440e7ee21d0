package dev.dashspark.core.task;

import dev.dashspark.core.io.DataFileException;
import dev.dashspark.core.io.Npy;
import dev.dashspark.core.io.NpyDtype;
import dev.dashspark.core.io.NpyHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Arrays beyond Java's 2^31 limits, through sparse files (their holes read as zeros and take no disk): one of more than
 * 2^31 bytes is read whole, with values placed on both sides of the 2^31-byte boundary and at the very end; one that
 * declares more memory than the JVM may use is refused before anything is allocated.
 */
class LargeArrayTest {

    @TempDir
    Path tmp;

    /** A task of 1 channel, length 1024, 2 classes. */
    private static final TaskSpec SPEC = TaskDataTest.spec1d(OutputKind.CLASSES, 2, 1, 1024);

    private static byte[] small(NpyDtype t, long... shape) {
        return Npy.toNpy(NpyHeader.of(t, ByteOrder.LITTLE_ENDIAN, false, shape), i -> i % 2);
    }

    /** Writes x_train.npy as a sparse float32 (samples, 1, 1024) holding {@code values} at the given elements. */
    private Path sparseTask(long samples, long[] elements, float[] values) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("task"));
        NpyHeader h = NpyHeader.of(NpyDtype.FLOAT32, ByteOrder.LITTLE_ENDIAN, false, samples, 1, 1024);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("x_train.npy").toFile(), "rw")) {
            f.write(h.toBytes());
            f.setLength(h.totalBytes());
            for (int i = 0; i < elements.length; i++) {
                f.seek(h.dataOffset() + 4 * elements[i]);
                f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(values[i]).array());
            }
        }
        Files.write(dir.resolve("y_train.npy"), small(NpyDtype.INT64, samples));
        Files.write(dir.resolve("x_test.npy"), small(NpyDtype.FLOAT32, 2, 1, 1024));
        Files.write(dir.resolve("y_test.npy"), small(NpyDtype.INT64, 2));
        return dir;
    }

    @Test
    void anArrayOfMoreThan2To31BytesIsReadWhole() throws IOException {
        long samples = (1L << 19) + 3;                        // 2^29 + 3072 floats: 2 GiB + 12 KiB
        long boundary = (1L << 31) / 4;                       // the first element past 2^31 bytes
        long last = samples * 1024 - 1;
        long[] at = {0, boundary - 1, boundary, last};
        float[] v = {1.5f, -2.5f, 3.5f, 4.5f};
        Path dir = sparseTask(samples, at, v);
        assertTrue(Files.size(dir.resolve("x_train.npy")) > (1L << 31));
        TaskData d = TaskDataReader.readNpyFiles(SPEC, new LocalDataSource(dir));
        try {
            assertArrayEquals(new long[]{samples, 1, 1024}, d.xTrain().shape());
            for (int i = 0; i < at.length; i++) {
                assertEquals(v[i], d.xTrain().getFloat(at[i] / 1024, 0, at[i] % 1024), 0f, "element " + at[i]);
            }
            assertEquals(0f, d.xTrain().getFloat(boundary / 1024, 0, boundary % 1024 + 1), 0f);
            assertEquals(1.5 - 2.5 + 3.5 + 4.5, d.xTrain().sumNumber().doubleValue(), 1e-6);
            assertEquals(samples, d.yTrain().size(0));
        } finally {
            d.xTrain().close();
        }
    }

    @Test
    void anArrayNeedingMoreMemoryThanThereIsIsRefusedBeforeAllocation() throws IOException {
        long samples = 1L << 23;                              // 2^33 floats: 32 GiB
        Path dir = sparseTask(samples, new long[0], new float[0]);
        DataFileException e = assertThrows(DataFileException.class,
                () -> TaskDataReader.readNpyFiles(SPEC, new LocalDataSource(dir)));
        assertEquals("x_train", e.array());
        assertTrue(e.detail().startsWith("needs 32.0 GiB of memory as float32 [8388608, 1, 1024], but "), e.detail());
    }
}
