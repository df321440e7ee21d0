package dev.dashspark.spark.run;

import dev.dashspark.core.cli.ConfigError;
import dev.dashspark.core.task.TaskSpec;
import dev.dashspark.core.trial.TrialStatus;
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
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The driver of a sweep: checks the data and the output, sets aside results files that cannot be read, reads what
 * earlier runs already committed, and runs every trial that has no OK row yet (within {@code sweep.max-attempts};
 * DIVERGED ones only with {@code sweep.rerun-diverged}) as its own Spark job of one task (so one trial's lost
 * executor fails that trial, not the sweep), a bounded window of them at a time. Executors commit each trial's row
 * themselves ({@link TrialExecution}); the driver logs progress, cancels a trial past {@code sweep.trial-timeout}
 * (with interrupt) and writes its FAILED row, writes a FAILED row for a trial whose Spark job failed outright, and on
 * a {@link StopSignal} stops submitting, cancels what runs and writes no row for it.
 */
public final class SweepRunner {
    private static final Logger LOG = LoggerFactory.getLogger(SweepRunner.class);
    /** How long a stopping sweep waits for its cancelled tasks to end (rows being committed finish meanwhile). */
    static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private SweepRunner() {
    }

    /**
     * What a run of the sweep did, and where the whole plan stands after it.
     *
     * @param planned   trials in the plan
     * @param skipped   trials already OK before this run
     * @param ran       trials this run submitted
     * @param ok        of those, OK (likewise failed, diverged)
     * @param cancelled of those, cancelled because the sweep stopped (no row: they run again)
     * @param notRerun  trials not run because they are FAILED with {@code max-attempts} used up, or DIVERGED
     * @param statuses  the plan after this run: trials per status ({@code OK}, {@code FAILED}, {@code DIVERGED}) and
     *                  {@code MISSING} (no row)
     * @param stopped   the reason the sweep stopped early, or null
     */
    public record Summary(int planned, int skipped, int ran, int ok, int failed, int diverged, int cancelled,
                          int notRerun, Map<String, Integer> statuses, String resultsPath, Duration elapsed,
                          String stopped) {
        /** This run's trials were all OK. */
        public boolean allOk() {
            return failed == 0 && diverged == 0;
        }

        /** Every planned trial has an OK row. */
        public boolean complete() {
            return statuses.getOrDefault(ResultsSchema.OK, 0) == planned;
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

    /** Runs the sweep's pending trials until each has a row; {@code log} gets the progress lines. */
    public static Summary run(SparkSession spark, SweepPlan plan, PrintStream log) {
        return run(spark, plan, new PrintWriter(new OutputStreamWriter(log, StandardCharsets.UTF_8), true),
                new StopSignal());
    }

    /**
     * Runs the sweep's pending trials; returns when every one has a committed row, or, after {@code stop} was
     * requested, when the running ones are cancelled. {@code log} gets the progress lines.
     */
    public static Summary run(SparkSession spark, SweepPlan plan, PrintWriter log, StopSignal stop) {
        SweepConfig cfg = plan.config();
        SweepConfig.Operations ops = cfg.operations();
        Instant t0 = Instant.now();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        preflight(spark, cfg);
        String results = ResultsTable.resultsPath(cfg.output());
        Progress progress = new Progress(cfg.name(), log);
        ResultsTable.Repair repair = ResultsTable.repair(results, hadoop);
        for (String q : repair.quarantined()) {
            progress.line("set aside " + q);
        }
        if (repair.incomingRemoved() > 0) {
            progress.line("removed " + repair.incomingRemoved() + " stale file(s) from " + results + "/_incoming");
        }
        String group = "dash:" + cfg.name();
        jsc.setJobGroup(group, "dash sweep " + cfg.name(), true);

        jsc.setJobDescription("dash " + cfg.name() + " · resume: read committed results");
        Map<String, Row> done = latest(spark, results);
        List<PlannedTrial> pending = new ArrayList<>();
        int skipped = 0;
        int notRerun = 0;
        for (PlannedTrial t : plan.trials()) {
            Row prev = done.get(t.trialId());
            if (prev == null) {
                pending.add(t);
                continue;
            }
            TrialStatus status = TrialStatus.parse(prev.getString(1));
            int attempt = prev.getInt(2);
            if (status == TrialStatus.OK) {
                skipped++;
            } else if (attempt >= ops.maxAttempts() || (status == TrialStatus.DIVERGED && !ops.rerunDiverged())) {
                notRerun++;
            } else {
                pending.add(t.withAttempt(attempt + 1));
            }
        }
        progress.start(pending.size(), skipped);
        progress.line("start: " + plan.trials().size() + " planned, " + skipped + " already OK, " + pending.size()
                + " to run, " + notRerun + " not rerun (FAILED " + ops.maxAttempts() + " times, or DIVERGED) -> "
                + results);
        LOG.info("sweep {} (config {}, {}): tasks {}, methods {}, settings {}, seeds {}, master {}, task cpus {},"
                + " task gpus {}, spark conf {}, operations {}", cfg.name(), cfg.configHash(), cfg.file(),
                cfg.tasks().keySet(), cfg.methods(), cfg.settings(), cfg.seeds(), spark.sparkContext().master(),
                spark.sparkContext().getConf().get("spark.task.cpus", "1"),
                spark.sparkContext().getConf().get("spark.task.resource.gpu.amount", "0"),
                cfg.redaction().map(cfg.spark().conf()), ops);
        if (!pending.isEmpty()) {
            fanOut(spark, jsc, cfg, pending, results, hadoop, progress, stop);
        }
        jsc.clearJobGroup();
        Map<String, Integer> statuses = statuses(spark, plan, results, hadoop);
        return new Summary(plan.trials().size(), skipped, progress.submitted - progress.cancelled, progress.ok,
                progress.failed, progress.diverged, progress.cancelled, notRerun, statuses, results,
                Duration.between(t0, Instant.now()), stop.requested() ? stop.reason() : null);
    }

    /**
     * A submitted trial: its job, when its task started running (0: still queued; a trial waiting for a slot is not
     * timed), and why the driver cancelled it (null: it did not).
     */
    private static final class Job {
        final JavaFutureAction<List<TrialExecution.Outcome>> future;
        long start;
        volatile String cancelled;

        Job(JavaFutureAction<List<TrialExecution.Outcome>> future) {
            this.future = future;
        }

        void cancel(String why) {
            cancelled = why;
            future.cancel(true);
        }

        /** Seconds since the task started running (0 while queued), noting the start when first seen. */
        double seconds(SparkSession spark) {
            if (start == 0) {
                var tracker = spark.sparkContext().statusTracker();
                for (int job : future.jobIds()) {
                    scala.Option<org.apache.spark.SparkJobInfo> info = tracker.getJobInfo(job);
                    for (int stage : info.isDefined() ? info.get().stageIds() : new int[0]) {
                        scala.Option<org.apache.spark.SparkStageInfo> st = tracker.getStageInfo(stage);
                        if (st.isDefined() && st.get().numActiveTasks() + st.get().numCompletedTasks() > 0) {
                            start = System.nanoTime();
                        }
                    }
                }
            }
            return start == 0 ? 0 : (System.nanoTime() - start) / 1e9;
        }
    }

    private static final String STOPPING = "stopping";

    private static void fanOut(SparkSession spark, JavaSparkContext jsc, SweepConfig cfg, List<PlannedTrial> pending,
                               String results, Configuration hadoop, Progress progress, StopSignal stop) {
        Duration timeout = cfg.operations().trialTimeout();
        Broadcast<SerializableConfiguration> conf = jsc.broadcast(new SerializableConfiguration(hadoop));
        RunTrial body = new RunTrial(conf, results, HadoopCheckpoints.root(cfg.output()));
        ArrayDeque<PlannedTrial> queue = new ArrayDeque<>(pending);
        Map<PlannedTrial, Job> running = new LinkedHashMap<>();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "dash-sweep-progress");
            th.setDaemon(true);
            return th;
        });
        ticker.scheduleAtFixedRate(() -> progress.tick(running(spark)), 30, 30, TimeUnit.SECONDS);
        boolean stopping = false;
        try {
            while (!queue.isEmpty() || !running.isEmpty()) {
                if (stop.requested() && !stopping) {
                    stopping = true;
                    progress.line("stopping (" + stop.reason() + "): no new trials; cancelling the " + running.size()
                            + " submitted, which write no row and run again next time; " + queue.size() + " not submitted");
                    queue.clear();
                    running.values().forEach(j -> j.cancel(STOPPING));
                }
                int window = window(spark, cfg);
                while (!stopping && running.size() < window && !queue.isEmpty()) {
                    PlannedTrial t = queue.poll();
                    progress.submitted++;
                    jsc.setJobDescription("dash " + cfg.name() + " · trial " + t.label());
                    running.put(t, new Job(jsc.parallelize(List.of(t), 1).setName("trial " + t.trialId())
                            .map(body).collectAsync()));
                }
                jsc.setJobDescription(null);
                boolean any = false;
                for (var it = running.entrySet().iterator(); it.hasNext(); ) {
                    var e = it.next();
                    Job j = e.getValue();
                    if (j.future.isDone()) {
                        it.remove();
                        finished(spark, e.getKey(), j, timeout, hadoop, results, progress);
                        any = true;
                    } else if (timeout != null && j.cancelled == null && j.seconds(spark) > timeout.toMillis() / 1000.0) {
                        LOG.warn("trial {}: running for {}, past sweep.trial-timeout; cancelling it", e.getKey().label(),
                                Progress.format(j.seconds(spark)));
                        j.cancel("timeout");
                    }
                }
                if (!any) {
                    sleep(200);
                }
            }
            if (stopping) {
                long deadline = System.nanoTime() + STOP_GRACE.toNanos();
                while (running(spark) > 0 && System.nanoTime() < deadline) {
                    sleep(200);
                }
            }
        } finally {
            ticker.shutdownNow();
        }
    }

    /** At most twice as many trials submitted as can run at once (slots = default parallelism / task cpus). */
    static int window(SparkSession spark, SweepConfig cfg) {
        int cpus = Integer.parseInt(spark.sparkContext().getConf().get("spark.task.cpus", "1"));
        int slots = Math.max(1, spark.sparkContext().defaultParallelism() / Math.max(1, cpus));
        return Math.max(2, 2 * slots);
    }

    private static void finished(SparkSession spark, PlannedTrial t, Job j, Duration timeout, Configuration hadoop,
                                 String results, Progress progress) {
        TrialExecution.Outcome o;
        try {
            o = j.future.get().get(0);
        } catch (CancellationException | ExecutionException e) {
            if (STOPPING.equals(j.cancelled) || (j.cancelled == null && spark.sparkContext().isStopped())) {
                progress.cancelled(t);
                return;
            }
            if (j.cancelled != null) {
                o = failedRow(t, "timed out after " + Progress.format(j.seconds(spark)) + " (sweep.trial-timeout = "
                        + Progress.format(timeout.toMillis() / 1000.0) + "); its job was cancelled", hadoop, results);
            } else {
                o = failedRow(t, "Spark job failed: " + TrialExecution.describe(e.getCause() == null ? e : e.getCause()),
                        hadoop, results);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep: interrupted; committed rows are kept", e);
        }
        progress.done(t, o, running(spark));
    }

    /** The latest row of every trial id (OK first): trial_id → (trial_id, status, attempt). */
    private static Map<String, Row> latest(SparkSession spark, String results) {
        Map<String, Row> done = new HashMap<>();
        for (Row r : ResultsTable.read(spark, results).select(ResultsSchema.TRIAL_ID, ResultsSchema.STATUS,
                ResultsSchema.ATTEMPT).collectAsList()) {
            done.put(r.getString(0), r);
        }
        return done;
    }

    /**
     * Trials of the plan per status after this run, {@code MISSING} for those without a row. Removes the checkpoints
     * of trials that will not run again (DIVERGED, or FAILED with the attempts used up), unless they are kept.
     */
    private static Map<String, Integer> statuses(SparkSession spark, SweepPlan plan, String results,
                                                 Configuration hadoop) {
        SweepConfig.Operations ops = plan.config().operations();
        Map<String, Row> rows = latest(spark, results);
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String s : ResultsSchema.STATUSES) {
            out.put(s, 0);
        }
        out.put(MISSING, 0);
        for (PlannedTrial t : plan.trials()) {
            Row r = rows.get(t.trialId());
            String status = r == null ? MISSING : r.getString(1);
            out.merge(status, 1, Integer::sum);
            boolean last = r != null && !ResultsSchema.OK.equals(status) && (r.getInt(2) >= ops.maxAttempts()
                    || (ResultsSchema.DIVERGED.equals(status) && !ops.rerunDiverged()));
            if (last && !ops.keepCheckpoints()) {
                try {
                    new HadoopCheckpoints(HadoopCheckpoints.root(plan.config().output()), t.trialId(), hadoop).clear();
                } catch (IOException e) {
                    LOG.warn("trial {}: cannot remove its checkpoints: {}", t.label(), e.getMessage());
                }
            }
        }
        return out;
    }

    /**
     * Everything about a sweep that can be checked before it starts, each failure a {@link ConfigError} naming the
     * file and key: the output (its scheme for the master, rows can be committed there), every data location, the
     * task's cores against a local master.
     */
    public static void preflight(SparkSession spark, SweepConfig cfg) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        checkOutput(cfg, spark.sparkContext().master(), hadoop);
        checkData(cfg, hadoop);
        checkSlots(spark, cfg);
        try {
            TrialRowWriter.checkWritable(ResultsTable.resultsPath(cfg.output()), hadoop);
        } catch (IllegalArgumentException e) {
            throw new ConfigError(cfg.file() + ": " + e.getMessage(), e);
        }
    }

    /** The status count of planned trials without any row. */
    public static final String MISSING = "MISSING";

    /**
     * An output without a scheme is a local path; with a master that is not local, every executor would commit its
     * rows to its own disk. Refused, unless Hadoop's default file system is not the local one (then the path is on
     * it). {@code file:} URIs are taken as a mount every node shares.
     */
    public static void checkOutput(SweepConfig cfg, String master, Configuration hadoop) {
        boolean localDefault = "file".equals(org.apache.hadoop.fs.FileSystem.getDefaultUri(hadoop).getScheme());
        if (!SweepConfig.hasScheme(cfg.output()) && !master.startsWith("local") && localDefault) {
            throw new ConfigError(cfg.file() + ": sweep.output: '" + cfg.output() + "' has no scheme and the master '"
                    + master + "' is not local: each executor would commit its rows to its own disk; give a shared"
                    + " file system URI (hdfs://, s3a://, or file:/// on a mount that every node shares)");
        }
    }

    /** Every distinct data location of the sweep exists and is readable, before any job starts. */
    static void checkData(SweepConfig cfg, Configuration hadoop) {
        Set<String> seen = new LinkedHashSet<>();
        for (Map<String, SweepConfig.ResolvedTask> bySetting : cfg.tasks().values()) {
            for (SweepConfig.ResolvedTask rt : bySetting.values()) {
                TaskSpec spec = rt.spec();
                if (spec.dataPath() == null && spec.synthetic() == null) {
                    throw new ConfigError(cfg.file() + ": task '" + spec.name() + "': data: not set; "
                            + "give task." + spec.name() + ".data (an .npz file or a directory of .npy files, local,"
                            + " hdfs:// or s3a://) in the tasks file");
                }
                if (spec.dataPath() != null && seen.add(spec.name() + "\u0000" + spec.dataPath())) {
                    try {
                        TaskDataLoader.checkReadable(spec, hadoop);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigError(cfg.file() + ": " + e.getMessage(), e);
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
            throw new ConfigError(cfg.file() + ": spark.task-cpus: " + cpus + " is more than the "
                    + cores + " core(s) of master '" + master + "'; no trial could run");
        }
    }

    /** Commits a FAILED row for {@code t} from the driver (its job failed, or timed out). */
    private static TrialExecution.Outcome failedRow(PlannedTrial t, String message, Configuration hadoop, String results) {
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
    public static int running(SparkSession spark) {
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

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
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
        private final String checkpoints;

        RunTrial(Broadcast<SerializableConfiguration> conf, String results, String checkpoints) {
            this.conf = conf;
            this.results = results;
            this.checkpoints = checkpoints;
        }

        @Override
        public TrialExecution.Outcome call(PlannedTrial t) {
            return TrialExecution.run(t, conf.value().value(), results, checkpoints);
        }
    }

    /** Progress lines: done / running / failed counts and an ETA from the mean throughput so far. */
    public static final class Progress {
        private final String sweep;
        private final PrintWriter log;
        private final Instant start = Instant.now();
        private int total;
        private int skipped;
        int ok;
        int failed;
        int diverged;
        int cancelled;
        int submitted;

        Progress(String sweep, PrintWriter log) {
            this.sweep = sweep;
            this.log = log;
        }

        synchronized void start(int total, int skipped) {
            this.total = total;
            this.skipped = skipped;
        }

        synchronized void done(PlannedTrial t, TrialExecution.Outcome o, int running) {
            switch (TrialStatus.parse(o.status())) {
                case OK -> ok++;
                case DIVERGED -> diverged++;
                case FAILED -> failed++;
            }
            String what = ResultsSchema.OK.equals(o.status()) ? "OK" : o.status() + ": " + o.message();
            line("trial " + t.label() + " " + what + " (" + String.format("%.1f", o.totalSeconds()) + " s on "
                    + o.executor() + ")");
            tick(running);
        }

        synchronized void cancelled(PlannedTrial t) {
            cancelled++;
            line("trial " + t.label() + " cancelled: no row; it runs again next time");
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
