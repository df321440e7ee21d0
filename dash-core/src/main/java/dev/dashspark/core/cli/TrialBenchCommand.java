package dev.dashspark.core.cli;

import dev.dashspark.core.bench.TrialBench;
import dev.dashspark.core.trial.HpoGrid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code bench trial}: its options, parsed and checked, handed to {@link TrialBench#run}. */
@Command(name = "trial", mixinStandardHelpOptions = true,
        description = {"Runs one backbone and one dash trial of a task in this JVM.",
            "Stdout: CSV method,search_s,hpo_s,retrain_s,total_s,peak_heap_mb,peak_rss_mb,test_error."})
final class TrialBenchCommand implements Callable<Integer> {
    @Option(names = "--conf", paramLabel = "FILE", defaultValue = "conf/synthetic.conf",
            description = "task definitions (default: ${DEFAULT-VALUE})")
    Path conf;

    @Option(names = "--task", paramLabel = "NAME", defaultValue = "long-lag", description = "default: ${DEFAULT-VALUE}")
    String task;

    @Option(names = "--seed", defaultValue = "0", description = "default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--hpo", paramLabel = "GRID", defaultValue = "none", converter = Converters.HpoGridConverter.class,
            description = "reference, reference-small, lr or none (default: ${DEFAULT-VALUE})")
    HpoGrid hpo;

    @Override
    public Integer call() throws Exception {
        TrialBench.run(new TrialBench.Options(conf, task, seed, hpo.configName()));
        return 0;
    }
}
