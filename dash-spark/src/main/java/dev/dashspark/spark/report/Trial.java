package dev.dashspark.spark.report;

import dev.dashspark.core.arch.LayerChoice;
import dev.dashspark.spark.results.ResultsSchema;

import java.util.List;

/**
 * What the report uses of one row of the results table (one trial, after {@code ResultsTable.read}'s
 * deduplication). Spark-free, so the report can be rendered and tested without a SparkSession.
 *
 * @param trialId      {@code trial_id}
 * @param sweepId      {@code sweep_id}
 * @param task         {@code task}
 * @param method       {@code method}
 * @param setting      {@code setting}
 * @param seed         {@code seed}
 * @param status       {@code status}: OK, FAILED or DIVERGED
 * @param errorMessage {@code error_message}; null when OK
 * @param metricName   {@code metric_name}; may be null for a trial that failed early
 * @param metricValue  {@code metric_value}; NaN unless OK
 * @param error        {@code error}, lower is better; +∞ unless OK
 * @param searchS      {@code search_s}
 * @param retrainS     {@code retrain_s}
 * @param arch         {@code arch}; null when no architecture was found
 */
public record Trial(String trialId, String sweepId, String task, String method, String setting, long seed,
                    String status, String errorMessage, String metricName, double metricValue, double error,
                    double searchS, double retrainS, List<LayerChoice> arch) {

    public Trial {
        if (!ResultsSchema.STATUSES.contains(status)) {
            throw new IllegalArgumentException("trial '" + trialId + "': column " + ResultsSchema.STATUS
                    + ": unknown value '" + status + "'; expected one of " + ResultsSchema.STATUSES);
        }
        if (ok(status)) {
            if (!(error >= 0) || error == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("trial '" + trialId + "' (task '" + task + "', method '" + method
                        + "', seed " + seed + "): status OK but column " + ResultsSchema.ERROR
                        + " is " + error + "; expected a finite error ≥ 0");
            }
            if (!Double.isFinite(metricValue)) {
                throw new IllegalArgumentException("trial '" + trialId + "' (task '" + task + "', method '" + method
                        + "', seed " + seed + "): status OK but column " + ResultsSchema.METRIC_VALUE
                        + " is " + metricValue + "; expected a finite value");
            }
        }
        arch = arch == null ? null : List.copyOf(arch);
    }

    private static boolean ok(String status) {
        return ResultsSchema.OK.equals(status);
    }

    public boolean ok() {
        return ok(status);
    }

    /** The error the profiles use: {@link #error} when OK, +∞ otherwise (whatever the row holds). */
    public double profileError() {
        return ok() ? error : Double.POSITIVE_INFINITY;
    }

    /** Search plus retraining wall seconds (the cost axis of the report). */
    public double costS() {
        return searchS + retrainS;
    }
}
