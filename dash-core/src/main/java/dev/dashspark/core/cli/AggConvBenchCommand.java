package dev.dashspark.core.cli;

import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.bench.AggConvBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;

/** {@code bench aggconv}: its options, parsed and checked, handed to {@link AggConvBench#run}. */
@Command(name = "aggconv", mixinStandardHelpOptions = true,
        description = {"Times one SGD step (forward, backward, update) of the ResNet1D search backbone per method and"
                + " point of a sweep of the search space.",
            "Stdout: CSV method,K,D,len,batch,ms_per_step."})
final class AggConvBenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--sweep", required = true, paramLabel = "kd|len",
            description = "kd: length 1000, K = {3,5,..,15}[:i], D = {1,3,7,15,31,63,127}[:i]; "
                    + "len: K = {3,..,11}, D = {1,3,7,15,31}, length 2^(4+i)")
    String sweep;

    @Option(names = "--points", split = ",", paramLabel = "I", defaultValue = "1,2,3,4,5,6,7",
            description = "the points i of the sweep, 1..7 (default: ${DEFAULT-VALUE})")
    int[] points;

    @Option(names = "--methods", split = ",", paramLabel = "METHOD", defaultValue = "fft,mixed-weights,mixed-results",
            converter = Converters.StrategyConverter.class, description = "default: ${DEFAULT-VALUE}")
    List<Strategy> methods;

    @Option(names = "--steps", defaultValue = "3", description = "timed steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "2", description = "untimed steps first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--batch", defaultValue = "128", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Override
    public void run() {
        if (!sweep.equals("kd") && !sweep.equals("len")) {
            throw usage("--sweep: expected kd or len, got '" + sweep + "'");
        }
        for (int p : points) {
            if (p < 1 || p > 7) {
                throw usage("--points: '" + p + "' is not an integer in 1..7");
            }
        }
        if (steps < 1 || warmup < 0 || batch < 1) {
            throw usage("--steps and --batch must be ≥ 1 and --warmup ≥ 0; got " + steps + ", " + batch + ", " + warmup);
        }
        AggConvBench.run(new AggConvBench.Options(sweep, points, List.copyOf(methods), steps, warmup, batch), System.out);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
