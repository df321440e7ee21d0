package dev.dashspark.spark.cli;

import dev.dashspark.spark.bench.SweepBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code bench sweep}: its options handed to {@link SweepBench#run}. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"The fan-out overhead: the same sweep sequentially in this JVM and through Spark.",
            "Stdout: CSV mode,trials,slots,wall_s,sum_trial_s, then speedup and overhead_per_trial_s."})
final class SweepBenchCommand implements Callable<Integer> {
    @Option(names = "--conf", paramLabel = "FILE", description = "the sweep (default: <dash home>/conf/bench-sweep.conf)")
    String conf;

    @Option(names = "--master", paramLabel = "URL", description = "overrides spark.master")
    String master;

    @Override
    public Integer call() throws Exception {
        String file = conf != null ? conf : System.getProperty("dash.home", ".") + "/conf/bench-sweep.conf";
        return SweepBench.run(file, master, System.out);
    }
}
