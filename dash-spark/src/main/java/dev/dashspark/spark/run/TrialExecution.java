package dev.dashspark.spark.run;

import dev.dashspark.core.metric.Metrics;
import dev.dashspark.core.trial.CheckpointPolicy;
import dev.dashspark.core.trial.Checkpoints;
import dev.dashspark.core.trial.TrialStatus;
import dev.dashspark.core.trial.TrialResult;
import dev.dashspark.core.trial.TrialRunner;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskSpec;
import dev.dashspark.spark.BuildInfo;
import dev.dashspark.spark.data.DatasetCache;
import dev.dashspark.spark.results.TrialRow;
import dev.dashspark.spark.results.TrialRowWriter;
import dev.dashspark.spark.sweep.PlannedTrial;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.concurrent.CancellationException;

/**
 * Runs one planned trial where it is called (an executor, or the driver in local mode) and commits its results
 * row: OK or DIVERGED from the trial runner, FAILED with the message when anything throws. Only a failure to commit
 * the row itself propagates, so that Spark retries the task; and a trial cancelled by its sweep (its job cancelled
 * with interrupt: a timeout, or the sweep stopping) commits nothing and ends with a
 * {@link CancellationException}: the driver decides what, if anything, the row says.
 *
 * <p>The trial checkpoints into {@code <output>/_checkpoints/<trial_id>/} ({@link HadoopCheckpoints}) and resumes
 * from there when a retry or a rerun finds it; the checkpoints are removed once an OK or DIVERGED row is committed
 * (a FAILED trial keeps them for its rerun), unless the sweep keeps them.
 */
public final class TrialExecution {
    private static final Logger LOG = LoggerFactory.getLogger(TrialExecution.class);
    private static volatile int configuredThreads = -1;

    private TrialExecution() {
    }

