package dev.dashspark.spark.run;

import dev.dashspark.spark.results.ResultsSchema;
import dev.dashspark.spark.results.ResultsTable;
import dev.dashspark.spark.sweep.PlannedTrial;
import dev.dashspark.spark.sweep.SweepConfig;
import dev.dashspark.spark.sweep.SweepFixtures;
import dev.dashspark.spark.sweep.SweepPlan;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sweeps on a real local Spark session: rows per trial, resume, reruns of deleted rows, FAILED and DIVERGED. */
class SweepRunnerTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = dev.dashspark.spark.testing.LocalSpark.start(SweepRunnerTest.class);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Map<String, Row> rows(String results) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : ResultsTable.read(spark, results).collectAsList()) {
            m.put(r.getString(r.fieldIndex(ResultsSchema.TRIAL_ID)), r);
        }
        return m;
    }

    private static List<Path> committed(String results) throws IOException {
        try (Stream<Path> s = Files.list(Path.of(results))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
    }

    @Test
    void sweepLandsOneRowPerTrialResumesAndRerunsExactlyTheMissing(@TempDir Path dir) throws Exception {
        SweepFixtures.tasks(dir, false);
        SweepConfig cfg = SweepConfig.load(SweepFixtures.sweep(dir,
                SweepFixtures.body(dir, "tiny", "dash, backbone, random", "0, 1", null), null));
        SweepPlan plan = SweepPlan.expand(cfg, "test-rev");
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        // the jobs in flight at once, sampled while the sweep runs: a bounded window, not all six at once
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                most.accumulateAndGet(spark.sparkContext().statusTracker().getActiveJobIds().length, Math::max);
                Thread.onSpinWait();
            }
        });
        sampler.start();
        SweepRunner.Summary s;
        try {
            s = SweepRunner.run(spark, plan, new java.io.PrintStream(log, true, "UTF-8"));
        } finally {
            sampling.set(false);
            sampler.join();
        }
        assertEquals(4, SweepRunner.window(spark, cfg), "twice the 2 slots of local[2]");
        assertTrue(most.get() >= 2 && most.get() <= 4, "jobs in flight at once: " + most.get());
        List<String> lines = log.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.get(0).startsWith("[sweep test] start: 6 planned, 0 already OK, 6 to run, 0 not rerun"),
                lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\[sweep test] 6/6 done \\(OK 6, FAILED 0, DIVERGED 0; "
                + "0 skipped as already OK\\), \\d+ running, elapsed \\d+s, ETA 0s")), String.join("\n", lines));
        assertEquals(6, lines.stream().filter(l -> l.matches("\\[sweep test] trial tiny/\\S+/quick/seed \\d \\(\\w{16}\\) OK .*")).count(),
                String.join("\n", lines));
        assertEquals(6, s.planned());
        assertEquals(6, s.ran());
        assertEquals(6, s.ok(), s.toString());
        assertTrue(s.allOk());

        Map<String, Row> rows = rows(s.resultsPath());
        assertEquals(plan.trials().stream().map(PlannedTrial::trialId).collect(Collectors.toSet()), rows.keySet());
        assertEquals(Arrays.asList(ResultsSchema.SCHEMA.fieldNames()),
                Arrays.asList(ResultsTable.read(spark, s.resultsPath()).schema().fieldNames()));
        for (PlannedTrial t : plan.trials()) {
            Row r = rows.get(t.trialId());
            assertEquals("test", r.getString(r.fieldIndex("sweep_id")));
            assertEquals(t.task(), r.getString(r.fieldIndex("task")));
            assertEquals(t.method(), r.getString(r.fieldIndex("method")));
            assertEquals(t.seed(), r.getLong(r.fieldIndex("seed")));
            assertEquals("quick", r.getString(r.fieldIndex("setting")));
            assertEquals(Map.of("hpo", "none"), r.getJavaMap(r.fieldIndex("settings")));
            assertEquals(Set.of("lr", "dropout", "weight_decay", "momentum"),
                    r.<String, String>getJavaMap(r.fieldIndex("hparams")).keySet());
            assertEquals("OK", r.getString(r.fieldIndex("status")));
            assertNull(r.get(r.fieldIndex("error_message")));
            assertEquals("accuracy", r.getString(r.fieldIndex("metric_name")));
            double acc = r.getDouble(r.fieldIndex("metric_value"));
            assertTrue(acc >= 0 && acc <= 1, "accuracy " + acc);
            assertEquals(1 - acc, r.getDouble(r.fieldIndex("error")), 1e-12);
            assertTrue(Double.isFinite(r.getDouble(r.fieldIndex("val_error"))));
            List<Row> arch = r.getList(r.fieldIndex("arch"));
            assertEquals(9, arch.size(), "ResNet1D has 9 searchable convolutions");
            if (!t.method().equals("backbone")) { // the backbone keeps its own default kernels
                for (Row l : arch) {
                    assertTrue(Set.of(3, 5).contains(l.getInt(1)) && Set.of(1, 2).contains(l.getInt(2)), l.toString());
                }
            }
            double total = r.getDouble(r.fieldIndex("total_s"));
            assertTrue(total > 0 && total >= r.getDouble(r.fieldIndex("retrain_s")), "total_s " + total);
            if (t.method().equals("backbone") || t.method().equals("random")) {
                assertTrue(r.getDouble(r.fieldIndex("search_s")) < 1.0, "no search for " + t.method());
            }
            assertEquals(1, r.getInt(r.fieldIndex("attempt")));
            assertEquals(0, r.getInt(r.fieldIndex("spark_attempt")));
            assertTrue(r.getString(r.fieldIndex("executor")).startsWith("driver@"), r.getString(r.fieldIndex("executor")));
            assertEquals("CpuBackend", r.getString(r.fieldIndex("backend")));
            assertEquals(cfg.configHash(), r.getString(r.fieldIndex("config_hash")));
            assertEquals("test-rev", r.getString(r.fieldIndex("git_revision")));
            Map<String, String> versions = r.getJavaMap(r.fieldIndex("versions"));
            assertEquals("3.5.7", versions.get("spark"));
            assertEquals(System.getProperty("java.version"), versions.get("java"));
            assertTrue(r.getTimestamp(r.fieldIndex("finished_at")).after(r.getTimestamp(r.fieldIndex("started_at"))));
        }
        // a trial's architecture is the same as the one-machine pipeline finds: backbone = the default kernels
        List<Path> files = committed(s.resultsPath());
        assertEquals(6, files.size());

        // the same sweep again runs nothing and writes nothing
        SweepRunner.Summary again = SweepRunner.run(spark, plan, System.out);
        assertEquals(0, again.ran());
        assertEquals(6, again.skipped());
        assertEquals(files, committed(s.resultsPath()));

        // delete two rows: a rerun runs exactly those two
        List<String> deleted = List.of(plan.trials().get(1).trialId(), plan.trials().get(4).trialId());
        for (Path f : files) {
            if (deleted.stream().anyMatch(id -> f.getFileName().toString().startsWith(id + "-"))) {
                Files.delete(f);
            }
        }
        assertEquals(4, rows(s.resultsPath()).size());
        SweepRunner.Summary rerun = SweepRunner.run(spark, plan, System.out);
        assertEquals(2, rerun.ran());
        assertEquals(4, rerun.skipped());
        List<Path> after = committed(s.resultsPath());
        assertEquals(6, after.size());
        Set<String> newFiles = after.stream().filter(p -> !files.contains(p)).map(p -> p.getFileName().toString()
                .substring(0, 16)).collect(Collectors.toSet());
        assertEquals(Set.copyOf(deleted), newFiles);
        assertEquals(6, rows(s.resultsPath()).size());
    }

    @Test
    void badDataLandAsFailedAndADivergingTrialAsDivergedWhileOthersSucceed(@TempDir Path dir) throws Exception {
        SweepFixtures.tasks(dir, true);
        SweepConfig cfg = SweepConfig.load(SweepFixtures.sweep(dir,
                SweepFixtures.body(dir, "tiny, nan-data, bad-labels, huge-data", "backbone", "0", null), null));
        SweepPlan plan = SweepPlan.expand(cfg, "test-rev");
        SweepRunner.Summary s = SweepRunner.run(spark, plan, System.out);
        assertEquals(4, s.ran());
        assertEquals(1, s.ok());
        assertEquals(2, s.failed());
        assertEquals(1, s.diverged());
        assertFalse(s.allOk());
        Map<String, Row> byTask = new HashMap<>();
        for (Row r : rows(s.resultsPath()).values()) {
            byTask.put(r.getString(r.fieldIndex("task")), r);
        }
        assertEquals("OK", byTask.get("tiny").getString(byTask.get("tiny").fieldIndex("status")));
        Row nan = byTask.get("nan-data");
        assertEquals("FAILED", nan.getString(nan.fieldIndex("status")), "NaN inputs are a data error, not a divergence");
        String nanMsg = nan.getString(nan.fieldIndex("error_message"));
        assertTrue(nanMsg.contains("task 'nan-data': data: " + dir.resolve("nan-data") + "/x_train.npy: NaN at [0, 0, 5]"
                + " (sample 0); inputs must be finite"), nanMsg);
        Row diverged = byTask.get("huge-data");
        assertEquals("DIVERGED", diverged.getString(diverged.fieldIndex("status")));
        assertTrue(diverged.getString(diverged.fieldIndex("error_message")).toLowerCase().contains("nan")
                || diverged.getString(diverged.fieldIndex("error_message")).contains("finite"),
                diverged.getString(diverged.fieldIndex("error_message")));
        assertEquals(Double.POSITIVE_INFINITY, diverged.getDouble(diverged.fieldIndex("error")));
        Row failed = byTask.get("bad-labels");
        assertEquals("FAILED", failed.getString(failed.fieldIndex("status")));
        String msg = failed.getString(failed.fieldIndex("error_message"));
        assertTrue(msg.contains("y_train.npy: label 7 of sample 1 is not a class index in [0, 2)"), msg);
        assertEquals(Double.POSITIVE_INFINITY, failed.getDouble(failed.fieldIndex("error")));
        assertTrue(Double.isNaN(failed.getDouble(failed.fieldIndex("metric_value"))));
        assertEquals("accuracy", failed.getString(failed.fieldIndex("metric_name")));
        assertNull(failed.get(failed.fieldIndex("arch")));

        // a rerun retries the FAILED trials (attempt 2), not the DIVERGED one (the same seed diverges again)
        SweepRunner.Summary rerun = SweepRunner.run(spark, plan, System.out);
        assertEquals(2, rerun.ran());
        assertEquals(1, rerun.skipped());
        assertEquals(1, rerun.notRerun());
        assertEquals(2, attempt(s.resultsPath(), "bad-labels"));
        assertEquals(2, attempt(s.resultsPath(), "nan-data"));
        assertEquals(1, attempt(s.resultsPath(), "huge-data"));
        // the third run is the FAILED trials' last (sweep.max-attempts = 3 by default); the fourth runs nothing
        assertEquals(2, SweepRunner.run(spark, plan, System.out).ran());
        SweepRunner.Summary fourth = SweepRunner.run(spark, plan, System.out);
        assertEquals(0, fourth.ran());
        assertEquals(3, fourth.notRerun());
        assertEquals(Map.of("OK", 1, "FAILED", 2, "DIVERGED", 1, "MISSING", 0), fourth.statuses());
        assertFalse(fourth.complete());
        assertEquals(3, attempt(s.resultsPath(), "bad-labels"));
        assertEquals(4, rows(s.resultsPath()).size(), "one row per trial although 8 attempts were committed");
        assertEquals(8, committed(s.resultsPath()).size());

        // with sweep.rerun-diverged the DIVERGED trial runs again (attempt 2); a fourth FAILED attempt still does not
        SweepConfig rerunDiverged = SweepConfig.load(SweepFixtures.sweep(dir, SweepFixtures.body(dir,
                "tiny, nan-data, bad-labels, huge-data", "backbone", "0", "rerun-diverged = true"), null));
        SweepRunner.Summary again = SweepRunner.run(spark, SweepPlan.expand(rerunDiverged, "test-rev"), System.out);
        assertEquals(1, again.ran());
        assertEquals(1, again.diverged());
        assertEquals(2, attempt(s.resultsPath(), "huge-data"));
        assertNotNull(ResultsTable.readAllAttempts(spark, s.resultsPath()));
    }

    private static int attempt(String results, String task) {
        for (Row r : rows(results).values()) {
            if (r.getString(r.fieldIndex("task")).equals(task)) {
                return r.getInt(r.fieldIndex("attempt"));
            }
        }
        throw new AssertionError("no row of task " + task);
    }

    @Test
    void aTaskWithoutDataIsRejectedNamingTheKey(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tasks.conf"), SweepFixtures.fileTask("nodata", "x").replace("task.nodata.data = x\n", ""));
        SweepConfig cfg = SweepConfig.load(SweepFixtures.sweep(dir,
                SweepFixtures.body(dir, "nodata", "backbone", "0", null), null));
        String m = assertThrows(IllegalArgumentException.class,
                () -> SweepRunner.checkData(cfg, spark.sparkContext().hadoopConfiguration())).getMessage();
        assertTrue(m.contains("task 'nodata': data: not set; give task.nodata.data"), m);
    }

    @Test
    void anOutputThatCannotBeWrittenIsRejectedBeforeAnyJob(@TempDir Path dir) throws Exception {
        SweepFixtures.tasks(dir, false);
        Path blocker = Files.writeString(dir.resolve("a-file"), "not a directory");
        SweepConfig cfg = SweepConfig.load(SweepFixtures.sweep(dir,
                SweepFixtures.body(dir, "tiny", "backbone", "0", null), null), Map.of("sweep.output", blocker + "/out"));
        int jobsBefore = spark.sparkContext().statusTracker().getJobIdsForGroup("dash:test").length;
        String m = assertThrows(IllegalArgumentException.class,
                () -> SweepRunner.run(spark, SweepPlan.expand(cfg, "r"), System.out)).getMessage();
        assertTrue(m.contains("sweep.output: cannot write results under " + blocker + "/out/results"), m);
        assertEquals(jobsBefore, spark.sparkContext().statusTracker().getJobIdsForGroup("dash:test").length);
    }

    @Test
    void missingDataIsRejectedBeforeAnyJob(@TempDir Path dir) throws Exception {
        SweepFixtures.tasks(dir, true);
        Files.walk(dir.resolve("nan-data")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        SweepConfig cfg = SweepConfig.load(SweepFixtures.sweep(dir,
                SweepFixtures.body(dir, "tiny, nan-data", "backbone", "0", null), null));
        int jobsBefore = spark.sparkContext().statusTracker().getJobIdsForGroup("dash:test").length;
        String m = assertThrows(IllegalArgumentException.class,
                () -> SweepRunner.run(spark, SweepPlan.expand(cfg, "r"), System.out)).getMessage();
        assertTrue(m.contains("task 'nan-data': data:") && m.contains("nan-data"), m);
        assertEquals(jobsBefore, spark.sparkContext().statusTracker().getJobIdsForGroup("dash:test").length);
        assertFalse(Files.exists(dir.resolve("out")));
    }
}
