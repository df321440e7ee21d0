package dev.dashspark.core.task;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DarcySolver}: closed-form cases, the discrete equation (independently re-evaluated), positivity. */
class DarcySolverTest {

    /**
     * ‖1 − A u‖₂/‖1‖₂ of −∇·(a∇u) = 1 with the 5-point harmonic-mean stencil, written out here independently of
     * the solver; u is read as 0 on the boundary.
     */
    static double residual(double[][] a, double[][] u) {
        int n = a.length;
        double h = 1.0 / (n - 1);
        int[][] nb = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        double s = 0;
        for (int i = 1; i < n - 1; i++) {
            for (int j = 1; j < n - 1; j++) {
                double lhs = 0;
                for (int[] d : nb) {
                    int p = i + d[0];
                    int q = j + d[1];
                    double k = 2 * a[i][j] * a[p][q] / (a[i][j] + a[p][q]);
                    boolean boundary = p == 0 || q == 0 || p == n - 1 || q == n - 1;
                    lhs += k * (u[i][j] - (boundary ? 0 : u[p][q]));
                }
                double r = 1 - lhs / (h * h);
                s += r * r;
            }
        }
        return Math.sqrt(s / ((n - 2) * (n - 2)));
    }

    static double[][] twoValued(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = rng.nextBoolean() ? 10 : 1;
            }
        }
        return a;
    }

    @Test
    void singleUnknownMatchesClosedForm() {
        // n = 3, h = 1/2, a ≡ 1: 4·u/h² = 1 → u = 1/16.
        double[][] u = DarcySolver.solve(new double[][]{{1, 1, 1}, {1, 1, 1}, {1, 1, 1}}, 1e-12);
        assertEquals(1.0 / 16, u[1][1], 1e-15);
        // a ≡ 4 around a centre of 1: k = 2·4·1/5 = 1.6 per face → u = h²/(4·1.6).
        u = DarcySolver.solve(new double[][]{{4, 4, 4}, {4, 1, 4}, {4, 4, 4}}, 1e-12);
        assertEquals(0.25 / 6.4, u[1][1], 1e-15);
    }

    @Test
    void solutionScalesInverselyWithAConstantCoefficient() {
        double[][] one = new double[9][9];
        double[][] five = new double[9][9];
        for (int i = 0; i < 9; i++) {
            java.util.Arrays.fill(one[i], 1);
            java.util.Arrays.fill(five[i], 5);
        }
        double[][] u1 = DarcySolver.solve(one, 1e-13);
        double[][] u5 = DarcySolver.solve(five, 1e-13);
        for (int i = 0; i < 9; i++) {
            for (int j = 0; j < 9; j++) {
                assertEquals(u1[i][j] / 5, u5[i][j], 1e-12);
                assertEquals(u1[i][j], u1[j][i], 1e-12, "symmetric field, symmetric solution");
                assertEquals(u1[i][j], u1[8 - i][j], 1e-12, "mirror symmetry");
            }
        }
        // Continuum max of the unit-square Poisson problem is ≈ 0.0737; the 9×9 grid is close.
        assertEquals(0.0737, u1[4][4], 0.003);
    }

    @Test
    void satisfiesTheDiscreteEquationAndIsPositiveInside() {
        for (int n : new int[]{5, 12, 16}) {
            double[][] a = twoValued(n, n);
            double[][] u = DarcySolver.solve(a, 1e-12);
            double r = residual(a, u);
            assertTrue(r <= 1e-8, n + ": relative residual " + r);
            assertEquals(DarcySolver.relativeResidual(a, u), r, 1e-12);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    boolean boundary = i == 0 || j == 0 || i == n - 1 || j == n - 1;
                    if (boundary) {
                        assertEquals(0.0, u[i][j], 0.0);
                    } else {
                        assertTrue(u[i][j] > 0, "u(" + i + ", " + j + ") = " + u[i][j]);
                    }
                }
            }
            double[][] perturbed = new double[n][];
            for (int i = 0; i < n; i++) {
                perturbed[i] = u[i].clone();
            }
            perturbed[n / 2][n / 2] *= 1.01;
            assertTrue(residual(a, perturbed) > 1e-5, "the residual check can fail");
        }
    }

    @Test
    void malformedCoefficientsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DarcySolver.solve(new double[][]{{1, 1, 1}, {1, 0, 1}, {1, 1, 1}}, 1e-12));
        assertEquals("a: value 0.0 at (1, 1) must be finite and > 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DarcySolver.solve(new double[][]{{1, 1, 1}, {1, 1}, {1, 1, 1}}, 1e-12));
        assertEquals("a: row 1 has 2 values, expected 3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DarcySolver.solve(new double[][]{{1, 1}, {1, 1}}, 1e-12));
    }
}
