package dev.dashspark.spark.report;

import dev.dashspark.core.metric.Metric;
import dev.dashspark.core.metric.Metrics;
import dev.dashspark.spark.results.ResultsSchema;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the report shows, computed from the trials (one per trial id) without Spark: cells of the task × method
 * grid with their seed statistics, each task's metric and direction, completeness (status counts, missing seeds and
 * cells) and the performance {@link Profiles}.
 *
 * <p>Grid: tasks and methods are those that occur anywhere in the results, sorted by name. When the results hold
 * more than one hyperparameter {@code setting}, a method is shown as {@code method [setting]}, so that settings are
 * never averaged together. The expected seeds are every seed that occurs anywhere in the results; a cell lacking
 * some of them, or lacking any result, is listed as incomplete.
 */
public final class ReportData {

    /** How a task's metric reads: its name and direction, or unknown when no trial of the task reported one. */
    public record TaskMetric(String task, String name, Boolean higherIsBetter) {
        /** E.g. {@code accuracy ↑}, {@code rel-l2 ↓}, or {@code metric unknown}. */
        public String label() {
            if (name == null) {
                return "metric unknown";
            }
            return name + (higherIsBetter ? " ↑" : " ↓");
        }
    }

    /** The trials of one task and method, ordered by seed. */
    public record Cell(String task, String method, List<Trial> trials) {
        public int count(String status) {
            return (int) trials.stream().filter(t -> t.status().equals(status)).count();
        }

        public int ok() {
            return count(ResultsSchema.OK);
        }

        public List<Long> seeds() {
            return trials.stream().map(Trial::seed).distinct().sorted().toList();
        }

        /** Mean {@code metric_value} over the OK trials; NaN when none. */
        public double metricMean() {
            return mean(trials.stream().filter(Trial::ok).mapToDouble(Trial::metricValue).toArray());
        }

        /** Sample standard deviation (n − 1) of {@code metric_value} over the OK trials; NaN when fewer than 2. */
        public double metricStd() {
            return std(trials.stream().filter(Trial::ok).mapToDouble(Trial::metricValue).toArray());
        }

        public double errorMean() {
            return mean(trials.stream().filter(Trial::ok).mapToDouble(Trial::error).toArray());
        }

        public double errorStd() {
            return std(trials.stream().filter(Trial::ok).mapToDouble(Trial::error).toArray());
        }

        /**
         * The error the profiles use: the mean over all seeds of the trial errors, a FAILED or DIVERGED seed counting
         * as +∞ (so the mean is +∞); +∞ when the cell has no trial.
         */
        public double profileError() {
            if (trials.isEmpty() || ok() < trials.size()) {
                return Double.POSITIVE_INFINITY;
            }
            return errorMean();
        }
    }

    /** A cell lacking some of the expected seeds (all of them when {@code present} is empty). */
    public record MissingCell(String task, String method, List<Long> present, List<Long> missing) {
    }

    private final String source;
    private final OptionalInt planned;
    private final List<Trial> trials;
    private final List<String> tasks;
    private final List<String> methods;
    private final List<Long> seeds;
    private final List<String> sweepIds;
    private final List<String> settings;
    private final Map<String, Map<String, Cell>> cells;
    private final Map<String, TaskMetric> metrics;
    private final Map<String, Integer> statusCounts;
    private final List<MissingCell> missing;
    private final List<String> warnings;
    private final Profiles profiles;

    private ReportData(String source, OptionalInt planned, List<Trial> trials, List<String> tasks, List<String> methods,
                       List<Long> seeds, List<String> sweepIds, List<String> settings,
                       Map<String, Map<String, Cell>> cells, Map<String, TaskMetric> metrics,
                       Map<String, Integer> statusCounts, List<MissingCell> missing, List<String> warnings,
                       Profiles profiles) {
        this.source = source;
        this.planned = planned;
        this.trials = trials;
        this.tasks = tasks;
        this.methods = methods;
        this.seeds = seeds;
        this.sweepIds = sweepIds;
        this.settings = settings;
        this.cells = cells;
        this.metrics = metrics;
        this.statusCounts = statusCounts;
        this.missing = missing;
        this.warnings = warnings;
        this.profiles = profiles;
    }

