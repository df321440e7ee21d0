package dev.dashspark.core.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One retraining configuration of the hyperparameter search (ALGORITHM.md §1.5).
 *
 * @param lr          learning rate (SGD, Nesterov when momentum ≠ 0)
 * @param dropout     dropout probability after each searchable convolution
 * @param weightDecay L2 coefficient (PyTorch's weight_decay)
 * @param momentum    momentum
 */
public record Hyperparams(double lr, double dropout, double weightDecay, double momentum) {
    public Hyperparams {
        if (!(lr > 0)) {
            throw new IllegalArgumentException("lr: must be > 0, got " + lr);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout: must be in [0, 1), got " + dropout);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay: must be ≥ 0, got " + weightDecay);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum: must be in [0, 1), got " + momentum);
        }
    }

    public Map<String, String> asMap() {
        return Map.of("lr", Double.toString(lr), "dropout", Double.toString(dropout),
                "weight_decay", Double.toString(weightDecay), "momentum", Double.toString(momentum));
    }

    /** Named grids: {@code reference} (24 configurations, lr outermost), {@code lr} (the 3 learning rates), {@code none}. */
    public static List<Hyperparams> grid(String name, boolean denseTask) {
        return switch (name) {
            case "reference" -> denseTask ? denseGrid() : referenceGrid();
            case "lr" -> List.of(new Hyperparams(0.1, 0, 5e-4, 0.9), new Hyperparams(0.01, 0, 5e-4, 0.9),
                    new Hyperparams(0.001, 0, 5e-4, 0.9));
            case "none" -> List.of(denseTask ? new Hyperparams(0.01, 0, 5e-5, 0.99) : new Hyperparams(0.1, 0, 5e-4, 0.9));
            default -> throw new IllegalArgumentException("hpo grid: unknown '" + name + "'; expected reference, lr or none");
        };
    }

    /** lr {0.1, 0.01, 0.001} × dropout {0, 0.05} × wd {5e-4, 5e-6} × momentum {0.9, 0.99}. */
    static List<Hyperparams> referenceGrid() {
        List<Hyperparams> out = new ArrayList<>();
        for (double lr : new double[]{0.1, 0.01, 0.001}) {
            for (double dropout : new double[]{0, 0.05}) {
                for (double wd : new double[]{5e-4, 5e-6}) {
                    for (double m : new double[]{0.9, 0.99}) {
                        out.add(new Hyperparams(lr, dropout, wd, m));
                    }
                }
            }
        }
        return out;
    }

    /** Dense tasks: lr {1e-2, 1e-3, 1e-4}, dropout 0, wd 5e-5, momentum 0.99. */
    static List<Hyperparams> denseGrid() {
        return List.of(new Hyperparams(1e-2, 0, 5e-5, 0.99), new Hyperparams(1e-3, 0, 5e-5, 0.99),
                new Hyperparams(1e-4, 0, 5e-5, 0.99));
    }
}
