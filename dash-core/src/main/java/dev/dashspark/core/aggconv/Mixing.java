package dev.dashspark.core.aggconv;

import java.util.SplittableRandom;

/**
 * Mixing coefficients c = softmax((log_softmax(α) + G)/τ) with τ = 1 (docs/algorithm.md, "What one layer computes"), i.e. c = softmax(α + G),
 * with Gumbel(0,1) noise G drawn from a seeded generator, or G = 0 when noise is off.
 */
public final class Mixing {
    private Mixing() {
    }

    /** c = softmax(α): no noise. */
    public static double[] softmax(double[] alpha) {
        return gumbelSoftmax(alpha, null);
    }

    /** c = softmax(α + G), G_i ~ Gumbel(0,1) from {@code rng}; {@code rng == null} means G = 0. */
    public static double[] gumbelSoftmax(double[] alpha, SplittableRandom rng) {
        double[] z = new double[alpha.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < z.length; i++) {
            z[i] = alpha[i] + (rng == null ? 0.0 : gumbel(rng));
            max = Math.max(max, z[i]);
        }
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.exp(z[i] - max);
            sum += z[i];
        }
        for (int i = 0; i < z.length; i++) {
            z[i] /= sum;
        }
        return z;
    }

    /** One Gumbel(0,1) sample: −log(−log U), U uniform in (0,1). */
    public static double gumbel(SplittableRandom rng) {
        double u;
        do {
            u = rng.nextDouble();
        } while (u <= 0.0);
        return -Math.log(-Math.log(u));
    }

    /**
     * Back through c = softmax(α + G): dα = c ⊙ (dc − ⟨c, dc⟩). The noise G is constant, so the same
     * Jacobian holds with and without it.
     */
    public static double[] softmaxBackward(double[] c, double[] dc) {
        double dot = 0;
        for (int i = 0; i < c.length; i++) {
            dot += c[i] * dc[i];
        }
        double[] da = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            da[i] = c[i] * (dc[i] - dot);
        }
        return da;
    }
}
