package dev.dashspark.core.trial;

/** Where a trial reports its progress (stage, epoch, loss, ETA) and its evaluations. */
@FunctionalInterface
public interface Progress {
    /**
     * @param stage   search, hpo or retrain
     * @param detail  e.g. the configuration being tried
     * @param epoch   1-based epoch within the stage
     * @param epochs  epochs in the stage
     * @param loss    mean training loss of the epoch
     * @param etaSeconds estimated seconds left in the stage
     */
    void epoch(String stage, String detail, int epoch, int epochs, double loss, double etaSeconds);

    /**
     * A network was evaluated on a split: {@code validation} (HPO scores, retraining checkpoints) or {@code test}
     * (once per trial).
     *
     * @param stage  hpo, retrain or test
     * @param split  validation or test
     * @param value  the task metric's value
     */
    default void evaluated(String stage, String split, double value) {
    }

    /**
     * The retraining kept the network of this epoch (the best validation error, the later epoch on ties).
     *
     * @param epoch           1-based epoch
     * @param validationError its lower-is-better validation error
     */
    default void kept(int epoch, double validationError) {
    }

    /** A stage resumed from a checkpoint at a 0-based epoch (or, for HPO, with configurations already scored). */
    default void resumed(String stage, String detail) {
    }

    Progress NONE = (stage, detail, epoch, epochs, loss, eta) -> {
    };
}
