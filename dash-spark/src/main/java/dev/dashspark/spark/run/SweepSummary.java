package dev.dashspark.spark.run;

import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import dev.dashspark.spark.sweep.SweepConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a scheduler reads after a sweep: {@code <output>/_summary.json} (trials per status over the whole plan, the
 * planned count, what this run did, the exit status, the results and report paths, a report or run error) and
 * {@code <output>/_SUCCESS}, present exactly when every planned trial is OK. Every message in it passes the sweep's
 * {@link dev.dashspark.spark.sweep.Redaction}.
 */
public final class SweepSummary {
    public static final String FILE = "_summary.json";
    public static final String SUCCESS = "_SUCCESS";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SweepSummary() {
    }

    /** Removes {@code _SUCCESS} at the start of a run: it must describe this run's end, not an earlier one. */
    public static void clearSuccess(String output, Configuration conf) throws IOException {
        Path p = new Path(output, SUCCESS);
        fs(p, conf).delete(p, false);
    }

    /**
     * The summary of a run: {@code s} null when the run failed before it could finish ({@code error} then says why).
     */
    public static Map<String, Object> of(SweepConfig cfg, SweepRunner.Summary s, int exitStatus, String report,
                                         String reportError, String error, Instant started) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sweep", cfg.name());
        m.put("config_hash", cfg.configHash());
        m.put("planned", s == null ? cfg.trialCount() : s.planned());
        m.put("statuses", s == null ? null : s.statuses());
        if (s != null) {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("skipped_as_ok", s.skipped());
            run.put("ran", s.ran());
            run.put("ok", s.ok());
            run.put("failed", s.failed());
            run.put("diverged", s.diverged());
            run.put("cancelled", s.cancelled());
            run.put("not_rerun", s.notRerun());
            m.put("this_run", run);
        }
        m.put("exit_status", exitStatus);
        m.put("stopped", s == null ? null : cfg.redaction().scrub(s.stopped()));
        m.put("results", s == null ? null : s.resultsPath());
        m.put("report", report);
        m.put("report_error", cfg.redaction().scrub(reportError));
        m.put("error", cfg.redaction().scrub(error));
        m.put("started_at", started.toString());
        m.put("finished_at", Instant.now().toString());
        return m;
    }

    /** Writes {@code summary} to {@code <output>/_summary.json}, and {@code _SUCCESS} when {@code success}. */
    public static void write(String output, Configuration conf, Map<String, Object> summary, boolean success)
            throws IOException {
        Path p = new Path(output, FILE);
        FileSystem fs = fs(p, conf);
        try (OutputStream out = fs.create(p, true)) {
            out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (success) {
            fs.create(new Path(output, SUCCESS), true).close();
        }
    }

    private static FileSystem fs(Path p, Configuration conf) throws IOException {
        FileSystem f = p.getFileSystem(conf);
        return f instanceof LocalFileSystem l ? l.getRaw() : f;
    }
}
