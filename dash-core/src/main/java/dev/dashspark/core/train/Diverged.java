package dev.dashspark.core.train;

/** Training produced a non-finite loss; the trial is reported as DIVERGED, not as a failure of the program. */
public final class Diverged extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Diverged(String stage, int epoch, double loss) {
        super(stage + ": loss became " + loss + " in epoch " + epoch);
    }
}
