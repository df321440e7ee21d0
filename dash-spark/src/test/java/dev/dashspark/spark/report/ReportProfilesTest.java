package dev.dashspark.spark.report;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Performance profiles on hand-made error matrices whose ratios and ρ(τ) are worked out by hand. */
class ReportProfilesTest {
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final List<String> METHODS = List.of("A", "B", "C");

    private static Map<String, Double> row(Object... methodError) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < methodError.length; i += 2) {
            m.put((String) methodError[i], ((Number) methodError[i + 1]).doubleValue());
        }
        return m;
    }

    /**
     * <pre>
     *        A     B           C
     * T1    0.2   0.1         0.4          ratios 2, 1, 4
     * T2    0.3   0.3 (tie)   0.6          ratios 1, 1, 2
     * T3    0.5   ∞ (failed)  (missing)    ratios 1, ∞, ∞
     * T4    0     0           0.1          best 0: ratios 1, 1, ∞
     * ρ_A: τ=1 → 3/4, τ=2 → 4/4;  ρ_B: 3/4 from τ=1 on;  ρ_C: τ=1 → 0, τ=2 → 1/4, τ=4 → 2/4
     * </pre>
     */
    @Test
    void theHeadlineCountsTheTasksEachMethodIsBestOnTiesForEveryTiedMethod() {
        Map<String, Map<String, Double>> e = new LinkedHashMap<>();
        e.put("T1", row("A", 0.2, "B", 0.1, "C", 0.4));
        e.put("T2", row("A", 0.3, "B", 0.3, "C", 0.6));
        e.put("T3", row("A", 0.5, "B", INF));
        e.put("T4", row("A", 0, "B", 0, "C", 0.1));
        e.put("T5", row("A", INF, "B", INF, "C", INF));
        assertEquals("Best method per task: A on 3 of 4 tasks (T2, T3, T4), B on 3 (T1, T2, T4); C on none; "
                + "no method finished T5.", Profiles.compute(List.of("T1", "T2", "T3", "T4", "T5"), METHODS, e).headline());
        Map<String, Map<String, Double>> one = new LinkedHashMap<>();
        one.put("T1", row("A", 0.3, "B", 0.2, "C", 0.1));
        assertEquals("Best method per task: C on 1 of 1 task (T1); A and B on none.",
                Profiles.compute(List.of("T1"), METHODS, one).headline());
        assertEquals("No results yet.", Profiles.compute(List.of(), METHODS, Map.of()).headline());
        Map<String, Map<String, Double>> tie = new LinkedHashMap<>();
        tie.put("spacing", row("A", 0.03, "B", 0.5, "C", 0.2));
        tie.put("texture", row("A", 0, "B", 0, "C", 0));
        assertEquals("Best method per task: A on 1 of 1 task that tells the methods apart (spacing); B and C on none; "
                + "every method ties on texture.", Profiles.compute(List.of("spacing", "texture"), METHODS, tie).headline());
        assertEquals("Every method ties on every task (texture).",
                Profiles.compute(List.of("texture"), METHODS, Map.of("texture", row("A", 0, "B", 0, "C", 0))).headline());
    }

    @Test
    void ratiosAndRhoMatchTheHandComputation() {
        Map<String, Map<String, Double>> e = new LinkedHashMap<>();
        e.put("T1", row("A", 0.2, "B", 0.1, "C", 0.4));
        e.put("T2", row("A", 0.3, "B", 0.3, "C", 0.6));
        e.put("T3", row("A", 0.5, "B", INF));
        e.put("T4", row("A", 0, "B", 0, "C", 0.1));
        Profiles p = Profiles.compute(List.of("T1", "T2", "T3", "T4"), METHODS, e);

        assertEquals(2.0, p.ratio("T1", "A"));
        assertEquals(1.0, p.ratio("T1", "B"));
        assertEquals(4.0, p.ratio("T1", "C"));
        assertEquals(1.0, p.ratio("T2", "A"));
        assertEquals(1.0, p.ratio("T2", "B"), "a tie is best for both");
        assertEquals(2.0, p.ratio("T2", "C"));
        assertEquals(1.0, p.ratio("T3", "A"));
        assertEquals(INF, p.ratio("T3", "B"), "failed");
        assertEquals(INF, p.ratio("T3", "C"), "missing method");
        assertEquals(1.0, p.ratio("T4", "A"));
        assertEquals(1.0, p.ratio("T4", "B"));
        assertEquals(INF, p.ratio("T4", "C"), "best error 0: any other error is infinitely worse");

        assertEquals(List.of(1.0, 2.0, 4.0), p.breakpoints());
        assertEquals(List.of(new Profiles.Point(1, 0.75), new Profiles.Point(2, 1.0), new Profiles.Point(4, 1.0)), p.curve("A"));
        assertEquals(List.of(new Profiles.Point(1, 0.75), new Profiles.Point(2, 0.75), new Profiles.Point(4, 0.75)), p.curve("B"));
        assertEquals(List.of(new Profiles.Point(1, 0.0), new Profiles.Point(2, 0.25), new Profiles.Point(4, 0.5)), p.curve("C"));
        // between breakpoints ρ holds its value; beyond the last it stays (ρ(∞) = fraction with a finite ratio)
        assertEquals(0.0, p.rho("C", 1.999));
        assertEquals(0.25, p.rho("C", 3.999));
        assertEquals(0.5, p.rho("C", 1e300));
        assertEquals(0.75, p.rho("B", INF));
        assertEquals(0.0, p.rho("A", 0.999), "no ratio is below 1");

        assertEquals(List.of("T4"), p.zeroBestTasks());
        assertEquals(List.of(), p.unsolvedTasks());
        assertEquals(Map.of("T3", List.of("B", "C"), "T4", List.of("C")), p.infinite());
        assertEquals(4.0, p.maxFiniteRatio());
    }

    /** A task where no method finished: every ratio ∞, and it still counts in the denominator. */
    @Test
    void aTaskNobodyFinishedKeepsEveryCurveBelowOne() {
        Map<String, Map<String, Double>> e = new LinkedHashMap<>();
        e.put("T1", row("A", 0.1, "B", 0.15));
        e.put("T2", row("A", INF));
        Profiles p = Profiles.compute(List.of("T1", "T2"), List.of("A", "B"), e);
        assertEquals(List.of("T2"), p.unsolvedTasks());
        assertEquals(INF, p.ratio("T2", "A"));
        assertEquals(INF, p.ratio("T2", "B"));
        assertEquals(1.5, p.ratio("T1", "B"), 1e-15);
        assertEquals(0.5, p.rho("A", 1.0));
        assertEquals(0.0, p.rho("B", 1.49));
        assertEquals(0.5, p.rho("B", 1.5));
        assertEquals(0.5, p.rho("B", INF));
    }

    @Test
    void noTasksGiveFlatZeroCurves() {
        Profiles p = Profiles.compute(List.of(), List.of("A"), Map.of());
        assertEquals(List.of(1.0), p.breakpoints());
        assertEquals(List.of(new Profiles.Point(1, 0)), p.curve("A"));
    }

    @Test
    void badErrorsAreRejectedNamingTaskMethodAndValue() {
        assertEquals("profiles: task 'T1', method 'B': error must be ≥ 0 or +∞, got NaN",
                assertThrows(IllegalArgumentException.class, () -> Profiles.compute(List.of("T1"), METHODS,
                        Map.of("T1", row("A", 0.1, "B", Double.NaN)))).getMessage());
        assertEquals("profiles: task 'T1', method 'A': error must be ≥ 0 or +∞, got -0.5",
                assertThrows(IllegalArgumentException.class, () -> Profiles.compute(List.of("T1"), METHODS,
                        Map.of("T1", row("A", -0.5)))).getMessage());
        assertEquals("profiles: task 'T1': method 'Z' is not in the method list [A, B, C]",
                assertThrows(IllegalArgumentException.class, () -> Profiles.compute(List.of("T1"), METHODS,
                        Map.of("T1", row("Z", 0.5)))).getMessage());
        assertEquals("profiles: unknown method 'Z'; methods [A, B, C]",
                assertThrows(IllegalArgumentException.class, () -> Profiles.compute(List.of("T1"), METHODS,
                        Map.of("T1", row("A", 0.5))).rho("Z", 1)).getMessage());
    }
}
