package dev.dashspark.spark.bench;

import dev.dashspark.core.trial.CheckpointPolicy;
import dev.dashspark.core.trial.TrialResult;
import dev.dashspark.core.trial.TrialRunner;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.spark.data.DatasetCache;
import dev.dashspark.spark.results.ResultsTable;
import dev.dashspark.spark.run.HadoopCheckpoints;
import dev.dashspark.spark.run.SweepRunner;
import dev.dashspark.spark.sweep.PlannedTrial;
import dev.dashspark.spark.sweep.SweepConfig;
import dev.dashspark.spark.sweep.SweepPlan;
import dev.dashspark.spark.BuildInfo;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.Map;

/**
 * {@code bench sweep [--conf conf/bench-sweep.conf] [--master local[2]]}: the fan-out overhead. The same sweep runs
 * (a) as sequential one-machine trials in this JVM and (b) through Spark, after one untimed warm-up trial; both give
 * each trial {@code spark.task-cpus} threads and checkpoint as a sweep's trials do. Prints CSV rows {@code mode,trials,slots,wall_s,sum_trial_s} and
 * then {@code speedup} (a/b) and {@code overhead_per_trial_s}: the Spark slot-seconds not spent inside trials,
 * per trial, {@code (slots·wall_b − Σ trial_s_b) / n}.
 */
public final class SweepBench {
    private SweepBench() {
    }

    /** Runs the bench on the sweep {@code conf}, with {@code master} (null: the sweep's) overriding spark.master. */
    public static int run(String conf, String master, PrintStream out) throws Exception {
        Map<String, String> overrides = master == null ? Map.of() : Map.of("spark.master", master);
        SweepConfig cfg = SweepConfig.load(java.nio.file.Path.of(conf), overrides);
        SweepPlan plan = SweepPlan.expand(cfg, BuildInfo.gitRevision());
        SparkSession spark = SweepRunner.session(cfg);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Path output = new Path(cfg.output());
        FileSystem fs = output.getFileSystem(hadoop);
        fs.delete(output, true);
        int n = plan.trials().size();
        int slots = Math.max(1, spark.sparkContext().defaultParallelism() / cfg.spark().taskCpus());

        // warm-up (JIT, ND4J natives): one trial, not timed
        runOne(plan.trials().get(0), hadoop, cfg.output());

        long a0 = System.nanoTime();
        double sumA = 0;
        for (PlannedTrial t : plan.trials()) {
            sumA += runOne(t, hadoop, cfg.output()).totalSeconds();
        }
        double wallA = (System.nanoTime() - a0) / 1e9;

        long b0 = System.nanoTime();
        SweepRunner.Summary s = SweepRunner.run(spark, plan, System.err);
        double wallB = (System.nanoTime() - b0) / 1e9;
        double sumB = 0;
        for (Row r : ResultsTable.read(spark, s.resultsPath()).select("total_s").collectAsList()) {
            sumB += r.getDouble(0);
        }
        out.println("mode,trials,slots,wall_s,sum_trial_s");
        out.printf("sequential,%d,1,%.2f,%.2f%n", n, wallA, sumA);
        out.printf("spark %s,%d,%d,%.2f,%.2f%n", spark.sparkContext().master(), s.ran(), slots, wallB, sumB);
        out.printf("speedup,%.3f%n", wallA / wallB);
        out.printf("overhead_per_trial_s,%.3f%n", (slots * wallB - sumB) / n);
        spark.stop();
        return s.allOk() ? 0 : 3;
    }

    /** One trial in this JVM, checkpointing as a sweep's trial does (so both sides of the bench pay for it). */
    private static TrialResult runOne(PlannedTrial t, Configuration hadoop, String output) throws Exception {
        TaskData data = DatasetCache.shared().get(t.spec(), t.seed(), hadoop);
        HadoopCheckpoints store = new HadoopCheckpoints(HadoopCheckpoints.root(output + "/sequential"), t.trialId(), hadoop);
        TrialResult r = new TrialRunner(t.spec(), t.methodEnum(), t.seed(), t.options(),
                dev.dashspark.core.trial.Progress.NONE, new CheckpointPolicy(store, t.checkpointEvery())).run(data);
        store.clear();
        return r;
    }
}
