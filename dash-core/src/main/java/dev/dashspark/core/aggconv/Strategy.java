package dev.dashspark.core.aggconv;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The three ways of computing AggConv, by their command-line names. */
public enum Strategy {
    MIXED_RESULTS("mixed-results"),
    MIXED_WEIGHTS("mixed-weights"),
    FFT("fft");

    private final String id;

    Strategy(String id) {
        this.id = id;
    }

    /** The name used in configuration, on the command line and in results: fft, mixed-weights, mixed-results. */
    public String id() {
        return id;
    }

    /** The implementation of this strategy (thread-safe; {@code fft} on the JVM's default FFT backend). */
    public AggConvStrategy implementation() {
        return switch (this) {
            case MIXED_RESULTS -> MixedResultsStrategy.INSTANCE;
            case MIXED_WEIGHTS -> MixedWeightsStrategy.INSTANCE;
            case FFT -> FftStrategy.onDefaultBackend();
        };
    }

    /** Parses a name such as {@code fft}; the error lists the valid names. */
    public static Strategy parse(String name) {
        for (Strategy s : values()) {
            if (s.id.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown AggConv method '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Strategy::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
