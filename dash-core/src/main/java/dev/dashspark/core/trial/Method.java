package dev.dashspark.core.trial;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How a trial gets its architecture; each is a first-class choice so performance profiles can compare them. */
public enum Method {
    /** DASH: joint search of weights and α with the FFT AggConv, then argmax α per layer. */
    DASH("dash"),
    /**
     * DASH's own operator computed by the costlier route: the |K||D| dilated convolutions summed with the mixing
     * weights (the reference speed test's "mixed-results"). It computes the same function as {@link #DASH}, so with
     * the same seed it searches the same way up to rounding, and finds the same architectures unless rounding flips a
     * near-tie of α; it is there to measure what the FFT route saves.
     */
    MIXED_RESULTS("mixed-results"),
    /** No search: the backbone's default kernels. */
    BACKBONE("backbone"),
    /** A (k, d) per layer drawn uniformly from the search space with the trial's seed. */
    RANDOM("random");

    private final String id;

    Method(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public boolean searches() {
        return this == DASH || this == MIXED_RESULTS;
    }

    /** How this method gets its architecture. */
    public Searcher searcher() {
        return switch (this) {
            case DASH -> new DashSearch(dev.dashspark.core.aggconv.Strategy.FFT);
            case MIXED_RESULTS -> new DashSearch(dev.dashspark.core.aggconv.Strategy.MIXED_RESULTS);
            case BACKBONE -> Searcher.BACKBONE;
            case RANDOM -> Searcher.RANDOM;
        };
    }

    public static Method parse(String name) {
        for (Method m : values()) {
            if (m.id.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown method '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Method::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
