package dev.dashspark.core.task;

import dev.dashspark.core.train.CropFlip;
import dev.dashspark.core.train.Training;

import java.util.Arrays;

/**
 * How a task's training inputs are augmented (key {@code augment}; docs/algorithm.md, "Task extras"). An
 * augmentation changes the inputs of every training minibatch of every stage (search, HPO, retraining), never a
 * validation or test input, and draws from the epoch's seeded generator ({@link Training#epoch}), so a rerun and a
 * resumed stage see the same augmented batches.
 */
public enum Augmentation {
    /** The inputs as the data file holds them. */
    NONE("none"),
    /**
     * CIFAR-100's: each image padded by {@value CropFlip#PAD} pixels on every side, a window of its own size cut at a
     * uniformly drawn offset, then mirrored left–right with probability ½ (torchvision's {@code RandomCrop(size, 4)}
     * then {@code RandomHorizontalFlip()}). 2D inputs only; labels must not move with the input, so not for dense
     * outputs.
     */
    CROP_FLIP("crop-flip");

    private final String configName;

    Augmentation(String configName) {
        this.configName = configName;
    }

    /** The name in task files: {@code none} or {@code crop-flip}. */
    public String configName() {
        return configName;
    }

    /** Why this augmentation cannot apply to a task of {@code dims} and {@code kind}, or null when it can. */
    public String unsuitable(int dims, OutputKind kind) {
        if (this == CROP_FLIP && dims != 2) {
            return "crops and flips images: it needs dims 2, not " + dims;
        }
        if (this == CROP_FLIP && kind == OutputKind.DENSE) {
            return "moves the input but not a dense output's labels: it applies to output classes or multi-label only";
        }
        return null;
    }

    /** The transform of a training minibatch, or null for {@link #NONE}; {@code fill} as {@link CropFlip}'s. */
    public Training.Augmenter augmenter(double[] fill) {
        return this == NONE ? null : new CropFlip(fill);
    }

    /** The augmentation named {@code name} (exact), or an error naming the value and the accepted names. */
    public static Augmentation parse(String name) {
        for (Augmentation a : values()) {
            if (a.configName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("augment: unknown augmentation '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Augmentation::configName).toList());
    }

    @Override
    public String toString() {
        return configName;
    }
}
