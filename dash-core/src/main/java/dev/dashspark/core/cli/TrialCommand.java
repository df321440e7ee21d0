package dev.dashspark.core.cli;

import dev.dashspark.core.trial.HpoGrid;
import dev.dashspark.core.trial.Method;
import dev.dashspark.core.trial.Progress;
import dev.dashspark.core.trial.TrialResult;
import dev.dashspark.core.trial.TrialRunner;
import dev.dashspark.core.task.SyntheticTasks;
import dev.dashspark.core.task.TaskConfig;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskDataReader;
import dev.dashspark.core.task.TaskSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code trial}: one trial on this machine, with a progress line on stderr; prints the found architecture and the
 * test metric, and writes the JSON result ({@code --out}, default {@code trial-<task>-<method>-<seed>.json}).
 * Exit status 0 when the trial is OK, 3 when it diverged.
 */
@Command(name = "trial", mixinStandardHelpOptions = true,
        description = "One DASH trial on this machine: search, discretization, HPO, retraining, test metric; JSON result.")
final class TrialCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--conf", required = true, paramLabel = "FILE", description = "the task definitions (properties)")
    Path conf;

    @Option(names = "--task", required = true, paramLabel = "NAME", description = "a task defined in --conf")
    String task;

    @Option(names = "--method", required = true, paramLabel = "METHOD", converter = Converters.MethodConverter.class,
            description = "dash, mixed-results, backbone or random")
    Method method;

    @Option(names = "--seed", defaultValue = "0", description = "the trial seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--hpo", paramLabel = "GRID", converter = Converters.HpoGridConverter.class,
            description = "reference, reference-small, lr or none (default: the task's own hpo-grid)")
    HpoGrid hpo;

    @Option(names = "--out", paramLabel = "FILE", description = "the JSON result (default: trial-<task>-<method>-<seed>.json)")
    Path outFile;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isReadable(conf)) {
            throw new ConfigError("--conf: cannot read '" + conf + "'");
        }
        Map<String, TaskSpec> tasks;
        try {
            tasks = TaskConfig.load(conf);
        } catch (IllegalArgumentException e) {
            throw new ConfigError("--conf: " + e.getMessage(), e);
        }
        TaskSpec spec = tasks.get(task);
        if (spec == null) {
            throw new ConfigError("--task: no task '" + task + "' in " + conf + "; it defines " + tasks.keySet());
        }
        Method m = method;
        long s = seed;
        TrialRunner.Options options = new TrialRunner.Options(hpo, TrialRunner.Options.DEFAULT.validationFraction());
        TaskData data = spec.synthetic() != null ? SyntheticTasks.generate(spec, s) : TaskDataReader.load(spec);
        TrialResult r = new TrialRunner(spec, m, s, options, bar(System.err)).run(data);
        System.err.println();
        if (r.architecture() != null) {
            out.print(r.architecture().table());
        }
        out.printf("%s on %s (seed %d): %s%s%n", m.id(), spec.name(), s, r.status(),
                r.ok() ? String.format(", test %s = %.4f (error %.4f), chosen %s", r.metricName(), r.metricValue(),
                        r.error(), r.hyperparams()) : ": " + r.message());
        out.printf("time: search %.1f s, hpo %.1f s, retrain %.1f s, total %.1f s%n", r.searchSeconds(), r.hpoSeconds(),
                r.retrainSeconds(), r.totalSeconds());
        Path dest = outFile != null ? outFile : Path.of("trial-" + spec.name() + "-" + m.id() + "-" + s + ".json");
        Files.writeString(dest, r.toJson() + "\n", StandardCharsets.UTF_8);
        out.println("result: " + dest.toAbsolutePath());
        out.flush();
        return r.ok() ? ExitStatus.OK.code() : ExitStatus.TRIALS_NOT_OK.code();
    }

    /** A one-line progress bar: stage, detail, epoch, bar, loss, ETA. */
    static Progress bar(PrintStream err) {
        return (stage, detail, epoch, epochs, loss, eta) -> {
            int width = 20;
            int done = (int) Math.round(width * (double) epoch / epochs);
            err.printf("\r%-7s %-28s epoch %3d/%-3d [%s%s] loss %.4f  ETA %4.0fs ", stage,
                    detail.length() > 28 ? detail.substring(0, 28) : detail, epoch, epochs, "#".repeat(done),
                    " ".repeat(width - done), loss, eta);
            if (epoch == epochs) {
                err.println();
            }
            err.flush();
        };
    }
}
