package dev.dashspark.spark.run;

import dev.dashspark.spark.results.ResultsTable;
import dev.dashspark.spark.sweep.SweepConfig;
import dev.dashspark.spark.sweep.SweepFixtures;
import dev.dashspark.spark.sweep.SweepPlan;
import dev.dashspark.spark.testing.S3Server;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sweep whose task data and results live on S3, against a real S3-compatible server on 127.0.0.1: the data are
 * read through s3a:// on the executors, the rows are committed to s3a://, and a rerun reads them back from there.
 */
class S3SweepTest {

    @Test
    void sweepReadsTaskDataFromS3aAndWritesItsResultsThere(@TempDir Path dir) throws Exception {
        try (S3Server s3 = S3Server.start()) {
            Path local = dir.resolve("upload");
            SweepFixtures.writeTask(local, false, false);
            try (Stream<Path> files = Files.list(local)) {
                for (Path f : files.toList()) {
                    s3.put("tasks/good/" + f.getFileName(), Files.readAllBytes(f));
                }
            }
            Files.writeString(dir.resolve("tasks.conf"), SweepFixtures.fileTask("good", s3.uri("tasks/good"))
                    + SweepFixtures.fileTask("absent", s3.uri("tasks/absent")), StandardCharsets.UTF_8);
            String output = s3.uri("sweeps/s1");
            String body = SweepFixtures.body(dir, "good", "dash, backbone", "0", null)
                    .replace("output = \"" + dir.resolve("out") + "\"", "output = \"" + output + "\"");
            SparkSession spark = dev.dashspark.spark.testing.LocalSpark.start(S3SweepTest.class, s3.sparkProperties());
            try {
                SweepConfig cfg = SweepConfig.load(SweepFixtures.sweep(dir, body, null));
                assertEquals(output, cfg.output());
                long loadsBefore = dev.dashspark.spark.data.DatasetCache.shared().loads();
                SweepRunner.Summary s = SweepRunner.run(spark, SweepPlan.expand(cfg, "rev"), System.out);
                assertEquals(2, s.ok(), s.toString());
                assertEquals(loadsBefore + 1, dev.dashspark.spark.data.DatasetCache.shared().loads(),
                        "two trials of one task on one executor read its data from s3a:// once");
                assertEquals(output + "/results", s.resultsPath());

                List<String> keys = s3.list("sweeps/s1/results/");
                assertEquals(2, keys.stream().filter(k -> k.endsWith(".parquet") && !k.contains("_incoming")).count(),
                        keys.toString());
                assertTrue(keys.stream().noneMatch(k -> k.contains("_incoming/") && k.endsWith(".parquet")), keys.toString());
                List<Row> rows = ResultsTable.read(spark, s.resultsPath()).select("task", "status", "metric_value")
                        .collectAsList();
                assertEquals(2, rows.size());
                for (Row r : rows) {
                    assertEquals("good", r.getString(0));
                    assertEquals("OK", r.getString(1));
                    assertTrue(r.getDouble(2) >= 0 && r.getDouble(2) <= 1);
                }

                SweepRunner.Summary again = SweepRunner.run(spark, SweepPlan.expand(cfg, "rev"), System.out);
                assertEquals(0, again.ran());
                assertEquals(2, again.skipped());

                // a data path that is not there is rejected before any trial runs
                SweepConfig bad = SweepConfig.load(SweepFixtures.sweep(dir, body.replace("tasks = [good]",
                        "tasks = [good, absent]"), null));
                String m = assertThrows(IllegalArgumentException.class,
                        () -> SweepRunner.run(spark, SweepPlan.expand(bad, "rev"), System.out)).getMessage();
                assertTrue(m.contains("task 'absent': data: ") && m.contains(s3.uri("tasks/absent")), m);
            } finally {
                spark.stop();
            }
        }
    }
}
