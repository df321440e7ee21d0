package dev.dashspark.spark.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Dolan–Moré performance profiles, as NAS-Bench-360 draws them: for each method m,
 * ρ_m(τ) = |{tasks t : r(t, m) ≤ τ}| / |tasks|, where r(t, m) = e(t, m) / min over methods of e(t, ·) is the
 * performance ratio of m on t and e(t, m) its (seed-averaged, lower-is-better) error.
 *
 * <p>Infinite ratios (τ = ∞: the method never reaches ρ on that task):
 * <ul>
 * <li>an error that is +∞ (a FAILED or DIVERGED seed makes the seed mean +∞) or absent (no result for that method
 * on that task) has ratio ∞;</li>
 * <li>a task on which no method has a finite error gives every method ratio ∞; it stays in the denominator, so
 * no curve reaches 1;</li>
 * <li>a best error of exactly 0 (e.g. 100 % accuracy) makes the quotient undefined: methods whose error is also 0
 * get ratio 1, every other method gets ratio ∞. No epsilon is added, so every other ratio is the plain quotient.</li>
 * </ul>
 * Ties are exact: every method whose error equals the best has ratio 1.
 *
 * <p>Pure Java, no Spark; the error matrix is given as task → method → error.
 */
public final class Profiles {
    /** One point of a profile curve. */
    public record Point(double tau, double rho) {
    }

    private final List<String> tasks;
    private final List<String> methods;
    private final Map<String, Map<String, Double>> ratios;
    private final List<String> zeroBestTasks;
    private final List<String> unsolvedTasks;
    private final List<Double> breakpoints;

    private Profiles(List<String> tasks, List<String> methods, Map<String, Map<String, Double>> ratios,
                     List<String> zeroBestTasks, List<String> unsolvedTasks, List<Double> breakpoints) {
        this.tasks = tasks;
        this.methods = methods;
        this.ratios = ratios;
        this.zeroBestTasks = zeroBestTasks;
        this.unsolvedTasks = unsolvedTasks;
        this.breakpoints = breakpoints;
    }

    /**
     * The profiles of {@code methods} over {@code tasks}; {@code errors.get(task).get(method)} is the error of a
     * method on a task (absent = no result = ratio ∞; +∞ = failed = ratio ∞).
     *
     * @throws IllegalArgumentException naming the task, the method and the value if an error is NaN or negative,
     *                                  or if the errors name a task or method that is not listed
     */
    public static Profiles compute(List<String> tasks, List<String> methods, Map<String, Map<String, Double>> errors) {
        for (Map.Entry<String, Map<String, Double>> byTask : errors.entrySet()) {
            if (!tasks.contains(byTask.getKey())) {
                throw new IllegalArgumentException("profiles: task '" + byTask.getKey() + "' has errors but is not in the task list " + tasks);
            }
            for (Map.Entry<String, Double> e : byTask.getValue().entrySet()) {
                if (!methods.contains(e.getKey())) {
                    throw new IllegalArgumentException("profiles: task '" + byTask.getKey() + "': method '" + e.getKey()
                            + "' is not in the method list " + methods);
                }
                double v = e.getValue();
                if (Double.isNaN(v) || v < 0) {
                    throw new IllegalArgumentException("profiles: task '" + byTask.getKey() + "', method '" + e.getKey()
                            + "': error must be ≥ 0 or +∞, got " + v);
                }
            }
        }
        Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
        List<String> zeroBest = new ArrayList<>();
        List<String> unsolved = new ArrayList<>();
        TreeSet<Double> points = new TreeSet<>();
        points.add(1.0);
        for (String task : tasks) {
            Map<String, Double> row = errors.getOrDefault(task, Map.of());
            double best = Double.POSITIVE_INFINITY;
            for (String m : methods) {
                best = Math.min(best, row.getOrDefault(m, Double.POSITIVE_INFINITY));
            }
            if (best == Double.POSITIVE_INFINITY) {
                unsolved.add(task);
            } else if (best == 0.0) {
                zeroBest.add(task);
            }
            Map<String, Double> r = new LinkedHashMap<>();
            for (String m : methods) {
                double e = row.getOrDefault(m, Double.POSITIVE_INFINITY);
                double ratio = ratio(e, best);
                r.put(m, ratio);
                if (ratio != Double.POSITIVE_INFINITY) {
                    points.add(ratio);
                }
            }
            ratios.put(task, r);
        }
        return new Profiles(List.copyOf(tasks), List.copyOf(methods), ratios, List.copyOf(zeroBest),
                List.copyOf(unsolved), List.copyOf(points));
    }

