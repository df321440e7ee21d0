package dev.dashspark.spark.cli;

import dev.dashspark.spark.report.ReportJob;
import dev.dashspark.spark.report.ReportSummary;
import dev.dashspark.spark.results.ResultsTable;
import dev.dashspark.spark.sweep.SweepConfig;
import dev.dashspark.spark.sweep.SweepPlan;
import org.apache.spark.sql.SparkSession;

import java.io.PrintWriter;
import java.util.OptionalInt;

/** The report at the end of a sweep: {@code <output>/report}, with the planned trial count for completeness. */
final class Reports {
    private Reports() {
    }

    /** Writes the report unless the sweep says {@code report = false}; returns the path of index.html or null. */
    static String afterSweep(SparkSession spark, SweepConfig cfg, SweepPlan plan, PrintWriter out) {
        if (!cfg.report()) {
            return null;
        }
        spark.sparkContext().setJobGroup("dash:" + cfg.name(), "dash sweep " + cfg.name(), false);
        spark.sparkContext().setJobDescription("dash " + cfg.name() + " · report");
        try {
            ReportSummary s = ReportJob.write(spark, ResultsTable.resultsPath(cfg.output()), cfg.output() + "/report",
                    OptionalInt.of(plan.trials().size()));
            out.println(s.line());
            out.println(s.headline());
            return s.indexHtml();
        } finally {
            spark.sparkContext().clearJobGroup();
        }
    }
}
