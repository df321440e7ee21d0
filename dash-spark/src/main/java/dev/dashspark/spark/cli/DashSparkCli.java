package dev.dashspark.spark.cli;

import dev.dashspark.core.cli.DashCli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of the Spark application ({@code submit/dash} and {@code spark-submit} run this class):
 * {@code sweep}, {@code demo} and {@code report} here; {@code trial} and {@code bench} are dash-core's
 * ({@link DashCli}). Bad input exits with 2 and a message naming the flag, key or file.
 */
public final class DashSparkCli {
    private DashSparkCli() {
    }

    static final String USAGE = """
            usage: dash sweep --conf FILE [--plan] [--output PATH] [--master URL]
                   dash demo [--output PATH] [--master URL]
                   dash report --results PATH --out DIR [--planned N] [--master URL]
                   dash bench sweep [--conf FILE] [--master URL]   (fan-out overhead: sequential vs Spark)
                   dash trial ... | dash bench ...   (one machine, no Spark; see 'dash trial --help')
            """;

    public static void main(String[] args) {
        boolean benchSweep = args.length >= 2 && args[0].equals("bench") && args[1].equals("sweep");
        if (!benchSweep && (args.length == 0 || !List.of("sweep", "demo", "report").contains(args[0]))) {
            DashCli.main(args);
            return;
        }
        int status;
        try {
            status = run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("dash: " + e.getMessage());
            System.err.print(USAGE);
            status = 2;
        } catch (Exception e) {
            System.err.println("dash: " + e);
            e.printStackTrace(System.err);
            status = 1;
        }
        System.exit(status);
    }

    static int run(String[] args) throws Exception {
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (args[0].equals("bench")) {
            return dev.dashspark.spark.bench.SweepBench.run(Arrays.copyOfRange(args, 2, args.length), System.out);
        }
        return switch (args[0]) {
            case "sweep" -> SweepCommand.run(rest, System.out);
            case "demo" -> SweepCommand.run(demoArgs(rest), System.out);
            default -> dev.dashspark.spark.report.ReportCommand.run(rest, System.out);
        };
    }

    /** {@code demo} is {@code sweep --conf <dash home>/conf/demo.conf} plus the given flags. */
    static String[] demoArgs(String[] rest) {
        String home = System.getProperty("dash.home", System.getenv().getOrDefault("DASH_HOME", "."));
        Path conf = Path.of(home, "conf", "demo.conf");
        if (!Files.isReadable(conf)) {
            throw new IllegalArgumentException("demo: cannot read " + conf.toAbsolutePath()
                    + " (set DASH_HOME to the dash-spark checkout or distribution)");
        }
        List<String> a = new ArrayList<>(List.of("--conf", conf.toString()));
        a.addAll(Arrays.asList(rest));
        return a.toArray(String[]::new);
    }
}
