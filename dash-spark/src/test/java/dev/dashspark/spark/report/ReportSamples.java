package dev.dashspark.spark.report;

import dev.dashspark.core.metric.Metrics;
import dev.dashspark.core.arch.LayerChoice;
import dev.dashspark.spark.results.ResultsSchema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hand-made results: 4 tasks × 3 methods × seeds 0 and 1, planned 24, finished 21. Every error is a dyadic
 * fraction, so means and ratios are exact and the expected profile can be written down:
 *
 * <pre>
 * error (mean over seeds)    backbone            dash               random
 * cifar100  (accuracy)       .125,.125 → .125    .0625,.1875 → .125  .25,.25 → .25
 * darcyflow (rel-l2)         .125, FAILED → ∞    .0625,.0625         .25,.25
 * ecg       (macro-f1)       .75, DIVERGED → ∞   .5,.5               (no results)
 * satellite (accuracy)       0 (seed 1 missing)  0,0                 .5,.5
 *
 * ratio τ                    backbone  dash  random
 * cifar100                   1 (tie)   1     2
 * darcyflow                  ∞         1     4
 * ecg                        ∞         1     ∞ (missing)
 * satellite                  1         1     ∞ (best error 0)
 *
 * ρ(τ) at τ = 1, 2, 4:  backbone .5 .5 .5   dash 1 1 1   random 0 .25 .5
 * </pre>
 *
 * Per seed, cifar100 would rank dash first on seed 0 and backbone first on seed 1; only averaging over seeds first
 * gives the tie. cifar100/random/seed 1 also has an earlier FAILED attempt that the reader must drop.
 */
final class ReportSamples {
    static final String SWEEP = "nb360-mini";
    static final int PLANNED = 24;

    private ReportSamples() {
    }

    static final List<LayerChoice> DASH_ARCH = List.of(
            new LayerChoice("stem", 3, 1), new LayerChoice("block1.conv1", 5, 2),
            new LayerChoice("block1.conv2", 7, 4), new LayerChoice("block2.conv1", 3, 8));
    static final List<LayerChoice> BACKBONE_ARCH = List.of(
            new LayerChoice("stem", 3, 1), new LayerChoice("block1.conv1", 3, 1),
            new LayerChoice("block1.conv2", 3, 1), new LayerChoice("block2.conv1", 3, 1));
    static final List<LayerChoice> RANDOM_ARCH = List.of(
            new LayerChoice("stem", 5, 1), new LayerChoice("block1.conv1", 9, 1),
            new LayerChoice("block1.conv2", 3, 2), new LayerChoice("block2.conv1", 7, 1));

    /** The trials the report must see (one per trial id). */
    static List<Trial> trials() {
        List<Trial> t = new ArrayList<>();
        // cifar100, accuracy: error = 1 − accuracy
        t.add(ok("cifar100", "backbone", 0, "accuracy", 0.875, BACKBONE_ARCH, 0, 100));
        t.add(ok("cifar100", "backbone", 1, "accuracy", 0.875, BACKBONE_ARCH, 0, 110));
        t.add(ok("cifar100", "dash", 0, "accuracy", 0.9375, DASH_ARCH, 300, 150));
        t.add(ok("cifar100", "dash", 1, "accuracy", 0.8125, DASH_ARCH, 320, 160));
        t.add(ok("cifar100", "random", 0, "accuracy", 0.75, RANDOM_ARCH, 5, 120));
        t.add(ok("cifar100", "random", 1, "accuracy", 0.75, RANDOM_ARCH, 6, 125));
        // darcyflow, rel-l2: error = value
        t.add(ok("darcyflow", "backbone", 0, "rel-l2", 0.125, BACKBONE_ARCH, 0, 60));
        t.add(notOk("darcyflow", "backbone", 1, "rel-l2", ResultsSchema.FAILED,
                "java.lang.OutOfMemoryError: Java heap space\n\tat TrialRunner.retrain", null));
        t.add(ok("darcyflow", "dash", 0, "rel-l2", 0.0625, DASH_ARCH, 200, 70));
        t.add(ok("darcyflow", "dash", 1, "rel-l2", 0.0625, DASH_ARCH, 210, 75));
        t.add(ok("darcyflow", "random", 0, "rel-l2", 0.25, RANDOM_ARCH, 4, 65));
        t.add(ok("darcyflow", "random", 1, "rel-l2", 0.25, RANDOM_ARCH, 4, 66));
        // ecg, macro-f1: random has no results at all
        t.add(ok("ecg", "backbone", 0, "macro-f1", 0.25, BACKBONE_ARCH, 0, 40));
        t.add(notOk("ecg", "backbone", 1, "macro-f1", ResultsSchema.DIVERGED,
                "loss became NaN at epoch 3 <retrain>", BACKBONE_ARCH));
        t.add(ok("ecg", "dash", 0, "macro-f1", 0.5, DASH_ARCH, 90, 45));
        t.add(ok("ecg", "dash", 1, "macro-f1", 0.5, DASH_ARCH, 95, 44));
        // satellite, accuracy 1 = error 0; backbone seed 1 still running
        t.add(ok("satellite", "backbone", 0, "accuracy", 1.0, BACKBONE_ARCH, 0, 30));
        t.add(ok("satellite", "dash", 0, "accuracy", 1.0, DASH_ARCH, 50, 31));
        t.add(ok("satellite", "dash", 1, "accuracy", 1.0, DASH_ARCH, 52, 33));
        t.add(ok("satellite", "random", 0, "accuracy", 0.5, RANDOM_ARCH, 2, 29));
        t.add(ok("satellite", "random", 1, "accuracy", 0.5, RANDOM_ARCH, 2, 28));
        return t;
    }

