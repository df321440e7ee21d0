package dev.dashspark.spark.run;

import dev.dashspark.core.io.Npy;
import dev.dashspark.spark.results.ResultsTable;
import dev.dashspark.spark.sweep.SweepConfig;
import dev.dashspark.spark.sweep.SweepFixtures;
import dev.dashspark.spark.sweep.SweepPlan;
import dev.dashspark.spark.testing.LocalSpark;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bad task beside two good ones (a synthetic one and one read from files), on real executor JVMs
 * ({@code local-cluster}: two workers, each executor its own Java process). A fault visible in a header (an
 * {@code x_train} of the wrong rank, the example) ends the sweep's validation before any job, naming task,
 * file, array, and what was expected against what was found. A fault visible only in the values (a NaN input) lands
 * as a FAILED row naming the file and the array, while the good trials are OK, on executors, and no executor is lost.
 */
class BadDataLocalClusterTest {

    @Test
    void aBadTaskIsRefusedBeforeAnyJobOrFailsAloneWhileTheGoodOnesSucceed(@TempDir Path dir) throws Exception {
        SparkSession spark = LocalSpark.cluster(BadDataLocalClusterTest.class, Map.of());
        AtomicInteger removed = new AtomicInteger();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
                removed.incrementAndGet();
            }
        });
        try {
            SweepFixtures.writeTask(dir.resolve("good"), false, false);
            SweepFixtures.writeTask(dir.resolve("nan-data"), true, false);
            SweepFixtures.writeTask(dir.resolve("wrong-rank"), false, false);
            Files.write(dir.resolve("wrong-rank/x_train.npy"), Npy.toNpy(Nd4j.zeros(DataType.FLOAT, 200, 64)));
            Files.writeString(dir.resolve("tasks.conf"), SweepFixtures.TINY + SweepFixtures.fileTask("good", "good")
                    + SweepFixtures.fileTask("nan-data", "nan-data") + SweepFixtures.fileTask("wrong-rank", "wrong-rank"),
                    StandardCharsets.UTF_8);

            SweepConfig header = SweepConfig.load(SweepFixtures.sweep(dir,
                    SweepFixtures.body(dir, "tiny, good, wrong-rank", "backbone", "0", null), null));
            String m = assertThrows(IllegalArgumentException.class,
                    () -> SweepRunner.run(spark, SweepPlan.expand(header, "rev"), System.out)).getMessage();
            assertEquals(header.file() + ": task 'wrong-rank': data: " + dir.resolve("wrong-rank") + "/x_train.npy:"
                    + " shape [200, 64] (float32), expected [B, 1, 64] for channels 1, shape 64; add the channel axis"
                    + " (numpy: x[:, None])", m);
            assertEquals(0, spark.sparkContext().statusTracker().getJobIdsForGroup("dash:test").length,
                    "no job started");
            assertFalse(Files.exists(dir.resolve("out")), "nothing written");

            SweepConfig values = SweepConfig.load(SweepFixtures.sweep(dir,
                    SweepFixtures.body(dir, "tiny, good, nan-data", "backbone", "0", null), null));
            SweepRunner.Summary s = SweepRunner.run(spark, SweepPlan.expand(values, "rev"), System.out);
            assertEquals(2, s.ok(), s.toString());
            assertEquals(1, s.failed(), s.toString());
            assertEquals(0, s.diverged(), s.toString());
            Map<String, Row> byTask = new HashMap<>();
            List<Row> rows = ResultsTable.read(spark, s.resultsPath()).select("task", "status", "error_message",
                    "executor").collectAsList();
            for (Row r : rows) {
                byTask.put(r.getString(0), r);
                assertTrue(r.getString(3).matches("\\d+@.+"), "ran on an executor: " + r);
            }
            assertEquals("OK", byTask.get("tiny").getString(1));
            assertEquals("OK", byTask.get("good").getString(1));
            Row bad = byTask.get("nan-data");
            assertEquals("FAILED", bad.getString(1));
            assertTrue(bad.getString(2).contains("task 'nan-data': data: " + dir.resolve("nan-data")
                    + "/x_train.npy: NaN at [0, 0, 5] (sample 0); inputs must be finite"), bad.getString(2));
            assertEquals(0, removed.get(), "no executor lost");
            assertEquals(3, spark.sparkContext().statusTracker().getExecutorInfos().length, "the driver and both"
                    + " executors are still there");
        } finally {
            spark.stop();
        }
    }
}
