package dev.dashspark.core.cli;

import dev.dashspark.core.bench.DataBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bench data}: its options, parsed and checked, handed to {@link DataBench#run}. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = {"Peak resident memory and load time of a DeepSEA-shaped task of N MB, against its size and"
                + " against cat.", "Stdout: CSV, one row per format and repetition."})
final class DataBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--size-mb", paramLabel = "N", defaultValue = "1024", description = "default: ${DEFAULT-VALUE}")
    long sizeMb;

    @Option(names = "--formats", split = ",", paramLabel = "FORMAT", defaultValue = "npy,npz",
            description = "npy, npz, npz-deflated (default: ${DEFAULT-VALUE})")
    List<String> formats;

    @Option(names = "--reps", paramLabel = "N", defaultValue = "3", description = "default: ${DEFAULT-VALUE}")
    int reps;

    @Option(names = "--dir", paramLabel = "DIR", description = "where the task is written (default: a temporary folder)")
    Path dir;

    @Option(names = "--keep", description = "keep the written task")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        DataBench.Options o;
        try {
            o = new DataBench.Options(sizeMb, formats, reps, dir, keep);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        DataBench.run(o, System.out, System.err);
        return 0;
    }
}
