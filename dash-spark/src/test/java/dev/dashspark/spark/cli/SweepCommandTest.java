package dev.dashspark.spark.cli;

import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import dev.dashspark.spark.lease.OutputLease;
import dev.dashspark.spark.results.ResultsTable;
import dev.dashspark.spark.run.StopSignal;
import dev.dashspark.spark.run.SweepRunner;
import dev.dashspark.spark.sweep.SweepConfig;
import dev.dashspark.spark.sweep.SweepFixtures;
import dev.dashspark.spark.sweep.SweepPlan;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep as a scheduler runs it, on a real local Spark session: one sweep per output (exit 4, or --wait), the
 * summary and _SUCCESS, a report failure that does not change the exit status, a hung trial ended by the timeout,
 * unreadable results set aside and rerun.
 */
class SweepCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = dev.dashspark.spark.testing.LocalSpark.start(SweepCommandTest.class);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private record Result(int status, String out) {
    }

    private static Result sweep(SweepPlan plan, boolean waitForLease) {
        StringWriter text = new StringWriter();
        int status = SweepCommand.execute(spark, plan, waitForLease, new PrintWriter(text, true), new StopSignal());
        return new Result(status, text.toString());
    }

    private static SweepPlan plan(Path dir, String tasks, String methods, String seeds, String extra) throws Exception {
        if (!Files.exists(dir.resolve("tasks.conf"))) {
            Files.createDirectories(dir);
            SweepFixtures.tasks(dir, false);
        }
        return SweepPlan.expand(SweepConfig.load(SweepFixtures.sweep(dir,
                SweepFixtures.body(dir, tasks, methods, seeds, extra), null)), "rev");
    }

    private static List<Path> committed(Path results) throws Exception {
        try (Stream<Path> s = Files.list(results)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
    }

    @Test
    void twoSweepsOnOneOutputOneRunsTheOtherExitsFourOrWaits(@TempDir Path dir) throws Exception {
        Files.writeString(SweepFixtures.tasks(dir, false), SweepFixtures.tinyTask("long", "retrain-epochs", "40"),
                java.nio.file.StandardOpenOption.APPEND);
        SweepPlan plan = plan(dir, "long", "backbone", "0, 1", null);
        CompletableFuture<Result> first = CompletableFuture.supplyAsync(() -> sweep(plan, false));
        Path lease = dir.resolve("out/_LEASE");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(lease) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        OutputLease.Held held = assertThrows(OutputLease.Held.class, () -> sweep(plan, false));
        assertEquals(4, held.status().code());
        assertTrue(held.getMessage().contains("is held by sweep 'test'"), held.getMessage());
        CompletableFuture<Result> waiting = CompletableFuture.supplyAsync(() -> sweep(plan, true));
        Result a = first.get(180, TimeUnit.SECONDS);
        Result b = waiting.get(180, TimeUnit.SECONDS);
        assertEquals(0, a.status(), a.out());
        assertEquals(0, b.status(), b.out());
        assertTrue(a.out().contains("sweep test: 2 planned, 0 already OK, 2 ran"), a.out());
        assertTrue(b.out().contains("waiting (--wait)"), b.out());
        assertTrue(b.out().contains("sweep test: 2 planned, 2 already OK, 0 ran"), "the waiting sweep found all done: " + b.out());
        assertEquals(2, committed(dir.resolve("out/results")).size(), "no trial ran twice");
        assertFalse(Files.exists(lease));
    }

    @Test
    void theSummarySaysWhatHappenedAndSuccessMarksAllOk(@TempDir Path dir) throws Exception {
        SweepFixtures.tasks(dir, true);
        Result ok = sweep(plan(dir, "tiny", "backbone", "0", null), false);
        assertEquals(0, ok.status(), ok.out());
        JsonNode s = JSON.readTree(dir.resolve("out/_summary.json").toFile());
        assertEquals(1, s.get("planned").asInt());
        assertEquals(1, s.get("statuses").get("OK").asInt());
        assertEquals(0, s.get("exit_status").asInt());
        assertEquals(dir.resolve("out/results").toString(), s.get("results").asText());
        assertTrue(Files.exists(dir.resolve("out/_SUCCESS")));

        Result bad = sweep(plan(dir, "tiny, bad-labels", "backbone", "0", null), false);
        assertEquals(3, bad.status(), bad.out());
        s = JSON.readTree(dir.resolve("out/_summary.json").toFile());
        assertEquals(2, s.get("planned").asInt());
        assertEquals(1, s.get("statuses").get("FAILED").asInt());
        assertEquals(1, s.get("this_run").get("ran").asInt());
        assertEquals(1, s.get("this_run").get("skipped_as_ok").asInt());
        assertEquals(3, s.get("exit_status").asInt());
        assertFalse(Files.exists(dir.resolve("out/_SUCCESS")), "not every trial is OK any more");
    }

    @Test
    void aReportThatFailsIsRecordedAndTheStatusStaysZero(@TempDir Path dir) throws Exception {
        SweepFixtures.tasks(dir, false);
        Files.createDirectories(dir.resolve("out"));
        Files.writeString(dir.resolve("out/report"), "a file where the report folder goes");
        Result r = sweep(plan(dir, "tiny", "backbone", "0", "report = true"), false);
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("report: FAILED: "), r.out());
        JsonNode s = JSON.readTree(dir.resolve("out/_summary.json").toFile());
        assertTrue(s.get("report").isNull());
        assertTrue(s.get("report_error").asText().contains("exists and is not a directory"), s.toString());
        assertEquals(0, s.get("exit_status").asInt());
        assertTrue(Files.exists(dir.resolve("out/_SUCCESS")));
    }

    /** A trial that would run for hours ("hangs") is cancelled at the timeout; the other trial and the sweep go on. */
    @Test
    void aHungTrialEndsFailedAtTheTimeoutAndTheSweepFinishes(@TempDir Path dir) throws Exception {
        Files.writeString(SweepFixtures.tasks(dir, false), SweepFixtures.tinyTask("hangs", "retrain-epochs", "1000000"),
                java.nio.file.StandardOpenOption.APPEND);
        // warm (JIT, ND4J): a trial that is slow only because it is the JVM's first would time out too
        assertEquals(0, sweep(plan(dir.resolve("warm"), "tiny", "backbone", "0", null), false).status());
        long t0 = System.nanoTime();
        Result r = sweep(plan(dir, "hangs, tiny", "backbone", "0", "trial-timeout = 8s"), false);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(3, r.status(), r.out());
        assertTrue(seconds < 90, "bounded: " + seconds + " s");
        List<Row> rows = ResultsTable.readAllAttempts(spark, dir.resolve("out/results").toString())
                .select("task", "status", "error_message", "executor").orderBy("task").collectAsList();
        assertEquals(2, rows.size(), "one row each: the cancelled trial wrote none of its own");
        assertEquals("hangs", rows.get(0).getString(0));
        assertEquals("FAILED", rows.get(0).getString(1));
        assertTrue(rows.get(0).getString(2).matches("timed out after \\d+s \\(sweep.trial-timeout = 8s\\); its job was"
                + " cancelled"), rows.get(0).getString(2));
        assertEquals("OK", rows.get(1).getString(1));
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (SweepRunner.running(spark) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(0, SweepRunner.running(spark), "the interrupt stopped the training loop");
    }

    @Test
    void unreadableAndForeignResultsAreSetAsideAndTheirTrialsRunAgain(@TempDir Path dir) throws Exception {
        SweepFixtures.tasks(dir, false);
        SweepPlan plan = plan(dir, "tiny", "backbone, random", "0", null);
        assertEquals(0, sweep(plan, false).status());
        Path results = dir.resolve("out/results");
        List<Path> files = committed(results);
        assertEquals(2, files.size());
        byte[] whole = Files.readAllBytes(files.get(0));
        Files.write(files.get(0), java.util.Arrays.copyOf(whole, whole.length / 2)); // cut short
        Files.writeString(results.resolve("notes.txt"), "not a results file", StandardCharsets.UTF_8);
        Files.createDirectories(results.resolve("stray-folder"));
        Files.writeString(results.resolve("_incoming/" + "dead-writer.parquet"), "");

        Result r = sweep(plan, false);
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("set aside " + files.get(0) + " (not a readable Parquet file"), r.out());
        assertTrue(r.out().contains("set aside " + results.resolve("notes.txt") + " (not a .parquet file)"), r.out());
        assertTrue(r.out().contains("removed 1 stale file(s) from " + results + "/_incoming"), r.out());
        assertTrue(r.out().contains("sweep test: 2 planned, 1 already OK, 1 ran (OK 1"), "the trial of the cut file ran again: " + r.out());
        try (Stream<Path> s = Files.list(results.resolve("_corrupt"))) {
            assertEquals(List.of(files.get(0).getFileName().toString(), "notes.txt", "stray-folder"),
                    s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList());
        }
        try (Stream<Path> s = Files.list(results.resolve("_incoming"))) {
            assertEquals(0, s.count());
        }
        assertEquals(2, ResultsTable.read(spark, results.toString()).count());
    }

    @Test
    void aPlainPathOutputWithAClusterMasterIsRefused(@TempDir Path dir) throws Exception {
        SweepFixtures.tasks(dir, false);
        SweepConfig cfg = plan(dir, "tiny", "backbone", "0", null).config();
        String m = assertThrows(dev.dashspark.core.cli.ConfigError.class, () -> SweepRunner.checkOutput(cfg,
                "spark://head:7077", new org.apache.hadoop.conf.Configuration())).getMessage();
        assertTrue(m.contains("sweep.output: '" + dir.resolve("out") + "' has no scheme and the master"
                + " 'spark://head:7077' is not local"), m);
        SweepRunner.checkOutput(cfg, "local-cluster[2,1,1024]", new org.apache.hadoop.conf.Configuration());
        org.apache.hadoop.conf.Configuration hdfs = new org.apache.hadoop.conf.Configuration();
        hdfs.set("fs.defaultFS", "hdfs://namenode:8020");
        SweepRunner.checkOutput(cfg, "yarn", hdfs); // the path is on the cluster's file system
    }
}
