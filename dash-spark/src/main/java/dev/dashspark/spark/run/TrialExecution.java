package dev.dashspark.spark.run;

import dev.dashspark.core.metric.Metrics;
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

/**
 * Runs one planned trial where it is called (an executor, or the driver in local mode) and commits its results
 * row: OK or DIVERGED from the trial runner, FAILED with the message when anything throws. Only a failure to commit
 * the row itself propagates, so that Spark retries the task.
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
        Instant started = Instant.now();
        TaskContext ctx = TaskContext.get();
        String gpu = gpuAddress(ctx);
        TrialRow.Context c = new TrialRow.Context(ctx == null ? 0 : ctx.attemptNumber(), executor(), backend(gpu),
                BuildInfo.versions(), started);
        TrialRow row;
        String metricName = t.taskProperties().get("metric");
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
            TrialResult r = new TrialRunner(spec, t.methodEnum(), t.seed(), t.options(), progress(t)).run(data);
            row = TrialRow.of(t, r, c, Instant.now());
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            LOG.error("trial {}: failed", t.label(), e);
            row = TrialRow.failed(t, metricName, describe(e), c, Instant.now());
        }
        try {
            TrialRowWriter.commit(row, resultsDir, conf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LOG.info("trial {}: {} in {} s", t.label(), row.status(), String.format("%.1f", row.totalS()));
        return new Outcome(t.trialId(), row.status(), row.errorMessage(), row.totalS(), row.executor());
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

    private static dev.dashspark.core.trial.Progress progress(PlannedTrial t) {
        return (stage, detail, epoch, epochs, loss, eta) -> {
            if (epoch == epochs || epoch == 1) {
                LOG.info("trial {}: {} {} epoch {}/{} loss {}", t.label(), stage, detail, epoch, epochs,
                        String.format("%.4f", loss));
            }
        };
    }
}
