package dev.dashspark.spark.run;

import dev.dashspark.spark.results.ResultsTable;
import dev.dashspark.spark.sweep.PlannedTrial;
import dev.dashspark.spark.sweep.SweepConfig;
import dev.dashspark.spark.sweep.SweepFixtures;
import dev.dashspark.spark.sweep.SweepPlan;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An executor killed during retraining, past its first checkpoint, on real executor JVMs ({@code local-cluster}):
 * Spark's retry on a new executor resumes the stage from {@code <output>/_checkpoints/<trial_id>/} (its log's first
 * retraining epoch is past 1), and the trial's row equals that of the same trial run without a fault (same
 * architecture, same metric within float tolerance). Its checkpoints are gone once the row is committed.
 *
 * <p>Without stages that checkpoint, this fails where it should: no retraining checkpoint appears (the wait below
 * names the empty folder).
 */
class RetrainResumeClusterTest {
    private static final int EPOCHS = 40;

    private static SweepPlan plan(Path dir) throws IOException {
        Files.createDirectories(dir);
        SweepFixtures.tasks(dir, false);
        return SweepPlan.expand(SweepConfig.load(SweepFixtures.sweep(dir, SweepFixtures.body(dir, "tiny", "dash", "3",
                "budget { retrain-epochs = " + EPOCHS + " }\ncheckpoint-every = 5"), null)), "rev");
    }

    @Test
    void anExecutorKilledDuringRetrainingResumesFromItsCheckpointAndEndsLikeAnUninterruptedRun(@TempDir Path dir)
            throws Exception {
        SparkSession spark = dev.dashspark.spark.testing.LocalSpark.cluster(RetrainResumeClusterTest.class, java.util.Map.of());
        try {
            SweepPlan clean = plan(dir.resolve("clean"));
            SweepRunner.Summary s = SweepRunner.run(spark, clean, System.out);
            assertEquals(1, s.ok(), s.toString());
            Row expected = ResultsTable.read(spark, s.resultsPath()).select("arch", "metric_value", "val_error").first();

            SweepPlan faulty = plan(dir.resolve("faulty"));
            PlannedTrial t = faulty.trials().get(0);
            Path checkpoints = dir.resolve("faulty/out/_checkpoints").resolve(t.trialId());
            CompletableFuture<SweepRunner.Summary> sweep = CompletableFuture.supplyAsync(
                    () -> SweepRunner.run(spark, faulty, System.out));
            long deadline = System.nanoTime() + 300_000_000_000L;
            while (!retrainCheckpoint(checkpoints)) {
                assertFalse(sweep.isDone(), "the trial ended and no retraining checkpoint appeared under " + checkpoints
                        + ": " + listing(checkpoints));
                assertTrue(System.nanoTime() < deadline, "no retraining checkpoint under " + checkpoints + " in 300 s: "
                        + listing(checkpoints));
                Thread.sleep(100);
            }
            List<ProcessHandle> executors = ProcessHandle.current().descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")
                            || commandLine(p).contains("CoarseGrainedExecutorBackend")).toList();
            assertFalse(executors.isEmpty());
            executors.forEach(ProcessHandle::destroyForcibly);

            SweepRunner.Summary after = sweep.get(600, TimeUnit.SECONDS);
            assertEquals(1, after.ok(), after.toString());
            Row got = ResultsTable.read(spark, after.resultsPath()).select("arch", "metric_value", "val_error",
                    "spark_attempt").first();
            assertTrue(got.getInt(3) >= 1, "committed by Spark's retry: " + got);
            assertEquals(expected.getList(0), got.getList(0), "the same architecture");
            assertEquals(expected.getDouble(1), got.getDouble(1), 1e-5, "the same metric");
            assertEquals(expected.getDouble(2), got.getDouble(2), 1e-5, "the same validation error");
            String retry = retryLog(Path.of(System.getenv("SPARK_HOME"), "work"), t.trialId());
            assertTrue(retry.contains("(" + t.trialId() + "): retrain resumed from its checkpoint: epoch "), retry);
            Matcher m = Pattern.compile("\\(" + t.trialId() + "\\): retrain .* epoch (\\d+)/" + EPOCHS).matcher(retry);
            assertTrue(m.find(), retry);
            int resumedAt = Integer.parseInt(m.group(1));
            assertTrue(resumedAt > 1, "the retry resumed retraining at epoch " + resumedAt + ", not from the start");
            System.out.printf("fault executor killed in retraining: resumed at epoch %d of %d; metric %.6f = %.6f%n",
                    resumedAt, EPOCHS, got.getDouble(1), expected.getDouble(1));
            assertFalse(Files.exists(checkpoints), "checkpoints removed once the row was committed");
        } finally {
            spark.stop();
        }
    }

    /** Whether a stage blob whose name mentions retraining has a committed version. */
    private static boolean retrainCheckpoint(Path trialDir) throws IOException {
        if (!Files.isDirectory(trialDir)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(trialDir)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("v-")
                    && p.getParent().getFileName().toString().contains("retrain"));
        }
    }

    private static String listing(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return "(no folder)";
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(dir::relativize).map(Path::toString).toList().toString();
        }
    }

    /** The stderr of the executor that ran Spark's retry of the trial (under the workers' {@code work/} folders). */
    private static String retryLog(Path work, String trialId) throws IOException {
        try (Stream<Path> s = Files.walk(work)) {
            for (Path f : s.filter(p -> p.getFileName().toString().equals("stderr")).sorted().toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                if (text.contains("(" + trialId + "): starting (attempt 1, spark attempt 1)")) {
                    return text;
                }
            }
        }
        throw new AssertionError("no executor log of the retry of " + trialId + " under " + work);
    }

    private static String commandLine(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