    /** What the driver learns about a trial that ran. */
    public record Outcome(String trialId, String status, String message, double totalSeconds, String executor)
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }

    public static Outcome run(PlannedTrial t, Configuration conf, String resultsDir) {
        return run(t, conf, resultsDir, null);
    }

    /** Runs {@code t}, checkpointing under {@code checkpointsRoot} (null: no checkpoints). */
    public static Outcome run(PlannedTrial t, Configuration conf, String resultsDir, String checkpointsRoot) {
        Instant started = Instant.now();
        TaskContext ctx = TaskContext.get();
        String gpu = gpuAddress(ctx);
        TrialRow.Context c = new TrialRow.Context(ctx == null ? 0 : ctx.attemptNumber(), executor(), backend(gpu),
                BuildInfo.versions(), started);
        TrialRow row;
        String metricName = t.taskProperties().get("metric");
        Checkpoints store = Checkpoints.NONE;
        try {
            threads(t.taskCpus());
            if (gpu != null) {
                useGpu(gpu);
            }
            TaskSpec spec = t.spec();
            metricName = spec.metric().name();
            TaskData data = DatasetCache.shared().get(spec, t.seed(), conf);
            LOG.info("trial {}: starting (attempt {}, spark attempt {}) on {}", t.label(), t.attempt(),
                    c.sparkAttempt(), c.executor());
            if (checkpointsRoot != null) {
                store = new HadoopCheckpoints(checkpointsRoot, t.trialId(), conf);
            }
            TrialResult r = new TrialRunner(spec, t.methodEnum(), t.seed(), t.options(), progress(t),
                    new CheckpointPolicy(store, t.checkpointEvery())).run(data);
            row = TrialRow.of(t, r, c, Instant.now());
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            if (cancelled(ctx, e)) {
                LOG.warn("trial {}: cancelled by the sweep; no row", t.label());
                CancellationException ce = new CancellationException("trial " + t.trialId() + " cancelled");
                ce.initCause(e);
                throw ce;
            }
            LOG.error("trial {}: failed", t.label(), e);
            row = TrialRow.failed(t, metricName, describe(e), c, Instant.now());
        }
        // a row being committed is finished even when the sweep stops now: the interrupt waits until it is written
        boolean interrupted = Thread.interrupted();
        try {
            TrialRowWriter.commit(row, resultsDir, conf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (!t.keepCheckpoints() && !row.status().equals(TrialStatus.FAILED.name())) {
            try {
                store.clear();
            } catch (IOException e) {
                LOG.warn("trial {}: its checkpoints could not be removed: {}", t.label(), e.getMessage());
            }
        }
        LOG.info("trial {}: {} in {} s", t.label(), row.status(), String.format("%.1f", row.totalS()));
        return new Outcome(t.trialId(), row.status(), row.errorMessage(), row.totalS(), row.executor());
    }

    /** Whether the trial ended because its job was cancelled (Spark killed the task, or the thread was interrupted). */
    static boolean cancelled(TaskContext ctx, Throwable e) {
        if ((ctx != null && ctx.isInterrupted()) || Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable x = e; x != null; x = x.getCause() == x ? null : x.getCause()) {
            if (x instanceof CancellationException || x instanceof InterruptedException
                    || x instanceof java.nio.channels.ClosedByInterruptException) {
                return true;
            }
        }
        return false;
    }

    /** The exception's class and message and where it was thrown, for the results table. */
    public static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getClass().getName());
        if (e.getMessage() != null) {
            sb.append(": ").append(e.getMessage());
        }
        Throwable cause = e.getCause();
        int depth = 0;
        while (cause != null && cause != e && depth++ < 3) {
            sb.append("; caused by ").append(cause.getClass().getName());
            if (cause.getMessage() != null) {
                sb.append(": ").append(cause.getMessage());
            }
            cause = cause.getCause();
        }
        StackTraceElement[] st = e.getStackTrace();
        if (st.length > 0) {
            sb.append(" (at ").append(st[0]).append(')');
        }
        return sb.length() > 4000 ? sb.substring(0, 4000) + "…" : sb.toString();
    }

    /** ND4J's and BLAS's threads sized to the cores the task owns; once per JVM (all trials share one value). */
    static void threads(int n) {
        if (configuredThreads == n) {
            return;
        }
        synchronized (TrialExecution.class) {
            if (configuredThreads != n) {
                Nd4j.getEnvironment().setMaxThreads(n);
                Nd4j.getEnvironment().setMaxMasterThreads(n);
                Nd4j.factory().blas().setMaxThreads(n);
                configuredThreads = n;
            }
        }
    }

    private static String gpuAddress(TaskContext ctx) {
        if (ctx == null) {
            return null;
        }
        scala.Option<ResourceInformation> gpu = ctx.resources().get("gpu");
        if (gpu.isEmpty() || gpu.get().addresses().length == 0) {
            return null;
        }
        return gpu.get().addresses()[0];
    }

    /** Binds this thread's ND4J work to the GPU Spark assigned (a no-op on the CPU backend). */
    private static void useGpu(String address) {
        try {
            Nd4j.getAffinityManager().unsafeSetDevice(Integer.parseInt(address.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Spark assigned GPU address '" + address + "', which is not a device index", e);
        }
    }

    private static String executor() {
        String id = SparkEnv.get() == null ? "local" : SparkEnv.get().executorId();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        return id + "@" + host;
    }

    private static String backend(String gpu) {
        String b = Nd4j.getBackend().getClass().getSimpleName();
        return gpu == null ? b : b + " gpu:" + gpu;
    }

    /**
     * Logs the first epoch this attempt runs of each stage (epoch 1, or where a resumed stage picks up) and the last,
     * and every stage resumed from a checkpoint, so a retry's log shows where it resumed.
     */
    private static dev.dashspark.core.trial.Progress progress(PlannedTrial t) {
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        return new dev.dashspark.core.trial.Progress() {
            @Override
            public void epoch(String stage, String detail, int epoch, int epochs, double loss, double eta) {
                if (seen.add(stage + "\u0000" + detail) || epoch == epochs) {
                    LOG.info("trial {}: {} {} epoch {}/{} loss {}", t.label(), stage, detail, epoch, epochs,
                            String.format("%.4f", loss));
                }
            }

            @Override
            public void resumed(String stage, String detail) {
                LOG.info("trial {}: {} resumed from its checkpoint: {}", t.label(), stage, detail);
            }
        };
    }
}
