package dev.dashspark.spark.report;

import dev.dashspark.core.util.Flags;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.List;
import java.util.OptionalInt;

/**
 * {@code dash report --results PATH --out DIR [--planned N] [--master URL]}: writes the report of a results table
 * (see {@link ReportJob}). The Spark master is {@code --master}, else the {@code spark.master} system property (set
 * by spark-submit), else {@code local[*]}; a SparkSession this command created is stopped at the end.
 */
public final class ReportCommand {
    public static final List<String> FLAGS = List.of("--results", "--out", "--planned", "--master");

    public static final String USAGE = "usage: dash report --results PATH --out DIR [--planned N] [--master URL]";

    private ReportCommand() {
    }

    /**
     * Runs the command; prints a summary line and, last, the path of index.html on {@code out}.
     *
     * @return 0 on success, 2 on bad flags (message and usage on standard error)
     */
    public static int run(String[] args, PrintStream out) {
        String results;
        String outDir;
        OptionalInt planned;
        String master;
        try {
            Flags f = Flags.parse(args, FLAGS);
            results = f.required("--results");
            outDir = f.required("--out");
            planned = f.string("--planned", null) == null ? OptionalInt.empty() : OptionalInt.of(f.integer("--planned", 0, 0));
            master = f.string("--master", System.getProperty("spark.master", "local[*]"));
        } catch (IllegalArgumentException e) {
            System.err.println("report: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        boolean existing = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
        SparkSession spark = SparkSession.builder().appName("dash report").master(master).getOrCreate();
        try {
            ReportSummary s = ReportJob.write(spark, results, outDir, planned);
            out.println("report: " + s.line());
            out.println(s.indexHtml());
            return 0;
        } finally {
            if (!existing) {
                spark.stop();
            }
        }
    }
}
