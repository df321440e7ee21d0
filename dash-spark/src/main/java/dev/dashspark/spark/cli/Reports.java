package dev.dashspark.spark.cli;

import dev.dashspark.spark.sweep.SweepConfig;
import dev.dashspark.spark.sweep.SweepPlan;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;

/** PLACEHOLDER until the report branch is merged. */
final class Reports {
    private Reports() {
    }

    static String afterSweep(SparkSession spark, SweepConfig cfg, SweepPlan plan, PrintStream out) {
        return null;
    }
}
