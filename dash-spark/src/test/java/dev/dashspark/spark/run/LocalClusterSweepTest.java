package dev.dashspark.spark.run;

import dev.dashspark.spark.results.ResultsTable;
import dev.dashspark.spark.sweep.SweepConfig;
import dev.dashspark.spark.sweep.SweepFixtures;
import dev.dashspark.spark.sweep.SweepPlan;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trials on real, separate executor JVMs: Spark's {@code local-cluster} mode starts a master and two workers in
 * this JVM, and each worker launches its executor as its own Java process, which runs the trials and commits their
 * rows itself.
 */
class LocalClusterSweepTest {

    @Test
    void trialsRunAndCommitOnSeparateExecutorJvms(@TempDir Path dir) throws Exception {
        Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
        String flags = System.getProperty("dash.test.jvmFlags", "");
        SparkSession spark = SparkSession.builder().master("local-cluster[2,1,1536]").appName("LocalClusterSweepTest")
                .config("spark.ui.enabled", "false")
                .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .config("spark.executor.extraJavaOptions", flags + " -Dorg.bytedeco.javacpp.maxphysicalbytes=3G"
                        + " -Dlog4j2.configurationFile=log4j2-test.xml")
                .config("spark.executorEnv.OMP_NUM_THREADS", "1")
                .config("spark.executor.memory", "1536m")
                .getOrCreate();
        try {
            SweepFixtures.tasks(dir, false);
            SweepConfig cfg = SweepConfig.load(SweepFixtures.sweep(dir,
                    SweepFixtures.body(dir, "tiny", "dash, backbone", "0, 1", null), null));
            SweepPlan plan = SweepPlan.expand(cfg, "rev");
            SweepRunner.Summary s = SweepRunner.run(spark, plan, System.out);
            assertEquals(4, s.ok(), s.toString());
            List<Row> rows = ResultsTable.read(spark, s.resultsPath()).select("executor", "status").collectAsList();
            assertEquals(4, rows.size());
            Set<String> executors = new HashSet<>();
            for (Row r : rows) {
                String executor = r.getString(0);
                assertFalse(executor.startsWith("driver@"), "ran in the driver: " + executor);
                assertTrue(executor.matches("\\d+@.+"), executor);
                executors.add(executor);
            }
            assertTrue(executors.size() >= 1, executors.toString());
            System.out.println("executors that ran trials: " + executors);
        } finally {
            spark.stop();
        }
    }
}
