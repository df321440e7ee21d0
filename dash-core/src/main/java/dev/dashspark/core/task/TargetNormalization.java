package dev.dashspark.core.task;

import java.util.Arrays;

/**
 * How a dense task's targets are normalised for training (docs/algorithm.md, "Dense targets"). Metrics always compare
 * decoded predictions with the raw labels.
 */
public enum TargetNormalization {
    /** Train on the raw targets (PSICOV, Cosmic). */
    NONE("none"),
    /**
     * The reference's {@code UnitGaussianNormalizer} (Darcy): every output position standardised with the mean and
     * standard deviation of the training split at that position, {@code (y − μ)/(σ + 1e-5)}; the network's outputs
     * are decoded ({@code p·(σ + 1e-5) + μ}) before the loss and the metric.
     */
    PER_POSITION("per-position");

    private final String configName;

    TargetNormalization(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static TargetNormalization parse(String name) {
        for (TargetNormalization t : values()) {
            if (t.configName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("target-normalization: unknown '" + name + "'; expected one of "
                + Arrays.stream(values()).map(TargetNormalization::configName).toList());
    }

    @Override
    public String toString() {
        return configName;
    }
}
