package dev.dashspark.core.trial;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The hyperparameter grids of the HPO stage (docs/algorithm.md, "Hyperparameter search"), by configuration name.
 * A task names its grid ({@code hpo-grid}); a sweep setting may override it ({@code hpo}).
 */
public enum HpoGrid {
    /** The reference's 24 configurations: lr {0.1, 0.01, 0.001} × dropout {0, 0.05} × wd {5e-4, 5e-6} × momentum {0.9, 0.99}, lr outermost. */
    REFERENCE("reference"),
    /**
     * The reference's 3 configurations for PSICOV, Cosmic and FSD50K: lr {1e-2, 1e-3, 1e-4}, dropout 0, wd 5e-5,
     * momentum 0.99.
     */
    REFERENCE_SMALL("reference-small"),
    /** Project shortcut: the three learning rates {0.1, 0.01, 0.001}, dropout 0, wd 5e-4, momentum 0.9. */
    LR("lr"),
    /**
     * Project shortcut: no search; the reference's own training settings (its {@code --baseline 1}): lr 0.1 (0.01 for
     * dense outputs, the reference's {@code remain_shape}), dropout 0, weight decay 5e-4, Nesterov momentum 0.9.
     */
    NONE("none");

    private final String configName;

    HpoGrid(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** The configurations in the order they are tried; {@code denseOutputs} decides {@link #NONE}'s learning rate. */
    public List<Hyperparams> configurations(boolean denseOutputs) {
        return switch (this) {
            case REFERENCE -> product(new double[]{0.1, 0.01, 0.001}, new double[]{0, 0.05}, new double[]{5e-4, 5e-6},
                    new double[]{0.9, 0.99});
            case REFERENCE_SMALL -> product(new double[]{1e-2, 1e-3, 1e-4}, new double[]{0}, new double[]{5e-5},
                    new double[]{0.99});
            case LR -> product(new double[]{0.1, 0.01, 0.001}, new double[]{0}, new double[]{5e-4}, new double[]{0.9});
            case NONE -> List.of(new Hyperparams(denseOutputs ? 0.01 : 0.1, 0, 5e-4, 0.9));
        };
    }

    /** lr × dropout × weight decay × momentum, lr outermost (the order of Python's itertools.product). */
    private static List<Hyperparams> product(double[] lrs, double[] dropouts, double[] wds, double[] momenta) {
        List<Hyperparams> out = new ArrayList<>();
        for (double lr : lrs) {
            for (double dropout : dropouts) {
                for (double wd : wds) {
                    for (double m : momenta) {
                        out.add(new Hyperparams(lr, dropout, wd, m));
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** The grid named {@code name} (exact), or an error naming the value and the accepted names. */
    public static HpoGrid parse(String name) {
        for (HpoGrid g : values()) {
            if (g.configName.equals(name)) {
                return g;
            }
        }
        throw new IllegalArgumentException("hpo grid: unknown '" + name + "'; expected one of "
                + Arrays.stream(values()).map(HpoGrid::configName).toList());
    }

    @Override
    public String toString() {
        return configName;
    }
}
