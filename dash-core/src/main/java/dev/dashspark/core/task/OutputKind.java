package dev.dashspark.core.task;

import java.util.Arrays;

/**
 * What a task predicts, which fixes the label shape (docs/algorithm.md, "Tasks"):
 * <ul>
 *   <li>{@link #CLASSES}: one class per sample; labels one-hot (B, numOutputs); loss {@code ce}.</li>
 *   <li>{@link #MULTI_LABEL}: independent binary labels per sample; labels (B, numOutputs) of 0/1; loss {@code bce}.</li>
 *   <li>{@link #DENSE}: an output map on the input grid; labels (B, numOutputs, spatial...); losses {@code mse},
 *       {@code rel-l2} or {@code bce} (masks).</li>
 * </ul>
 */
public enum OutputKind {
    CLASSES("classes"),
    MULTI_LABEL("multi-label"),
    DENSE("dense");

    private final String configName;

    OutputKind(String configName) {
        this.configName = configName;
    }

    /** The name used in task configuration files: {@code classes}, {@code multi-label} or {@code dense}. */
    public String configName() {
        return configName;
    }

    /** The kind whose {@link #configName()} is {@code name} (exact match). */
    public static OutputKind parse(String name) {
        for (OutputKind k : values()) {
            if (k.configName.equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("output: unknown output kind '" + name + "'; expected one of "
                + Arrays.stream(values()).map(OutputKind::configName).toList());
    }
}
