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
import dev.dashspark.core.util.Flags;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code trial --conf FILE --task NAME --method dash|mixed-results|backbone|random --seed N [--hpo reference|lr|none]
 * [--out FILE]}: one trial on this machine, with a progress line on stderr; prints the found architecture and the
 * test metric, and writes the JSON result ({@code --out}, default {@code trial-<task>-<method>-<seed>.json}).
 */
final class TrialCommand {
    private TrialCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        Flags f = Flags.parse(args, java.util.List.of("--conf", "--task", "--method", "--seed", "--hpo", "--out"));
        String conf = f.required("--conf");
        String task = f.required("--task");
        String method = f.required("--method");
        long s = f.integer("--seed", 0L);
        String hpo = f.string("--hpo", null);
        String outFile = f.string("--out", null);
        Method m = Method.parse(method);
        Path confPath = Path.of(conf);
        if (!Files.isReadable(confPath)) {
            throw new IllegalArgumentException("--conf: cannot read '" + conf + "'");
        }
        Map<String, TaskSpec> tasks = TaskConfig.load(confPath);
        TaskSpec spec = tasks.get(task);
        if (spec == null) {
            throw new IllegalArgumentException("--task: no task '" + task + "' in " + conf + "; it defines " + tasks.keySet());
        }
        TrialRunner.Options options = new TrialRunner.Options(hpo == null ? null : HpoGrid.parse(hpo),
                TrialRunner.Options.DEFAULT.validationFraction());
        TaskData data = spec.synthetic() != null ? SyntheticTasks.generate(spec, s) : TaskDataReader.load(spec);
        TrialResult r = new TrialRunner(spec, m, s, options, bar(err)).run(data);
        err.println();
        if (r.architecture() != null) {
            out.print(r.architecture().table());
        }
        out.printf("%s on %s (seed %d): %s%s%n", m.id(), spec.name(), s, r.status(),
                r.ok() ? String.format(", test %s = %.4f (error %.4f), chosen %s", r.metricName(), r.metricValue(),
                        r.error(), r.hyperparams()) : ": " + r.message());
        out.printf("time: search %.1f s, hpo %.1f s, retrain %.1f s, total %.1f s%n", r.searchSeconds(), r.hpoSeconds(),
                r.retrainSeconds(), r.totalSeconds());
        Path dest = Path.of(outFile != null ? outFile : "trial-" + spec.name() + "-" + m.id() + "-" + s + ".json");
        Files.writeString(dest, r.toJson() + "\n", StandardCharsets.UTF_8);
        out.println("result: " + dest.toAbsolutePath());
        return r.ok() ? 0 : 3;
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
