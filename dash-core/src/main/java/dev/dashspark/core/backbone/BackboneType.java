package dev.dashspark.core.backbone;

import java.util.Arrays;

/** The backbones by configuration name, each with the dimensionality it convolves over. */
public enum BackboneType {
    /** The reference's 1D ResNet ({@link ResNet1D}). */
    RESNET1D("resnet1d", 1),
    /** Wide ResNet WRN-16-w ({@link WideResNet}). */
    WRN("wrn", 2);

    private final String configName;
    private final int dims;

    BackboneType(String configName, int dims) {
        this.configName = configName;
        this.dims = dims;
    }

    /** The name in task files. */
    public String configName() {
        return configName;
    }

    /** Spatial dimensions it convolves over. */
    public int dims() {
        return dims;
    }

    /** The backbone for tasks of {@code dims} spatial dimensions. */
    public static BackboneType forDims(int dims) {
        for (BackboneType t : values()) {
            if (t.dims == dims) {
                return t;
            }
        }
        throw new IllegalArgumentException("dims: no backbone for " + dims + " dimensions");
    }

    /** The backbone named {@code name} (exact), or an error naming the value and the accepted names. */
    public static BackboneType parse(String name) {
        for (BackboneType t : values()) {
            if (t.configName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("backbone: unknown backbone '" + name + "'; expected one of "
                + Arrays.stream(values()).map(BackboneType::configName).toList());
    }

    @Override
    public String toString() {
        return configName;
    }
}