    /** The performance ratio of an error against the best error of its task (see the class comment for 0 and ∞). */
    static double ratio(double error, double best) {
        if (error == Double.POSITIVE_INFINITY || best == Double.POSITIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        if (best == 0.0) {
            return error == 0.0 ? 1.0 : Double.POSITIVE_INFINITY;
        }
        return error == best ? 1.0 : error / best;
    }

    /**
     * The report's headline, one sentence: per method, the tasks on which it is best (ratio 1: the lowest error,
     * averaged over seeds; every tied method counts), most wins first, e.g. {@code Best method per task: dash on 2
     * of 2 tasks that tell the methods apart (spacing, darcy), random on 1 (darcy); backbone on none; every method
     * ties on texture.} Tasks on which every method ties, and tasks that no method finished, are named apart.
     */
    public String headline() {
        List<String> finished = tasks.stream().filter(t -> !unsolvedTasks.contains(t)).toList();
        if (finished.isEmpty()) {
            return tasks.isEmpty() ? "No results yet." : "No method has finished a task yet.";
        }
        List<String> allTie = methods.size() < 2 ? List.of()
                : finished.stream().filter(t -> methods.stream().allMatch(m -> ratio(t, m) == 1.0)).toList();
        List<String> scored = finished.stream().filter(t -> !allTie.contains(t)).toList();
        if (scored.isEmpty()) {
            return "Every method ties on every task (" + String.join(", ", allTie) + ").";
        }
        Map<String, List<String>> wins = new java.util.LinkedHashMap<>();
        for (String m : methods) {
            wins.put(m, scored.stream().filter(t -> ratio(t, m) == 1.0).toList());
        }
        List<String> order = new ArrayList<>(methods);
        order.sort(java.util.Comparator.comparingInt((String m) -> -wins.get(m).size()));
        boolean one = scored.size() == 1;
        String ofScored = " of " + scored.size() + (one ? " task" : " tasks")
                + (allTie.isEmpty() ? "" : one ? " that tells the methods apart" : " that tell the methods apart");
        StringBuilder b = new StringBuilder("Best method per task: ");
        List<String> none = new ArrayList<>();
        boolean first = true;
        for (String m : order) {
            List<String> w = wins.get(m);
            if (w.isEmpty()) {
                none.add(m);
                continue;
            }
            b.append(first ? "" : ", ").append(m).append(" on ").append(w.size()).append(first ? ofScored : "")
                    .append(" (").append(String.join(", ", w)).append(')');
            first = false;
        }
        if (!none.isEmpty()) {
            b.append("; ").append(none.size() == 1 ? none.get(0)
                    : String.join(", ", none.subList(0, none.size() - 1)) + " and " + none.get(none.size() - 1))
                    .append(" on none");
        }
        if (!allTie.isEmpty()) {
            b.append("; every method ties on ").append(String.join(", ", allTie));
        }
        if (!unsolvedTasks.isEmpty()) {
            b.append("; no method finished ").append(String.join(", ", unsolvedTasks));
        }
        return b.append('.').toString();
    }

    public List<String> tasks() {
        return tasks;
    }

    public List<String> methods() {
        return methods;
    }

    /** r(task, method); +∞ when the method failed, diverged or has no result there. */
    public double ratio(String task, String method) {
        Map<String, Double> r = ratios.get(task);
        if (r == null || !r.containsKey(method)) {
            throw new IllegalArgumentException("profiles: no task '" + task + "' / method '" + method + "'; tasks "
                    + tasks + ", methods " + methods);
        }
        return r.get(method);
    }

    /**
     * ρ_method(τ): the fraction of tasks whose (finite) ratio is ≤ τ; 0 when there are no tasks. An infinite ratio
     * never counts, so ρ(∞) is the fraction of tasks with a finite ratio.
     */
    public double rho(String method, double tau) {
        if (!methods.contains(method)) {
            throw new IllegalArgumentException("profiles: unknown method '" + method + "'; methods " + methods);
        }
        if (tasks.isEmpty()) {
            return 0.0;
        }
        int within = 0;
        for (String t : tasks) {
            double r = ratios.get(t).get(method);
            if (r != Double.POSITIVE_INFINITY && r <= tau) {
                within++;
            }
        }
        return (double) within / tasks.size();
    }

    /**
     * Where any curve steps: 1 and every finite ratio of any method, ascending. ρ is constant from one breakpoint
     * to the next, and from the last one on (its value there is ρ(∞), the fraction of tasks the method finished).
     */
    public List<Double> breakpoints() {
        return breakpoints;
    }

    /** The curve of one method evaluated at every {@link #breakpoints() breakpoint}. */
    public List<Point> curve(String method) {
        List<Point> out = new ArrayList<>();
        for (double tau : breakpoints) {
            out.add(new Point(tau, rho(method, tau)));
        }
        return out;
    }

    /** The largest finite ratio (1 when there is none). */
    public double maxFiniteRatio() {
        return breakpoints.get(breakpoints.size() - 1);
    }

    /** Tasks whose best error is exactly 0 (only methods with error 0 have a finite ratio there). */
    public List<String> zeroBestTasks() {
        return zeroBestTasks;
    }

    /** Tasks on which no method has a finite error (every ratio ∞). */
    public List<String> unsolvedTasks() {
        return unsolvedTasks;
    }

    /** The (task, method) pairs with an infinite ratio, task by task. */
    public Map<String, List<String>> infinite() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String t : tasks) {
            List<String> ms = new ArrayList<>();
            for (String m : methods) {
                if (ratios.get(t).get(m) == Double.POSITIVE_INFINITY) {
                    ms.add(m);
                }
            }
            if (!ms.isEmpty()) {
                out.put(t, Collections.unmodifiableList(ms));
            }
        }
        return out;
    }
}
