package dev.dashspark.spark.results;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows written by executors read back through Spark column for column, deduplicated per trial, never half-written. */
class TrialRowWriterTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = dev.dashspark.spark.testing.LocalSpark.start(TrialRowWriterTest.class);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static TrialRow row(String id, String status, int attempt, Instant finished) {
        boolean ok = status.equals("OK");
        return new TrialRow("sw", id, "ecg", "dash", 3L, "paper", new TreeMap<>(Map.of("hpo", "lr", "kernels", "3,5")),
                ok ? new TreeMap<>(Map.of("lr", "0.1", "dropout", "0.0")) : null, status,
                ok ? null : "boom: naïve → ∞ \"quoted\"", "accuracy", ok ? 0.75 : Double.NaN,
                ok ? 0.25 : Double.POSITIVE_INFINITY, ok ? 0.2 : Double.POSITIVE_INFINITY,
                ok ? List.of(new TrialRow.Layer("b1c1", 7, 3), new TrialRow.Layer("b1c2", 3, 1)) : null, 1.5, 0, 2.25,
                3.75, attempt, 1, "4@node-7", "CpuBackend gpu:1", "cafe", new TreeMap<>(Map.of("spark", "3.5.7")),
                "abc123", Instant.parse("2026-11-28T10:00:00.123456Z"), finished);
    }

    @Test
    void everyColumnRoundTripsAndReadersKeepOneRowPerTrial(@TempDir Path dir) throws Exception {
        String results = dir.resolve("results").toString();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        TrialRow failed = row("t1", "FAILED", 1, Instant.parse("2026-11-28T10:05:00Z"));
        TrialRow ok = row("t1", "OK", 2, Instant.parse("2026-11-28T10:09:00.5Z"));
        TrialRow other = row("t2", "DIVERGED", 1, Instant.parse("2026-11-28T10:07:00Z"));
        TrialRow otherLater = row("t2", "DIVERGED", 2, Instant.parse("2026-11-28T10:08:00Z"));
        for (TrialRow r : List.of(failed, ok, other, otherLater)) {
            TrialRowWriter.commit(r, results, conf);
        }
        assertEquals(4, ResultsTable.readAllAttempts(spark, results).count());
        List<Row> rows = ResultsTable.read(spark, results).orderBy("trial_id").collectAsList();
        assertEquals(2, rows.size());
        assertEquals(ok.toSparkRow(), rows.get(0), "the OK attempt wins, every column as written");
        assertEquals(otherLater.toSparkRow(), rows.get(1), "else the latest attempt");
        try (Stream<Path> files = Files.list(dir.resolve("results/_incoming"))) {
            assertEquals(List.of(), files.filter(p -> p.toString().endsWith(".parquet")).toList(), "nothing left behind");
        }
    }

    @Test
    void anUnwritableDirectoryIsNamedAfterThreeAttempts(@TempDir Path dir) throws Exception {
        Path blocker = Files.writeString(dir.resolve("file"), "x");
        String results = blocker + "/results";
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        IOException e = assertThrows(IOException.class,
                () -> TrialRowWriter.commit(row("t9", "OK", 1, Instant.now()), results, conf));
        assertTrue(e.getMessage().contains("cannot write the row of trial t9 to " + blocker), e.getMessage());
        String m = assertThrows(IllegalArgumentException.class, () -> TrialRowWriter.checkWritable(results, conf))
                .getMessage();
        assertTrue(m.startsWith("sweep.output: cannot write results under " + results), m);
        assertEquals(0, ResultsTable.read(spark, dir.resolve("nothing-here").toString()).count());
    }
}
