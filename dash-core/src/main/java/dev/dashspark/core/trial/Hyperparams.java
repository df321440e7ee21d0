package dev.dashspark.core.trial;

import java.util.Map;

/**
 * One retraining configuration of the hyperparameter search (docs/algorithm.md, "Hyperparameter search").
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
}
