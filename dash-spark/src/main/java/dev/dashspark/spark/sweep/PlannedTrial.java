package dev.dashspark.spark.sweep;

import dev.dashspark.core.trial.Method;
import dev.dashspark.core.trial.TrialRunner;
import dev.dashspark.core.task.TaskSpec;

import java.io.Serializable;
import java.util.TreeMap;

/**
 * One trial of a sweep, as the driver ships it to an executor: everything the executor needs to run it (the resolved
 * task as properties, the method, the options, the seed) and the provenance it writes into the results row.
 *
 * @param sweepId        the sweep's name
 * @param trialId        stable id: see {@link #idOf}
 * @param task           task name
 * @param method         method id
 * @param setting        name of the sweep's hyperparameter setting
 * @param settings       what the setting overrides
 * @param seed           trial seed
 * @param taskProperties the resolved task ({@link TaskSpec#toProperties()}, with budgets and overrides applied)
 * @param hpoGrid        {@link TrialRunner.Options#hpoGrid()}'s name, or null for the task's own grid
 * @param validationFraction {@link TrialRunner.Options#validationFraction()}
 * @param retrainWiden   {@link TrialRunner.Options#retrainWiden()}
 * @param configHash     hash of the whole sweep configuration
 * @param attempt        1 for the first run of this trial, +1 for each rerun by a later run of the sweep
 * @param gitRevision    the source revision of the driver
 * @param taskCpus       cores the trial owns
 * @param checkpointEvery each stage checkpoints every this many epochs (0: a tenth of the stage)
 * @param keepCheckpoints whether the trial's checkpoints stay after its row is committed
 */
public record PlannedTrial(String sweepId, String trialId, String task, String method, String setting,
                           TreeMap<String, String> settings, long seed, TreeMap<String, String> taskProperties,
                           String hpoGrid, double validationFraction, int retrainWiden, String configHash, int attempt,
                           String gitRevision, int taskCpus, int checkpointEvery, boolean keepCheckpoints)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The plan's trial for one (task, method, setting, seed). */
    static PlannedTrial of(SweepConfig cfg, String task, Method method, String setting, long seed, String gitRevision) {
        SweepConfig.ResolvedTask rt = cfg.task(task, setting);
        TreeMap<String, String> props = new TreeMap<>(rt.spec().toProperties());
        return new PlannedTrial(cfg.name(), idOf(rt, method, seed), task, method.id(), setting,
                new TreeMap<>(cfg.settings().get(setting)), seed, props, rt.options().hpoGrid() == null ? null : rt.options().hpoGrid().configName(),
                rt.options().validationFraction(), rt.options().retrainWiden(), cfg.configHash(), 1, gitRevision,
                cfg.spark().taskCpus(), cfg.operations().checkpointEvery(), cfg.operations().keepCheckpoints());
    }

    /**
     * The trial id: 16 hex digits of a SHA-256 over everything that determines the trial's outcome, namely the
     * resolved task (all keys but the data location), the method, the trial options and the seed. The same trial in
     * a rerun of the sweep, or in another sweep, gets the same id; changing a budget or a search space makes a new
     * trial. The setting's name and the sweep's name do not enter.
     */
    public static String idOf(SweepConfig.ResolvedTask rt, Method method, long seed) {
        TreeMap<String, String> props = new TreeMap<>(rt.spec().toProperties());
        props.remove("data");
        String canonical = "task=" + rt.spec().name() + "\nspec=" + props + "\nmethod=" + method.id()
                + "\noptions=hpo:" + (rt.options().hpoGrid() == null ? "task" : rt.options().hpoGrid().configName()) + ",validation-fraction:" + rt.options().validationFraction()
                + ",retrain-widen:" + rt.options().retrainWiden() + "\nseed=" + seed;
        return SweepConfig.sha256(canonical);
    }

    public TaskSpec spec() {
        return TaskSpec.fromProperties(task, taskProperties);
    }

    public Method methodEnum() {
        return Method.parse(method);
    }

    public TrialRunner.Options options() {
        return new TrialRunner.Options(hpoGrid == null ? null : dev.dashspark.core.trial.HpoGrid.parse(hpoGrid),
                validationFraction, retrainWiden);
    }

    public PlannedTrial withAttempt(int a) {
        return new PlannedTrial(sweepId, trialId, task, method, setting, settings, seed, taskProperties, hpoGrid,
                validationFraction, retrainWiden, configHash, a, gitRevision, taskCpus, checkpointEvery, keepCheckpoints);
    }

    /** For logs and Spark job descriptions: {@code task/method/setting/seed N (id)}. */
    public String label() {
        return task + "/" + method + "/" + setting + "/seed " + seed + " (" + trialId + ")";
    }
}
