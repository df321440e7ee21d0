package dev.dashspark.spark.run;

import dev.dashspark.core.task.TaskSpec;
import dev.dashspark.spark.BuildInfo;
import dev.dashspark.spark.data.TaskDataLoader;
import dev.dashspark.spark.results.ResultsSchema;
import dev.dashspark.spark.results.ResultsTable;
import dev.dashspark.spark.results.TrialRow;
import dev.dashspark.spark.results.TrialRowWriter;
import dev.dashspark.spark.sweep.PlannedTrial;
import dev.dashspark.spark.sweep.SweepConfig;
import dev.dashspark.spark.sweep.SweepPlan;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The driver of a sweep: checks the data, reads what earlier runs already committed, and runs every trial that has
 * no OK row yet as its own Spark job of one task (so one trial's lost executor fails that trial, not the sweep).
 * Executors commit each trial's row themselves ({@link TrialExecution}); the driver logs progress and writes a
 * FAILED row for a trial whose Spark job failed outright.
 */
public final class SweepRunner {
    private static final Logger LOG = LoggerFactory.getLogger(SweepRunner.class);

    private SweepRunner() {
    }

    /** What a run of the sweep did. */
    public record Summary(int planned, int skipped, int ran, int ok, int failed, int diverged, String resultsPath,
                          Duration elapsed) {
        public boolean allOk() {
            return failed == 0 && diverged == 0;
        }
    }

    /** The Spark session for a sweep: the configuration's settings, unless {@code spark-submit} already set them. */
    public static SparkSession session(SweepConfig cfg) {
        SparkConf submitted = new SparkConf();
        SweepConfig.SparkSettings s = cfg.spark();
        SparkSession.Builder b = SparkSession.builder().appName("dash sweep " + cfg.name());
        Map<String, String> want = new LinkedHashMap<>();
        want.put("spark.master", s.master());
        want.put("spark.task.cpus", Integer.toString(s.taskCpus()));
        want.put("spark.executorEnv.OMP_NUM_THREADS", Integer.toString(s.taskCpus()));
        want.put("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        if (s.taskGpus() > 0) {
            want.put("spark.task.resource.gpu.amount", Double.toString(s.taskGpus()));
        }
        want.putAll(s.conf());
        for (Map.Entry<String, String> e : want.entrySet()) {
            if (!submitted.contains(e.getKey())) {
                b.config(e.getKey(), e.getValue());
            }
        }
        String master = submitted.get("spark.master", s.master());
        if (master.startsWith("local")) {
            // the driver JVM is the executor: dash-core's own threads follow the task's cores too
            System.setProperty("dash.threads", Integer.toString(s.taskCpus()));
        }
        return b.getOrCreate();
    }

    /**
     * Runs the sweep's pending trials; returns when every one has a committed row. {@code log} gets the progress
     * lines (also logged).
     */
    public static Summary run(SparkSession spark, SweepPlan plan, PrintStream log) {
        SweepConfig cfg = plan.config();
        Instant t0 = Instant.now();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        checkData(cfg, hadoop);
        checkSlots(spark, cfg);
        String results = ResultsTable.resultsPath(cfg.output());
        try {
            TrialRowWriter.checkWritable(results, hadoop);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(cfg.file() + ": " + e.getMessage(), e);
        }
        String group = "dash:" + cfg.name();
        jsc.setJobGroup(group, "dash sweep " + cfg.name(), false);

        jsc.setJobDescription("dash " + cfg.name() + " · resume: read committed results");
        Map<String, Row> done = new HashMap<>();
        for (Row r : ResultsTable.read(spark, results).select(ResultsSchema.TRIAL_ID, ResultsSchema.STATUS,
                ResultsSchema.ATTEMPT).collectAsList()) {
            done.put(r.getString(0), r);
        }
        List<PlannedTrial> pending = new ArrayList<>();
        int skipped = 0;
        for (PlannedTrial t : plan.trials()) {
            Row prev = done.get(t.trialId());
            if (prev != null && ResultsSchema.OK.equals(prev.getString(1))) {
                skipped++;
            } else {
                pending.add(prev == null ? t : t.withAttempt(prev.getInt(2) + 1));
            }
        }
        Progress progress = new Progress(cfg.name(), pending.size(), skipped, log);
        progress.line("start: " + plan.trials().size() + " planned, " + skipped + " already OK, " + pending.size()
                + " to run -> " + results);
        LOG.info("sweep {} (config {}, {}): tasks {}, methods {}, settings {}, seeds {}, master {}, task cpus {},"
                + " task gpus {}, spark conf {}", cfg.name(), cfg.configHash(), cfg.file(), cfg.tasks().keySet(),
                cfg.methods(), cfg.settings(), cfg.seeds(), spark.sparkContext().master(),
                spark.sparkContext().getConf().get("spark.task.cpus", "1"),
                spark.sparkContext().getConf().get("spark.task.resource.gpu.amount", "0"), cfg.spark().conf());
        if (pending.isEmpty()) {
            return new Summary(plan.trials().size(), skipped, 0, 0, 0, 0, results, Duration.between(t0, Instant.now()));
        }

        Broadcast<SerializableConfiguration> conf = jsc.broadcast(new SerializableConfiguration(hadoop));
        Map<PlannedTrial, JavaFutureAction<List<TrialExecution.Outcome>>> jobs = new LinkedHashMap<>();
        for (PlannedTrial t : pending) {
            jsc.setJobDescription("dash " + cfg.name() + " · trial " + t.label());
            jobs.put(t, jsc.parallelize(List.of(t), 1).setName("trial " + t.trialId())
                    .map(new RunTrial(conf, results)).collectAsync());
        }
        jsc.setJobDescription(null);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "dash-sweep-progress");
            th.setDaemon(true);
            return th;
        });
        ticker.scheduleAtFixedRate(() -> progress.tick(running(spark)), 30, 30, TimeUnit.SECONDS);
        try {
            Set<PlannedTrial> open = new LinkedHashSet<>(jobs.keySet());
            while (!open.isEmpty()) {
                PlannedTrial next = null;
                for (PlannedTrial t : open) {
                    if (jobs.get(t).isDone()) {
                        next = t;
                        break;
                    }
                }
                if (next == null) {
                    sleep();
                    continue;
                }
                open.remove(next);
                TrialExecution.Outcome o;
                try {
                    o = jobs.get(next).get().get(0);
                } catch (ExecutionException e) {
                    o = jobFailed(next, e.getCause() == null ? e : e.getCause(), hadoop, results);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("sweep " + cfg.name() + ": interrupted; committed rows are kept", e);
                }
                progress.done(next, o, running(spark));
            }
        } finally {
            ticker.shutdownNow();
            jsc.clearJobGroup();
        }
        return new Summary(plan.trials().size(), skipped, pending.size(), progress.ok, progress.failed,
                progress.diverged, results, Duration.between(t0, Instant.now()));
    }

    /** Every distinct data location of the sweep exists and is readable, before any job starts. */
    static void checkData(SweepConfig cfg, Configuration hadoop) {
        Set<String> seen = new LinkedHashSet<>();
        for (Map<String, SweepConfig.ResolvedTask> bySetting : cfg.tasks().values()) {
            for (SweepConfig.ResolvedTask rt : bySetting.values()) {
                TaskSpec spec = rt.spec();
                if (spec.dataPath() == null && spec.synthetic() == null) {
                    throw new IllegalArgumentException(cfg.file() + ": task '" + spec.name() + "': data: not set; "
                            + "give task." + spec.name() + ".data (an .npz file or a directory of .npy files, local,"
                            + " hdfs:// or s3a://) in the tasks file");
                }
                if (spec.dataPath() != null && seen.add(spec.name() + "\u0000" + spec.dataPath())) {
                    try {
                        TaskDataLoader.checkReadable(spec, hadoop);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(cfg.file() + ": " + e.getMessage(), e);
                    }
                }
            }
        }
    }

    /** In local mode the master must have at least spark.task.cpus cores, or no trial could ever be scheduled. */
    static void checkSlots(SparkSession spark, SweepConfig cfg) {
        String master = spark.sparkContext().master();
        int cpus = Integer.parseInt(spark.sparkContext().getConf().get("spark.task.cpus", "1"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?]").matcher(master);
        int cores = master.equals("local") ? 1 : m.matches() ? (m.group(1).equals("*")
                ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1))) : Integer.MAX_VALUE;
        if (cpus > cores) {
            throw new IllegalArgumentException(cfg.file() + ": spark.task-cpus: " + cpus + " is more than the "
                    + cores + " core(s) of master '" + master + "'; no trial could run");
        }
    }

    private static TrialExecution.Outcome jobFailed(PlannedTrial t, Throwable e, Configuration hadoop, String results) {
        String message = "Spark job failed: " + TrialExecution.describe(e);
        LOG.error("trial {}: {}", t.label(), message);
        Instant now = Instant.now();
        TrialRow row = TrialRow.failed(t, t.taskProperties().get("metric"), message,
                new TrialRow.Context(-1, "driver", null, BuildInfo.versions(), now), now);
        try {
            TrialRowWriter.commit(row, results, hadoop);
        } catch (IOException io) {
            LOG.error("trial {}: cannot commit its FAILED row either: {}", t.label(), io.getMessage());
        }
        return new TrialExecution.Outcome(t.trialId(), ResultsSchema.FAILED, message, 0, "driver");
    }

    /** Tasks running now in this Spark application. */
    static int running(SparkSession spark) {
        int n = 0;
        var tracker = spark.sparkContext().statusTracker();
        for (int stage : tracker.getActiveStageIds()) {
            scala.Option<org.apache.spark.SparkStageInfo> info = tracker.getStageInfo(stage);
            if (info.isDefined()) {
                n += info.get().numActiveTasks();
            }
        }
        return n;
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The executor side of one trial's job. */
    static final class RunTrial implements Function<PlannedTrial, TrialExecution.Outcome> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<SerializableConfiguration> conf;
        private final String results;

        RunTrial(Broadcast<SerializableConfiguration> conf, String results) {
            this.conf = conf;
            this.results = results;
        }

        @Override
        public TrialExecution.Outcome call(PlannedTrial t) {
            return TrialExecution.run(t, conf.value().value(), results);
        }
    }

    /** Progress lines: done / running / failed counts and an ETA from the mean throughput so far. */
    public static final class Progress {
        private final String sweep;
        private final int total;
        private final int skipped;
        private final PrintStream log;
        private final Instant start = Instant.now();
        int ok;
        int failed;
        int diverged;

        Progress(String sweep, int total, int skipped, PrintStream log) {
            this.sweep = sweep;
            this.total = total;
            this.skipped = skipped;
            this.log = log;
        }

        synchronized void done(PlannedTrial t, TrialExecution.Outcome o, int running) {
            switch (dev.dashspark.core.trial.TrialStatus.parse(o.status())) {
                case OK -> ok++;
                case DIVERGED -> diverged++;
                case FAILED -> failed++;
            }
            String what = ResultsSchema.OK.equals(o.status()) ? "OK" : o.status() + ": " + o.message();
            line("trial " + t.label() + " " + what + " (" + String.format("%.1f", o.totalSeconds()) + " s on "
                    + o.executor() + ")");
            tick(running);
        }

        synchronized void tick(int running) {
            int done = ok + failed + diverged;
            double elapsed = Duration.between(start, Instant.now()).toMillis() / 1000.0;
            String eta = done == 0 ? "?" : format(elapsed / done * (total - done));
            line(String.format("%d/%d done (OK %d, FAILED %d, DIVERGED %d; %d skipped as already OK), %d running,"
                    + " elapsed %s, ETA %s", done, total, ok, failed, diverged, skipped, running, format(elapsed), eta));
        }

        void line(String s) {
            String msg = "[sweep " + sweep + "] " + s;
            if (log != null) {
                log.println(msg);
                log.flush();
            } else {
                LOG.info(msg);
            }
        }

        public static String format(double seconds) {
            long s = Math.round(seconds);
            return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                    : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
        }
    }
}
