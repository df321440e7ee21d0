package dev.dashspark.spark.cli;

import dev.dashspark.core.cli.ExitStatus;
import dev.dashspark.spark.BuildInfo;
import dev.dashspark.spark.lease.OutputLease;
import dev.dashspark.spark.run.StopSignal;
import dev.dashspark.spark.run.SweepRunner;
import dev.dashspark.spark.run.SweepSummary;
import dev.dashspark.spark.sweep.SweepConfig;
import dev.dashspark.spark.sweep.SweepPlan;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code sweep}: validates the sweep, then prints its plan ({@code --plan}) or takes the output's lease, runs the
 * pending trials, writes the report, {@code _summary.json} and (all OK) {@code _SUCCESS}. A SIGTERM stops it early
 * without FAILED rows for what it cancels. Exit status: {@link ExitStatus}.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Validates a sweep; --plan prints its trials; otherwise runs the trials without an OK row"
                + " (one sweep per output at a time) and writes the report and <output>/_summary.json."})
final class SweepCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(SweepCommand.class);
    /** How long a SIGTERM waits for the sweep to stop (under Hadoop's 30 s bound on a shutdown hook). */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(25);

    @Spec
    CommandSpec spec;

    @Option(names = "--conf", required = true, paramLabel = "FILE", description = "the sweep (HOCON)")
    Path conf;

    @Mixin
    SweepOptions options;

    @Override
    public Integer call() {
        return run(spec.commandLine().getOut(), SweepConfig.load(conf, options.overrides()), options);
    }

    /** Runs a loaded sweep as the command line does: its own Spark session, SIGTERM a stop request. */
    static int run(PrintWriter out, SweepConfig cfg, SweepOptions options) {
        SweepPlan plan = SweepPlan.expand(cfg, BuildInfo.gitRevision());
        if (options.plan) {
            plan.print(out);
            out.flush();
            return ExitStatus.OK.code();
        }
        StopSignal stop = new StopSignal().onShutdown(SHUTDOWN_GRACE);
        SparkSession spark = SweepRunner.session(cfg);
        try {
            return execute(spark, plan, options.waitForLease, out, stop);
        } finally {
            stop.finished();
            spark.stop();
        }
    }

    /**
     * Takes the output's lease (or exits 4, or waits), runs the sweep, writes the report and the summary; returns
     * the exit status. The lease is released on every way out.
     */
    static int execute(SparkSession spark, SweepPlan plan, boolean waitForLease, PrintWriter out, StopSignal stop) {
        SweepConfig cfg = plan.config();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Instant started = Instant.now();
        SweepRunner.preflight(spark, cfg); // a bad configuration exits 2 before the lease, whoever holds it
        OutputLease lease;
        try {
            lease = OutputLease.acquire(cfg.output(), hadoop, cfg.name(), cfg.operations().leaseTimeout(), waitForLease,
                    line -> {
                        out.println("[sweep " + cfg.name() + "] " + line);
                        out.flush();
                    });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("sweep.output: cannot take the lease on " + cfg.output() + ": "
                    + e.getMessage(), e);
        }
        try (lease) {
            lease.onLost(() -> stop.request("another sweep took over the lease on " + cfg.output()));
            SweepSummary.clearSuccess(cfg.output(), hadoop);
            SweepRunner.Summary s;
            try {
                s = SweepRunner.run(spark, plan, out, stop);
            } catch (RuntimeException e) {
                int status = e instanceof dev.dashspark.core.cli.ConfigError ? ExitStatus.USAGE.code() : ExitStatus.ERROR.code();
                writeSummary(cfg, hadoop, SweepSummary.of(cfg, null, status, null, null, e.getMessage(), started), false);
                throw e;
            }
            out.printf("sweep %s: %d planned, %d already OK, %d ran (OK %d, FAILED %d, DIVERGED %d) in %s%n",
                    cfg.name(), s.planned(), s.skipped(), s.ran(), s.ok(), s.failed(), s.diverged(),
                    SweepRunner.Progress.format(s.elapsed().toMillis() / 1000.0));
            out.println("results: " + s.resultsPath() + " " + s.statuses());
            if (s.stopped() != null) {
                int status = lease.lost() ? ExitStatus.OUTPUT_HELD.code() : ExitStatus.ERROR.code();
                out.println("stopped: " + s.stopped() + "; " + s.cancelled() + " cancelled trial(s) run again next time");
                out.flush();
                writeSummary(cfg, hadoop, SweepSummary.of(cfg, s, status, null, null, null, started), false);
                return status;
            }
            String report = null;
            String reportError = null;
            try {
                report = Reports.afterSweep(spark, cfg, plan, out);
            } catch (RuntimeException e) {
                reportError = e.toString();
                LOG.error("sweep {}: the report failed; the results are complete", cfg.name(), e);
                out.println("report: FAILED: " + cfg.redaction().scrub(e.toString()));
            }
            if (report != null) {
                out.println("report: " + report);
            }
            int status = s.complete() ? ExitStatus.OK.code() : ExitStatus.TRIALS_NOT_OK.code();
            writeSummary(cfg, hadoop, SweepSummary.of(cfg, s, status, report, reportError, null, started), s.complete());
            out.println("summary: " + cfg.output() + "/" + SweepSummary.FILE + " (exit status " + status + ")");
            out.flush();
            return status;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("sweep.output: " + cfg.output() + ": " + e.getMessage(), e);
        }
    }

    private static void writeSummary(SweepConfig cfg, Configuration hadoop, java.util.Map<String, Object> summary,
                                     boolean success) {
        try {
            SweepSummary.write(cfg.output(), hadoop, summary, success);
        } catch (IOException | RuntimeException e) {
            LOG.error("sweep {}: cannot write {}: {}", cfg.name(), SweepSummary.FILE, e.getMessage());
        }
    }
}
