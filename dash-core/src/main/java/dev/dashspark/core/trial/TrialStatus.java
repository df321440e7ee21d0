package dev.dashspark.core.trial;

/**
 * How a trial ended. The results table stores the name ({@code OK}, {@code FAILED}, {@code DIVERGED}).
 */
public enum TrialStatus {
    /** Every stage finished; the metric was evaluated on test. */
    OK,
    /** A stage threw (bad data, a bug, an executor's error); the message says why. */
    FAILED,
    /** A stage's training loss became non-finite; the same seed diverges again. */
    DIVERGED;

    /** The status named {@code name} (exact, upper case), with an error naming the accepted values. */
    public static TrialStatus parse(String name) {
        for (TrialStatus s : values()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("status: unknown '" + name + "'; expected one of OK, FAILED, DIVERGED");
    }
}
