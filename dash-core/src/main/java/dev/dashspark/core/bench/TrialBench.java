package dev.dashspark.core.bench;

import dev.dashspark.core.trial.Method;
import dev.dashspark.core.trial.Progress;
import dev.dashspark.core.trial.TrialResult;
import dev.dashspark.core.trial.TrialRunner;
import dev.dashspark.core.task.SyntheticTasks;
import dev.dashspark.core.task.TaskConfig;
import dev.dashspark.core.task.TaskSpec;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code bench trial [--conf FILE] [--task NAME] [--seed N] [--hpo GRID]}: one {@code backbone} and one {@code dash}
 * trial of a task (default: long-lag of conf/synthetic.conf), each in this JVM. Prints CSV
 * {@code method,search_s,hpo_s,retrain_s,total_s,peak_heap_mb,peak_rss_mb,test_error} and, on stderr, the DASH
 * search time as a fraction of the backbone's training (retrain) time.
 */
public final class TrialBench {
    private static final Logger LOG = LoggerFactory.getLogger(TrialBench.class);
    static final String HEADER = "method,search_s,hpo_s,retrain_s,total_s,peak_heap_mb,peak_rss_mb,test_error";

    private TrialBench() {
    }

    /** What to run (parsed and checked by the {@code bench trial} command). */
    public record Options(Path conf, String task, long seed, String hpo) {
    }

    public static void run(Options o) throws Exception {
        Path conf = o.conf();
        String task = o.task();
        long seed = o.seed();
        String hpo = o.hpo();
        Map<String, TaskSpec> tasks = TaskConfig.load(conf);
        TaskSpec spec = tasks.get(task);
        if (spec == null) {
            throw new IllegalArgumentException("--task: no task '" + task + "' in " + conf + "; it defines " + tasks.keySet());
        }
        System.out.println(HEADER);
        TrialResult backbone = run(spec, Method.BACKBONE, seed, hpo);
        TrialResult dash = run(spec, Method.DASH, seed, hpo);
        LOG.info("dash search took {} s = {} of the backbone's training ({} s); dash total {} s = {}× the backbone's total",
                String.format("%.1f", dash.searchSeconds()), String.format("%.2f", dash.searchSeconds() / backbone.retrainSeconds()),
                String.format("%.1f", backbone.retrainSeconds()), String.format("%.1f", dash.totalSeconds()),
                String.format("%.2f", dash.totalSeconds() / backbone.totalSeconds()));
    }

    private static TrialResult run(TaskSpec spec, Method m, long seed, String hpo) {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        TrialResult r = new TrialRunner(spec, m, seed, new TrialRunner.Options(hpo == null ? null : dev.dashspark.core.trial.HpoGrid.parse(hpo), 0.1), Progress.NONE)
                .run(SyntheticTasks.generate(spec, seed));
        long heap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heap += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("%s,%.1f,%.1f,%.1f,%.1f,%d,%d,%.4f%n", m.id(), r.searchSeconds(), r.hpoSeconds(),
                r.retrainSeconds(), r.totalSeconds(), heap >> 20, Pointer.physicalBytes() >> 20, r.error());
        System.out.flush();
        return r;
    }
}
