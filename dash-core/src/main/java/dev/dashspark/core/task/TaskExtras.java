package dev.dashspark.core.task;

import java.util.Arrays;

/**
 * The task-specific processing the reference does for some NAS-Bench-360 tasks (docs/algorithm.md, "Task extras"),
 * each a task key, all off by default. Whether they suit the task is checked by {@link TaskSpec}; the data arrays
 * they need are declared by {@link TaskLayout}.
 *
 * @param augment     key {@code augment}: how training inputs are augmented (CIFAR-100: {@code crop-flip})
 * @param augmentFill key {@code augment-fill}: the value of padded pixels, one for every channel or one per channel
 *                    (0 unless set; only with an augmentation)
 * @param clipAverage key {@code clip-average}: validation and test are scored per clip, each clip's prediction the
 *                    sigmoid of the mean of its chunks' logits (FSD50K); needs {@code clip_val} and {@code clip_test}
 * @param ignoreMask  key {@code ignore-mask}: elements flagged in the task's ignore maps are zeroed in both output and
 *                    target before the loss and the metric (Cosmic); needs {@code ignore_train}, {@code ignore_test}
 *                    and, with a validation split, {@code ignore_val}
 */
public record TaskExtras(Augmentation augment, double[] augmentFill, boolean clipAverage, boolean ignoreMask) {

    /** No extra processing. */
    public static final TaskExtras NONE = new TaskExtras(Augmentation.NONE, new double[]{0}, false, false);

    public TaskExtras {
        if (augment == null) {
            throw new IllegalArgumentException("augment: must not be null");
        }
        if (augmentFill == null || augmentFill.length == 0) {
            throw new IllegalArgumentException("augment-fill: must hold one value, or one per input channel");
        }
        for (double v : augmentFill) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("augment-fill: " + Arrays.toString(augmentFill) + " must be finite");
            }
        }
        // the same value for every channel is one value: equal specs compare and hash alike
        augmentFill = Arrays.stream(augmentFill).distinct().count() == 1 ? new double[]{augmentFill[0]}
                : augmentFill.clone();
    }

    @Override
    public double[] augmentFill() {
        return augmentFill.clone();
    }

    /** Whether the fill is the default, 0 for every channel. */
    boolean defaultFill() {
        return augmentFill.length == 1 && augmentFill[0] == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskExtras e && augment == e.augment && Arrays.equals(augmentFill, e.augmentFill)
                && clipAverage == e.clipAverage && ignoreMask == e.ignoreMask;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(augment, Arrays.hashCode(augmentFill), clipAverage, ignoreMask);
    }

    @Override
    public String toString() {
        return "TaskExtras[augment=" + augment + ", augment-fill=" + Arrays.toString(augmentFill) + ", clip-average="
                + clipAverage + ", ignore-mask=" + ignoreMask + "]";
    }
}
