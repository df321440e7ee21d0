package dev.dashspark.core.cli;

import dev.dashspark.core.bench.TrialBench;
import dev.dashspark.core.trial.HpoGrid;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;

/** {@code bench trial}: its options, parsed and checked, handed to {@link TrialBench#run}. */
@Command(name = "trial", mixinStandardHelpOptions = true,
        description = {"What a DASH trial costs on realistic shapes, on random data: seconds per search step, HPO"
                + " and retraining epoch of the backbone and of a found network with large dilations, peak memory,"
                + " the per-layer profile, the same networks on DL4J's stock layers, and the whole-trial times"
                + " these imply (see BENCHMARKS.md).",
            "Stdout: CSV task,network,layers,measure,value,unit; progress on stderr."})
final class TrialBenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--tasks", split = ",", paramLabel = "1d|2d", defaultValue = "1d,2d",
            description = "1d: 5,400 x 1 x 784, 10 classes, batch 256, ResNet1D; 2d: 3 x 32 x 32, 10 classes, batch 64,"
                    + " WRN (default: ${DEFAULT-VALUE})")
    List<String> tasks;

    @Option(names = "--seed", defaultValue = "0", description = "default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--steps", defaultValue = "22", description = "timed steps per network (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--search-steps", defaultValue = "3", description = "timed search steps (default: ${DEFAULT-VALUE})")
    int searchSteps;

    @Option(names = "--stock-steps", defaultValue = "3",
            description = "timed steps on DL4J's stock layers, 0 to skip (default: ${DEFAULT-VALUE})")
    int stockSteps;

    @Option(names = "--profile-reps", defaultValue = "3",
            description = "repetitions of the per-layer profile (default: ${DEFAULT-VALUE})")
    int profileReps;

    @Option(names = "--budget", paramLabel = "S,H,R", defaultValue = "100,80,200",
            description = "search, HPO and retraining epochs of the projected trial (default: ${DEFAULT-VALUE})")
    String budget;

    @Option(names = "--grid", paramLabel = "GRID", defaultValue = "reference", converter = Converters.HpoGridConverter.class,
            description = "the HPO grid of the projection: reference, reference-small, lr or none (default: ${DEFAULT-VALUE})")
    HpoGrid grid;

    @Option(names = "--train2d", defaultValue = "1280", description = "2d training inputs, ≥ 64 (default: ${DEFAULT-VALUE})")
    int train2d;

    @Option(names = "--trials", paramLabel = "S,H,R",
            description = "also run real backbone and dash trials with these epochs (grid lr)")
    String trials;

    @Override
    public void run() {
        for (String t : tasks) {
            if (!t.equals("1d") && !t.equals("2d")) {
                throw usage("--tasks: expected 1d and/or 2d, got '" + t + "'");
            }
        }
        if (steps < 1 || searchSteps < 1 || profileReps < 1 || stockSteps < 0) {
            throw usage("--steps, --search-steps and --profile-reps must be ≥ 1 and --stock-steps ≥ 0; got "
                    + steps + ", " + searchSteps + ", " + profileReps + ", " + stockSteps);
        }
        if (train2d < 64) {
            throw usage("--train2d: expected at least 64, got " + train2d);
        }
        TrialBench.run(new TrialBench.Options(List.copyOf(tasks), seed, steps, searchSteps, stockSteps, profileReps,
                epochs("--budget", budget), grid, train2d, trials == null ? null : epochs("--trials", trials)), System.out);
    }

    private int[] epochs(String flag, String value) {
        String[] parts = value.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                out[i] = -1;
            }
        }
        if (parts.length != 3 || out[0] < 1 || out[1] < 1 || out[2] < 1) {
            throw usage(flag + ": expected three positive integers SEARCH,HPO,RETRAIN (epochs), got '" + value + "'");
        }
        return out;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
