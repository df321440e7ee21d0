package dev.dashspark.core.trial;

/**
 * Where a trial checkpoints and how often.
 *
 * @param store       the trial's checkpoint store ({@link Checkpoints#NONE}: none)
 * @param everyEpochs save every this many epochs of a stage; 0 picks ⌈epochs/10⌉ per stage
 *                    ({@link Checkpoints#interval})
 */
public record CheckpointPolicy(Checkpoints store, int everyEpochs) {
    /** No checkpoints. */
    public static final CheckpointPolicy NONE = new CheckpointPolicy(Checkpoints.NONE, 0);

    public CheckpointPolicy {
        if (store == null) {
            throw new IllegalArgumentException("checkpoints: store must not be null (use Checkpoints.NONE)");
        }
        if (everyEpochs < 0) {
            throw new IllegalArgumentException("checkpoint-every: must be ≥ 0 (0: a tenth of each stage), got " + everyEpochs);
        }
    }

    /** The interval for a stage of {@code epochs} epochs. */
    public int interval(int epochs) {
        return Checkpoints.interval(everyEpochs, epochs);
    }
}