    /** The results rows: every trial, plus an earlier FAILED attempt of cifar100/random/seed 1. */
    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Trial t : trials()) {
            rows.add(row(t, 1, Timestamp.valueOf("2025-01-01 12:00:00")));
        }
        Trial earlier = new Trial(id("cifar100", "random", 1), SWEEP, "cifar100", "random", "default", 1,
                ResultsSchema.FAILED, "executor lost", "accuracy", Double.NaN, Double.POSITIVE_INFINITY, 3, 0, null);
        rows.add(row(earlier, 1, Timestamp.valueOf("2025-01-01 11:00:00")));
        return rows;
    }

    static String id(String task, String method, long seed) {
        return task + "-" + method + "-s" + seed;
    }

    static Trial ok(String task, String method, long seed, String metric, double value, List<LayerChoice> arch,
                    double searchS, double retrainS) {
        return new Trial(id(task, method, seed), SWEEP, task, method, "default", seed, ResultsSchema.OK, null, metric,
                value, Metrics.parse(metric).error(value), searchS, retrainS, arch);
    }

    static Trial notOk(String task, String method, long seed, String metric, String status, String message,
                       List<LayerChoice> arch) {
        return new Trial(id(task, method, seed), SWEEP, task, method, "default", seed, status, message, metric,
                Double.NaN, Double.POSITIVE_INFINITY, 10, 5, arch);
    }

    /** A row of {@link ResultsSchema#SCHEMA} holding {@code t}. */
    static Row row(Trial t, int attempt, Timestamp finishedAt) {
        List<Row> arch = null;
        if (t.arch() != null) {
            arch = new ArrayList<>();
            for (LayerChoice c : t.arch()) {
                arch.add(RowFactory.create(c.layer(), c.kernel(), c.dilation()));
            }
        }
        double hpo = 1.0;
        return RowFactory.create(t.sweepId(), t.trialId(), t.task(), t.method(), t.seed(), t.setting(),
                Map.of("hpo", "reference"), t.ok() ? Map.of("lr", "0.01") : null, t.status(), t.errorMessage(),
                t.metricName(), t.metricValue(), t.error(), t.error(), arch, t.searchS(), hpo, t.retrainS(),
                t.searchS() + hpo + t.retrainS(), attempt, 0, "1@localhost", "cpu", "cafe", Map.of("java", "17"),
                "unknown", new Timestamp(finishedAt.getTime() - 60_000), finishedAt);
    }

    /** {@code row} with one column replaced (to build rows that {@link Trial} itself would refuse). */
    static Row with(Row row, String column, Object value) {
        Object[] values = new Object[row.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = row.get(i);
        }
        values[ResultsSchema.SCHEMA.fieldIndex(column)] = value;
        return RowFactory.create(values);
    }
}
