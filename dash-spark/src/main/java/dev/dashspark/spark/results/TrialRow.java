package dev.dashspark.spark.results;

import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.arch.LayerChoice;
import dev.dashspark.core.trial.TrialResult;
import dev.dashspark.spark.sweep.PlannedTrial;
import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One row of the results table ({@link ResultsSchema}), as plain Java so executors can build and write it without
 * a SparkSession. {@code arch} is a list of {@code {layer, k, d}}.
 */
public record TrialRow(String sweepId, String trialId, String task, String method, long seed, String setting,
                       TreeMap<String, String> settings, TreeMap<String, String> hparams, String status,
                       String errorMessage, String metricName, double metricValue, double error, double valError,
                       List<Layer> arch, double searchS, double hpoS, double retrainS, double totalS, int attempt,
                       int sparkAttempt, String executor, String backend, String configHash,
                       TreeMap<String, String> versions, String gitRevision, Instant startedAt, Instant finishedAt)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** One searchable layer's choice. */
    public record Layer(String layer, int k, int d) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    public TrialRow {
        if (!ResultsSchema.STATUSES.contains(status)) {
            throw new IllegalArgumentException("status: '" + status + "' is not one of " + ResultsSchema.STATUSES);
        }
    }

    /** Where and how a trial ran. */
    public record Context(int sparkAttempt, String executor, String backend, Map<String, String> versions,
                          Instant startedAt) {
    }

    /** The row of a trial that returned a result (OK or DIVERGED). */
    public static TrialRow of(PlannedTrial t, TrialResult r, Context c, Instant finishedAt) {
        List<Layer> arch = null;
        if (r.architecture() != null) {
            arch = layers(r.architecture());
        }
        return new TrialRow(t.sweepId(), t.trialId(), t.task(), t.method(), t.seed(), t.setting(), t.settings(),
                r.hyperparams() == null ? null : new TreeMap<>(r.hyperparams().asMap()), r.status().name(), r.message(),
                r.metricName(), r.metricValue(), r.error(), r.valError(), arch, r.searchSeconds(), r.hpoSeconds(),
                r.retrainSeconds(), r.totalSeconds(), t.attempt(), c.sparkAttempt(), c.executor(), c.backend(),
                t.configHash(), new TreeMap<>(c.versions()), t.gitRevision(), c.startedAt(), finishedAt);
    }

    /** The row of a trial that threw: FAILED with the message, no metric. */
    public static TrialRow failed(PlannedTrial t, String metricName, String message, Context c, Instant finishedAt) {
        double seconds = (finishedAt.toEpochMilli() - c.startedAt().toEpochMilli()) / 1000.0;
        return new TrialRow(t.sweepId(), t.trialId(), t.task(), t.method(), t.seed(), t.setting(), t.settings(), null,
                ResultsSchema.FAILED, message, metricName, Double.NaN, Double.POSITIVE_INFINITY,
                Double.POSITIVE_INFINITY, null, 0, 0, 0, seconds, t.attempt(), c.sparkAttempt(), c.executor(),
                c.backend(), t.configHash(), new TreeMap<>(c.versions()), t.gitRevision(), c.startedAt(), finishedAt);
    }

    static List<Layer> layers(Architecture a) {
        List<Layer> out = new ArrayList<>();
        for (LayerChoice l : a.layers()) {
            out.add(new Layer(l.layer(), l.kernel(), l.dilation()));
        }
        return List.copyOf(out);
    }

    /** This row as a Spark row of {@link ResultsSchema#SCHEMA}. */
    public Row toSparkRow() {
        return ResultsSchema.toSparkRow(this);
    }
}
