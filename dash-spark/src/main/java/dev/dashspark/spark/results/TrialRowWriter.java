package dev.dashspark.spark.results;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Commits one results row as its own Parquet file, atomically: the file is written under
 * {@code <results>/_incoming/} (which readers ignore) and then renamed to {@code <results>/<trial_id>-<uuid>.parquet}.
 * On HDFS and the local file system the rename is atomic; on S3 the rename is a copy of one object, which becomes
 * visible whole or not at all. A row is therefore either absent or complete, never half-written, and concurrent
 * attempts of one trial (Spark retries, speculative copies) never overwrite each other: each lands as its own file
 * and {@link ResultsTable#read} keeps one row per trial id. Runs on executors and on the driver alike.
 */
public final class TrialRowWriter {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrialRowWriter.class);

    private TrialRowWriter() {
    }

    /** The Parquet message type of {@link ResultsSchema#SCHEMA}, in the standard MAP/LIST layouts Spark reads. */
    static final MessageType PARQUET = MessageTypeParser.parseMessageType("""
            message dash_trial {
              required binary sweep_id (STRING);
              required binary trial_id (STRING);
              required binary task (STRING);
              required binary method (STRING);
              required int64 seed;
              required binary setting (STRING);
              optional group settings (MAP) { repeated group key_value { required binary key (STRING); optional binary value (STRING); } }
              optional group hparams (MAP) { repeated group key_value { required binary key (STRING); optional binary value (STRING); } }
              required binary status (STRING);
              optional binary error_message (STRING);
              optional binary metric_name (STRING);
              required double metric_value;
              required double error;
              required double val_error;
              optional group arch (LIST) { repeated group list { required group element { required binary layer (STRING); required int32 k; required int32 d; } } }
              required double search_s;
              required double hpo_s;
              required double retrain_s;
              required double total_s;
              required int32 attempt;
              required int32 spark_attempt;
              optional binary executor (STRING);
              optional binary backend (STRING);
              optional binary config_hash (STRING);
              optional group versions (MAP) { repeated group key_value { required binary key (STRING); optional binary value (STRING); } }
              optional binary git_revision (STRING);
              required int64 started_at (TIMESTAMP(MICROS,true));
              required int64 finished_at (TIMESTAMP(MICROS,true));
            }
            """);

    /** Attempts of {@link #commit} before it gives up (a trial's hours must not be lost to one S3 hiccup). */
    static final int ATTEMPTS = 3;

    /**
     * Writes {@code row} into {@code resultsDir}, trying {@value #ATTEMPTS} times (1 s, then 2 s apart); returns the
     * committed file. When every attempt fails, the row is logged in full (so the computed result survives in the
     * executor's log) and the last error is thrown.
     */
    public static Path commit(TrialRow row, String resultsDir, Configuration conf) throws IOException {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return commitOnce(row, resultsDir, conf);
            } catch (IOException e) {
                last = e;
                LOG.warn("results: commit attempt {} of {} for trial {} failed: {}", attempt, ATTEMPTS, row.trialId(),
                        e.getMessage());
                if (attempt < ATTEMPTS) {
                    try {
                        Thread.sleep(1000L * attempt);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
        LOG.error("results: the row of trial {} could not be committed to {}; it was: {}", row.trialId(), resultsDir, row);
        throw last;
    }

    /**
     * Checks before a sweep that rows can be committed under {@code resultsDir}: creates it and commits and deletes
     * a probe file the way {@link #commit} does. Throws an {@link IllegalArgumentException} naming the path.
     */
    public static void checkWritable(String resultsDir, Configuration conf) {
        Path dir = new Path(resultsDir);
        Path probe = new Path(new Path(dir, "_incoming"), "_probe-" + UUID.randomUUID());
        try {
            FileSystem fs = dir.getFileSystem(conf);
            try (var out = fs.create(probe, true)) {
                out.write(1);
            }
            Path moved = new Path(new Path(dir, "_incoming"), "_probe-moved-" + UUID.randomUUID());
            if (!fs.rename(probe, moved)) {
                throw new IOException("rename inside " + dir + " failed");
            }
            fs.delete(moved, false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("sweep.output: cannot write results under " + resultsDir + ": "
                    + e.getMessage(), e);
        }
    }

    private static Path commitOnce(TrialRow row, String resultsDir, Configuration conf) throws IOException {
        Path dir = new Path(resultsDir);
        FileSystem fs = dir.getFileSystem(conf);
        String name = row.trialId() + "-" + UUID.randomUUID() + ".parquet";
        Path tmp = new Path(new Path(dir, "_incoming"), name);
        Path dest = new Path(dir, name);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(tmp).withConf(conf).withType(PARQUET)
                .withCompressionCodec(CompressionCodecName.SNAPPY).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build()) {
            w.write(group(row));
        } catch (IOException | RuntimeException e) {
            fs.delete(tmp, false);
            throw new IOException("results: cannot write the row of trial " + row.trialId() + " to " + tmp + ": "
                    + e.getMessage(), e);
        }
        if (!fs.rename(tmp, dest)) {
            fs.delete(tmp, false);
            throw new IOException("results: cannot commit the row of trial " + row.trialId() + ": rename " + tmp
                    + " -> " + dest + " failed");
        }
        fs.delete(new Path(tmp.getParent(), "." + name + ".crc"), false);
        return dest;
    }

    static Group group(TrialRow r) {
        Group g = new SimpleGroupFactory(PARQUET).newGroup();
        g.append("sweep_id", r.sweepId()).append("trial_id", r.trialId()).append("task", r.task())
                .append("method", r.method()).append("seed", r.seed()).append("setting", r.setting());
        map(g, "settings", r.settings());
        map(g, "hparams", r.hparams());
        g.append("status", r.status());
        if (r.errorMessage() != null) {
            g.append("error_message", r.errorMessage());
        }
        if (r.metricName() != null) {
            g.append("metric_name", r.metricName());
        }
        g.append("metric_value", r.metricValue()).append("error", r.error()).append("val_error", r.valError());
        if (r.arch() != null) {
            Group list = g.addGroup("arch");
            for (TrialRow.Layer l : r.arch()) {
                list.addGroup("list").addGroup("element").append("layer", l.layer()).append("k", l.k())
                        .append("d", l.d());
            }
        }
        g.append("search_s", r.searchS()).append("hpo_s", r.hpoS()).append("retrain_s", r.retrainS())
                .append("total_s", r.totalS()).append("attempt", r.attempt()).append("spark_attempt", r.sparkAttempt());
        optional(g, "executor", r.executor());
        optional(g, "backend", r.backend());
        optional(g, "config_hash", r.configHash());
        map(g, "versions", r.versions());
        optional(g, "git_revision", r.gitRevision());
        g.append("started_at", micros(r.startedAt())).append("finished_at", micros(r.finishedAt()));
        return g;
    }

    private static void optional(Group g, String field, String value) {
        if (value != null) {
            g.append(field, value);
        }
    }

    private static void map(Group g, String field, Map<String, String> m) {
        if (m == null) {
            return;
        }
        Group mg = g.addGroup(field);
        for (Map.Entry<String, String> e : m.entrySet()) {
            Group kv = mg.addGroup("key_value").append("key", e.getKey());
            if (e.getValue() != null) {
                kv.append("value", e.getValue());
            }
        }
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }
}
