package dev.dashspark.spark.cli;

import dev.dashspark.core.util.Flags;
import dev.dashspark.spark.BuildInfo;
import dev.dashspark.spark.run.SweepRunner;
import dev.dashspark.spark.sweep.SweepConfig;
import dev.dashspark.spark.sweep.SweepPlan;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sweep --conf FILE [--plan] [--output PATH] [--master URL]}: validates the sweep, then prints its plan
 * ({@code --plan}) or runs its pending trials and writes the report. Exit status: 0 when every trial is OK, 3 when
 * the sweep finished with FAILED or DIVERGED trials, 2 for a bad configuration.
 */
public final class SweepCommand {
    private SweepCommand() {
    }

    public static int run(String[] args, PrintStream out) {
        List<String> rest = new ArrayList<>();
        boolean plan = false;
        for (String a : args) {
            if (a.equals("--plan")) {
                plan = true;
            } else {
                rest.add(a);
            }
        }
        Flags f = Flags.parse(rest.toArray(String[]::new), List.of("--conf", "--output", "--master"));
        SweepConfig cfg = SweepConfig.load(Path.of(f.required("--conf")), overrides(f));
        return execute(cfg, plan, out);
    }

    static Map<String, String> overrides(Flags f) {
        Map<String, String> o = new LinkedHashMap<>();
        if (f.string("--output", null) != null) {
            o.put("sweep.output", f.string("--output", null));
        }
        if (f.string("--master", null) != null) {
            o.put("spark.master", f.string("--master", null));
        }
        return o;
    }

    static int execute(SweepConfig cfg, boolean planOnly, PrintStream out) {
        SweepPlan plan = SweepPlan.expand(cfg, BuildInfo.gitRevision());
        if (planOnly) {
            plan.print(out);
            return 0;
        }
        SparkSession spark = SweepRunner.session(cfg);
        try {
            return runAndReport(spark, cfg, plan, out);
        } finally {
            spark.stop();
        }
    }

    private static int runAndReport(SparkSession spark, SweepConfig cfg, SweepPlan plan, PrintStream out) {
        SweepRunner.Summary s = SweepRunner.run(spark, plan, out);
        out.printf("sweep %s: %d planned, %d already OK, %d ran (OK %d, FAILED %d, DIVERGED %d) in %s%n",
                cfg.name(), s.planned(), s.skipped(), s.ran(), s.ok(), s.failed(), s.diverged(),
                SweepRunner.Progress.format(s.elapsed().toMillis() / 1000.0));
        out.println("results: " + s.resultsPath());
        String report = Reports.afterSweep(spark, cfg, plan, out);
        if (report != null) {
            out.println("report: " + report);
        }
        return s.allOk() ? 0 : 3;
    }
}
