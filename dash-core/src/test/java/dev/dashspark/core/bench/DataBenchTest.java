package dev.dashspark.core.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench data} runs end to end on a 2 MB task and prints one parsable CSV row per format and repetition. */
class DataBenchTest {

    @Test
    void printsOneRowPerFormatAndRepetition(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataBench.run(new DataBench.Options(2, List.of("npy", "npz", "npz-deflated"), 2, dir, false),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(DataBench.HEADER, lines.get(0));
        assertEquals(7, lines.size(), lines.toString());
        int columns = DataBench.HEADER.split(",").length;
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            assertEquals(columns, c.length, line);
            assertTrue(DataBench.FORMATS.contains(c[0]), line);
            assertTrue(Long.parseLong(c[1]) > 0 && Long.parseLong(c[2]) >= 2 << 20, line);
            assertTrue(Double.parseDouble(c[6]) > 0, line);
            assertEquals(c[3].equals("1"), !c[12].isEmpty(), "the peak is measured on the first repetition: " + line);
        }
        assertTrue(Files.exists(dir.resolve("npy/x_train.npy")) && Files.exists(dir.resolve("npz.npz")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DataBench.Options(1024, List.of("hdf5"), 3, null, false));
        assertEquals("bench data: --formats: unknown format 'hdf5'; expected some of [npy, npz, npz-deflated]",
                e.getMessage());
    }
}
