package dev.dashspark.spark.run;

import dev.dashspark.spark.results.ResultsTable;
import dev.dashspark.spark.sweep.SweepConfig;
import dev.dashspark.spark.sweep.SweepFixtures;
import dev.dashspark.spark.sweep.SweepPlan;
import dev.dashspark.spark.testing.LocalSpark;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trials on real, separate executor JVMs: Spark's {@code local-cluster} mode starts a master and two workers in
 * this JVM, and each worker launches its executor as its own Java process, which runs the trials and commits their
 * rows itself. The workers discover two GPUs each with {@code submit/gpu-discovery.sh} (over a stand-in
 * {@code nvidia-smi}, there being no GPU here), every executor gets one and every trial requests one: each trial
 * must record the address Spark assigned to it. Then every executor is killed in the middle of a trial, and the
 * retry on new executors must leave one row.
 */
class LocalClusterSweepTest {

    @Test
    void trialsRunAndCommitOnSeparateExecutorJvms(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\nprintf '0\\n1\\n'\n");
        Path discovery = dir.resolve("discover-gpus.sh");
        Files.writeString(discovery, "#!/bin/sh\nPATH=" + bin + ":$PATH exec "
                + Path.of("../submit/gpu-discovery.sh").toAbsolutePath().normalize() + "\n");
        for (Path p : new Path[]{smi, discovery}) {
            p.toFile().setExecutable(true);
        }
        SparkSession spark = LocalSpark.cluster(LocalClusterSweepTest.class, Map.of(
                "spark.worker.resource.gpu.amount", "2",
                "spark.worker.resource.gpu.discoveryScript", discovery.toString(),
                "spark.executor.resource.gpu.amount", "1",
                "spark.executor.resource.gpu.discoveryScript", discovery.toString(),
                "spark.task.resource.gpu.amount", "1"));
        try {
            SweepFixtures.tasks(dir, false);
            SweepConfig cfg = SweepConfig.load(SweepFixtures.sweep(dir,
                    SweepFixtures.body(dir, "tiny", "dash, backbone", "0, 1", null), null));
            SweepPlan plan = SweepPlan.expand(cfg, "rev");
            SweepRunner.Summary s = SweepRunner.run(spark, plan, System.out);
            assertEquals(4, s.ok(), s.toString());
            List<Row> rows = ResultsTable.read(spark, s.resultsPath()).select("executor", "status", "backend")
                    .collectAsList();
            assertEquals(4, rows.size());
            Set<String> executors = new HashSet<>();
            for (Row r : rows) {
                String executor = r.getString(0);
                assertFalse(executor.startsWith("driver@"), "ran in the driver: " + executor);
                assertTrue(executor.matches("\\d+@.+"), executor);
                executors.add(executor);
                assertTrue(r.getString(2).matches("CpuBackend gpu:[01]"), "the trial's GPU: " + r.getString(2));
            }
            assertTrue(executors.size() >= 1, executors.toString());
            System.out.println("executors that ran trials: " + executors);

            lostExecutorRetriesTheTrialAndLeavesOneRow(spark, dir.resolve("lost"));
        } finally {
            spark.stop();
        }
    }

    /**
     * A real fault: while a trial runs, every executor JVM is killed. Spark starts new executors and retries the
     * task; the sweep still ends with one OK row for the trial, committed by the retry (spark_attempt 1).
     */
    private static void lostExecutorRetriesTheTrialAndLeavesOneRow(SparkSession spark, Path dir) throws Exception {
        Files.createDirectories(dir);
        SweepFixtures.tasks(dir, false);
        SweepConfig cfg = SweepConfig.load(SweepFixtures.sweep(dir,
                SweepFixtures.body(dir, "tiny", "backbone", "5", "budget { retrain-epochs = 600 }"), null));
        SweepPlan plan = SweepPlan.expand(cfg, "rev");
        java.util.concurrent.CompletableFuture<SweepRunner.Summary> sweep = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> SweepRunner.run(spark, plan, System.out));
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (SweepRunner.running(spark) == 0 && !sweep.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(500); // the trial is training now (the executors' ND4J is warm from the sweep before); 600 epochs
        // of the tiny task take several seconds even with the fast convolutions
        List<ProcessHandle> executors = ProcessHandle.current().descendants()
                .filter(p -> commandLine(p).contains("CoarseGrainedExecutorBackend")).toList();
        assertFalse(executors.isEmpty(), "no executor processes among the children of this JVM");
        assertFalse(sweep.isDone(), "the trial ended before the executors could be killed; make it longer");
        executors.forEach(ProcessHandle::destroyForcibly);
        System.out.println("killed executor processes " + executors.stream().map(ProcessHandle::pid).toList());

        SweepRunner.Summary s = sweep.get(180, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(1, s.ok(), s.toString());
        List<Row> rows = ResultsTable.read(spark, s.resultsPath()).select("status", "spark_attempt", "executor")
                .collectAsList();
        assertEquals(1, rows.size(), rows.toString());
        assertEquals("OK", rows.get(0).getString(0));
        assertTrue(rows.get(0).getInt(1) >= 1, "committed by a retry: " + rows.get(0));
        assertFalse(rows.get(0).getString(2).matches("[01]@.+"), "a new executor ran the retry: " + rows.get(0));
    }

    /** The full command line (Java's ProcessHandle.Info truncates long ones; /proc does not). */
    private static String commandLine(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (java.io.IOException e) {
            return p.info().commandLine().orElse("");
        }
    }
}
