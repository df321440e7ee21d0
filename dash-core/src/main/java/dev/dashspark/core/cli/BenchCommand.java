package dev.dashspark.core.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: the benchmarks, one subcommand each. Each subcommand is its own class that declares the bench's
 * options and hands them, parsed, to the bench's own {@code run}; the Spark application adds {@code bench sweep}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks; CSV rows on stdout, logs on stderr.",
        subcommands = {AggConvBenchCommand.class, TrialBenchCommand.class, DataBenchCommand.class})
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing benchmark: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
