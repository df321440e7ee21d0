package dev.dashspark.spark.report;

import dev.dashspark.core.cli.DashCli;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/**
 * {@code dash report --results PATH --out DIR [--planned N] [--master URL]}: writes the report of a results table
 * (see {@link ReportJob}). The Spark master is {@code --master}, else the {@code spark.master} system property (set
 * by spark-submit), else {@code local[*]}; a SparkSession this command created is stopped at the end.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"The report (HTML, performance profiles, tables, plots, CSV) of a results table.",
            "Prints a summary line and, last, the path of index.html."})
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--results", required = true, paramLabel = "PATH", description = "a results table (<output>/results)")
    String results;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where the report goes (local, hdfs://, s3a://)")
    String outDir;

    @Option(names = "--planned", paramLabel = "N", description = "the planned trial count, for \"N of M trials finished\"")
    Integer planned;

    @Option(names = "--master", paramLabel = "URL", description = "default: the spark.master property, else local[*]")
    String master;

    /** Runs the command as the command line does, printing on {@code out}; returns the exit status. */
    public static int run(String[] args, PrintStream out) {
        CommandLine cl = DashCli.configure(new CommandLine(new ReportCommand()));
        cl.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        if (planned != null && planned < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--planned: expected an integer ≥ 0, got " + planned);
        }
        PrintWriter out = spec.commandLine().getOut();
        String m = master != null ? master : System.getProperty("spark.master", "local[*]");
        boolean existing = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
        SparkSession spark = SparkSession.builder().appName("dash report").master(m).getOrCreate();
        try {
            ReportSummary s = ReportJob.write(spark, results, outDir,
                    planned == null ? OptionalInt.empty() : OptionalInt.of(planned));
            out.println("report: " + s.line());
            out.println("report: " + s.headline());
            out.println(s.indexHtml());
            out.flush();
            return 0;
        } finally {
            if (!existing) {
                spark.stop();
            }
        }
    }
}
