package dev.dashspark.core.trial;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How a trial gets its architecture; each is a first-class choice so performance profiles can compare them. */
public enum Method {
    /** DASH: joint search of weights and α with the FFT AggConv, then argmax α per layer. */
    DASH("dash"),
    /** DARTS-style search over the same space with the mixed-results AggConv. */
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
