package dev.dashspark.core.metric;

import java.util.List;

/**
 * The metrics by configuration name (docs/algorithm.md, Metrics):
 * {@code accuracy} ({@link Accuracy}), {@code macro-f1} ({@link MacroF1}), {@code map} ({@link MeanAveragePrecision}),
 * {@code auroc} ({@link MeanAuroc}), {@code rel-l2} ({@link RelativeL2}), {@code mae} ({@link MeanAbsoluteError}),
 * {@code mae8} ({@link ContactMae}) and {@code fnr} ({@link FalseNegativeRate}). Names are matched exactly (lower case, no surrounding blanks).
 */
public final class Metrics {

    /** The valid names, in the order above. */
    public static final List<String> NAMES = List.of("accuracy", "macro-f1", "map", "auroc", "rel-l2", "mae", "mae8",
            "fnr");

    private Metrics() {
    }

    /** The metrics that suit {@code kind}, by name. */
    public static List<String> namesFor(dev.dashspark.core.task.OutputKind kind) {
        return NAMES.stream().filter(n -> parse(n).outputKind() == kind).toList();
    }

    /**
     * The metric called {@code name}.
     *
     * @throws IllegalArgumentException naming the bad value and listing {@link #NAMES}
     */
    public static Metric parse(String name) {
        if (name == null) {
            throw new IllegalArgumentException("metric: must not be null; expected one of " + NAMES);
        }
        return switch (name) {
            case "accuracy" -> new Accuracy();
            case "macro-f1" -> new MacroF1();
            case "map" -> new MeanAveragePrecision();
            case "auroc" -> new MeanAuroc();
            case "rel-l2" -> new RelativeL2();
            case "mae" -> new MeanAbsoluteError();
            case "mae8" -> new ContactMae();
            case "fnr" -> new FalseNegativeRate();
            default -> throw new IllegalArgumentException("metric: unknown metric '" + name + "'; expected one of "
                    + NAMES);
        };
    }
}
