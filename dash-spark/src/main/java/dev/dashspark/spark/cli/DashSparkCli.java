package dev.dashspark.spark.cli;

import dev.dashspark.core.cli.DashCli;
import dev.dashspark.spark.report.ReportCommand;
import picocli.CommandLine;

/**
 * The command line of the Spark application ({@code submit/dash} and {@code spark-submit} run this class): dash-core's
 * tree ({@code trial}, {@code bench aggconv|trial}) plus {@code sweep}, {@code demo}, {@code report} and
 * {@code bench sweep}, one parser with generated usage ({@code --help} everywhere) and the exit statuses of
 * {@link dev.dashspark.core.cli.ExitStatus}.
 */
public final class DashSparkCli {
    private DashSparkCli() {
    }

    /** The whole command tree, configured. */
    public static CommandLine commandLine() {
        CommandLine cl = DashCli.tree();
        cl.addSubcommand(new SweepCommand());
        cl.addSubcommand(new DemoCommand());
        cl.addSubcommand(new ReportCommand());
        cl.getSubcommands().get("bench").addSubcommand(new SweepBenchCommand());
        return DashCli.configure(cl);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
