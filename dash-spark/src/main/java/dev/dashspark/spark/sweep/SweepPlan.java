package dev.dashspark.spark.sweep;

import dev.dashspark.core.trial.Method;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The trials of a sweep: tasks × methods × settings × seeds, in that nesting order, each with a stable id. */
public record SweepPlan(SweepConfig config, List<PlannedTrial> trials) {

    public static SweepPlan expand(SweepConfig cfg, String gitRevision) {
        List<PlannedTrial> out = new ArrayList<>();
        Map<String, PlannedTrial> byId = new HashMap<>();
        for (String task : cfg.tasks().keySet()) {
            for (Method m : cfg.methods()) {
                for (String setting : cfg.settings().keySet()) {
                    for (long seed : cfg.seeds()) {
                        PlannedTrial t = PlannedTrial.of(cfg, task, m, setting, seed, gitRevision);
                        PlannedTrial same = byId.putIfAbsent(t.trialId(), t);
                        if (same != null) {
                            throw new dev.dashspark.core.cli.ConfigError(cfg.file() + ": sweep.settings: settings '"
                                    + same.setting() + "' and '" + setting + "' resolve to the same trial for task '"
                                    + task + "' (" + t.trialId() + "); remove one of them");
                        }
                        out.add(t);
                    }
                }
            }
        }
        return new SweepPlan(cfg, List.copyOf(out));
    }

    /** The plan as a table: one line per trial, then the count. */
    public void print(PrintWriter out) {
        out.printf("# sweep %s: %d trials (%d tasks x %d methods x %d settings x %d seeds) -> %s%n",
                config.name(), trials.size(), config.tasks().size(), config.methods().size(),
                config.settings().size(), config.seeds().size(), config.output());
        out.printf("%-16s  %-16s  %-14s  %-12s  %6s  %s%n", "trial_id", "task", "method", "setting", "seed",
                "epochs search/hpo/retrain");
        for (PlannedTrial t : trials) {
            out.printf("%-16s  %-16s  %-14s  %-12s  %6d  %s/%s/%s%n", t.trialId(), t.task(), t.method(), t.setting(),
                    t.seed(), t.taskProperties().get("search-epochs"), t.taskProperties().get("hpo-epochs"),
                    t.taskProperties().get("retrain-epochs"));
        }
    }
}