    /**
     * The report data of {@code trials} (one per trial id) read from {@code source}.
     *
     * @param planned the number of trials the sweep plans, when known
     * @throws IllegalArgumentException naming {@code source}, the task and the values when a task has several
     *                                  metric names or an unknown one, or {@code planned} is negative
     */
    public static ReportData of(String source, List<Trial> trials, OptionalInt planned) {
        if (planned.isPresent() && planned.getAsInt() < 0) {
            throw new IllegalArgumentException("report: planned trial count must be ≥ 0, got " + planned.getAsInt());
        }
        List<String> settings = trials.stream().map(Trial::setting).distinct().sorted().toList();
        boolean bySetting = settings.size() > 1;
        List<Trial> sorted = new ArrayList<>(trials);
        sorted.sort(Comparator.comparing(Trial::task).thenComparing(t -> label(t, bySetting))
                .thenComparingLong(Trial::seed).thenComparing(Trial::trialId));

        List<String> tasks = sorted.stream().map(Trial::task).distinct().sorted().toList();
        List<String> methods = sorted.stream().map(t -> label(t, bySetting)).distinct().sorted().toList();
        List<Long> seeds = sorted.stream().map(Trial::seed).distinct().sorted().toList();
        List<String> sweepIds = sorted.stream().map(Trial::sweepId).distinct().sorted().toList();

        Map<String, Map<String, List<Trial>>> grouped = new TreeMap<>();
        for (Trial t : sorted) {
            grouped.computeIfAbsent(t.task(), k -> new TreeMap<>())
                    .computeIfAbsent(label(t, bySetting), k -> new ArrayList<>()).add(t);
        }
        Map<String, Map<String, Cell>> cells = new LinkedHashMap<>();
        Map<String, Map<String, Double>> errors = new LinkedHashMap<>();
        List<MissingCell> missing = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (String task : tasks) {
            Map<String, Cell> row = new LinkedHashMap<>();
            Map<String, Double> errorRow = new LinkedHashMap<>();
            for (String m : methods) {
                List<Trial> ts = grouped.getOrDefault(task, Map.of()).getOrDefault(m, List.of());
                Cell c = new Cell(task, m, List.copyOf(ts));
                row.put(m, c);
                if (!ts.isEmpty()) {
                    errorRow.put(m, c.profileError());
                }
                List<Long> present = c.seeds();
                if (present.size() < ts.size()) {
                    warnings.add("task '" + task + "', method '" + m + "': " + ts.size() + " trials for "
                            + present.size() + " distinct seeds " + present + "; all of them are averaged");
                }
                List<Long> absent = seeds.stream().filter(s -> !present.contains(s)).toList();
                if (!absent.isEmpty()) {
                    missing.add(new MissingCell(task, m, present, absent));
                }
            }
            cells.put(task, row);
            errors.put(task, errorRow);
        }

        Map<String, TaskMetric> metrics = new LinkedHashMap<>();
        for (String task : tasks) {
            TreeSet<String> names = new TreeSet<>();
            for (Trial t : sorted) {
                if (t.task().equals(task) && t.metricName() != null) {
                    names.add(t.metricName());
                }
            }
            if (names.size() > 1) {
                throw new IllegalArgumentException("results " + source + ": task '" + task + "' has several values in column "
                        + ResultsSchema.METRIC_NAME + ": " + names + "; a task has one metric");
            }
            if (names.isEmpty()) {
                metrics.put(task, new TaskMetric(task, null, null));
                continue;
            }
            Metric metric;
            try {
                metric = Metrics.parse(names.first());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("results " + source + ": task '" + task + "': column "
                        + ResultsSchema.METRIC_NAME + ": " + e.getMessage(), e);
            }
            metrics.put(task, new TaskMetric(task, metric.name(), metric.higherIsBetter()));
        }

        Map<String, Integer> statusCounts = new LinkedHashMap<>();
        for (String s : ResultsSchema.STATUSES) {
            statusCounts.put(s, (int) sorted.stream().filter(t -> t.status().equals(s)).count());
        }
        Profiles profiles = Profiles.compute(tasks, methods, errors);
        return new ReportData(source, planned, List.copyOf(sorted), tasks, methods, seeds, sweepIds, settings, cells,
                metrics, statusCounts, List.copyOf(missing), List.copyOf(warnings), profiles);
    }

    private static String label(Trial t, boolean bySetting) {
        return bySetting ? t.method() + " [" + t.setting() + "]" : t.method();
    }

    /** The label a trial's method has in this report (with its setting when there are several settings). */
    public String methodOf(Trial t) {
        return label(t, settings.size() > 1);
    }

    static double mean(double[] xs) {
        if (xs.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s / xs.length;
    }

    static double std(double[] xs) {
        if (xs.length < 2) {
            return Double.NaN;
        }
        double m = mean(xs);
        double s = 0;
        for (double x : xs) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (xs.length - 1));
    }

    public String source() {
        return source;
    }

    public OptionalInt planned() {
        return planned;
    }

    /** All trials, by task, method, seed. */
    public List<Trial> trials() {
        return trials;
    }

    public List<String> tasks() {
        return tasks;
    }

    public List<String> methods() {
        return methods;
    }

    /** Every seed that occurs in the results. */
    public List<Long> seeds() {
        return seeds;
    }

    public List<String> sweepIds() {
        return sweepIds;
    }

    public List<String> settings() {
        return settings;
    }

    public Cell cell(String task, String method) {
        Map<String, Cell> row = cells.get(task);
        if (row == null || !row.containsKey(method)) {
            throw new IllegalArgumentException("report: no cell for task '" + task + "', method '" + method + "'");
        }
        return row.get(method);
    }

    public TaskMetric metric(String task) {
        return metrics.get(task);
    }

    /** Trials per status, for every status (zeros included), in {@link ResultsSchema#STATUSES} order. */
    public Map<String, Integer> statusCounts() {
        return statusCounts;
    }

    public List<MissingCell> missing() {
        return missing;
    }

    /** Oddities that do not stop the report (e.g. two trials with one seed in one cell). */
    public List<String> warnings() {
        return warnings;
    }

    public Profiles profiles() {
        return profiles;
    }

    /** The trials that did not finish OK. */
    public List<Trial> failures() {
        return trials.stream().filter(t -> !t.ok()).toList();
    }

    /** E.g. {@code 10 of 12 trials finished} or {@code 10 trials finished (planned count unknown)}. */
    public String completeness() {
        int n = trials.size();
        String word = n == 1 ? "trial" : "trials";
        if (planned.isPresent()) {
            return n + " of " + planned.getAsInt() + " " + (planned.getAsInt() == 1 ? "trial" : "trials") + " finished";
        }
        return n + " " + word + " finished (planned count unknown)";
    }
}
