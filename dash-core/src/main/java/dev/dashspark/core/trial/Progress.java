package dev.dashspark.core.trial;

/** Where a trial reports its progress (stage, epoch, loss, ETA). */
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

    Progress NONE = (stage, detail, epoch, epochs, loss, eta) -> {
    };
}
