package dev.dashspark.core.task;

/**
 * The discrete Darcy problem of the {@code darcy} synthetic task: {@code −∇·(a∇u) = 1} on the unit square with
 * {@code u = 0} on the boundary, on an n × n grid of nodes (spacing {@code h = 1/(n − 1)}; the boundary rows and
 * columns are the Dirichlet nodes, the (n − 2)² interior nodes the unknowns).
 *
 * <p>5-point finite-volume scheme: the flux between neighbouring nodes P and Q uses the harmonic mean
 * {@code k_PQ = 2·a_P·a_Q / (a_P + a_Q)} of the nodal coefficients, and at every interior node
 * <pre>(A u)_P = (1/h²)·Σ_{Q ∈ {E, W, N, S}} k_PQ·(u_P − u_Q) = 1,</pre>
 * with u_Q = 0 on boundary nodes. A is symmetric positive definite (and an M-matrix, so u &gt; 0 inside); it is
 * solved by conjugate gradients with a Jacobi preconditioner to a relative residual
 * {@code ‖1 − A u‖₂ / ‖1‖₂ ≤ tol}.
 */
public final class DarcySolver {

    private DarcySolver() {
    }

    /**
     * Solves for u given the coefficient field {@code a} (n × n, n ≥ 3, every value finite and &gt; 0).
     *
     * @return u, n × n, zero on the boundary
     * @throws IllegalArgumentException if {@code a} is malformed
     * @throws IllegalStateException    if CG does not reach {@code tol} within 10·(n − 2)² iterations
     */
    public static double[][] solve(double[][] a, double tol) {
        int n = check(a);
        if (!(tol > 0)) {
            throw new IllegalArgumentException("tol: " + tol + " must be > 0");
        }
        double h2 = 1.0 / ((n - 1.0) * (n - 1.0));
        double[][] u = new double[n][n];
        double[][] r = new double[n][n];
        double[][] z = new double[n][n];
        double[][] p = new double[n][n];
        double[][] diag = new double[n][n];
        double fNorm = Math.sqrt((double) (n - 2) * (n - 2));
        for (int i = 1; i < n - 1; i++) {
            for (int j = 1; j < n - 1; j++) {
                diag[i][j] = (k(a, i, j, i + 1, j) + k(a, i, j, i - 1, j) + k(a, i, j, i, j + 1) + k(a, i, j, i, j - 1))
                        / h2;
                r[i][j] = 1.0;
                z[i][j] = r[i][j] / diag[i][j];
                p[i][j] = z[i][j];
            }
        }
        double rz = dot(r, z, n);
        int maxIt = 10 * (n - 2) * (n - 2) + 10;
        for (int it = 0; it < maxIt; it++) {
            double[][] ap = apply(a, p);
            double alpha = rz / dot(p, ap, n);
            double rr = 0;
            for (int i = 1; i < n - 1; i++) {
                for (int j = 1; j < n - 1; j++) {
                    u[i][j] += alpha * p[i][j];
                    r[i][j] -= alpha * ap[i][j];
                    rr += r[i][j] * r[i][j];
                }
            }
            if (Math.sqrt(rr) <= tol * fNorm && relativeResidual(a, u) <= tol) {
                return u;
            }
            for (int i = 1; i < n - 1; i++) {
                for (int j = 1; j < n - 1; j++) {
                    z[i][j] = r[i][j] / diag[i][j];
                }
            }
            double rzNew = dot(r, z, n);
            double beta = rzNew / rz;
            rz = rzNew;
            for (int i = 1; i < n - 1; i++) {
                for (int j = 1; j < n - 1; j++) {
                    p[i][j] = z[i][j] + beta * p[i][j];
                }
            }
        }
        throw new IllegalStateException("DarcySolver: CG did not reach relative residual " + tol + " in " + maxIt
                + " iterations on a " + n + "×" + n + " grid (residual " + relativeResidual(a, u) + ")");
    }

    /** {@code A u} at the interior nodes, 0 on the boundary; boundary values of {@code u} are treated as 0. */
    public static double[][] apply(double[][] a, double[][] u) {
        int n = check(a);
        double h2 = 1.0 / ((n - 1.0) * (n - 1.0));
        double[][] out = new double[n][n];
        for (int i = 1; i < n - 1; i++) {
            for (int j = 1; j < n - 1; j++) {
                double c = u[i][j];
                out[i][j] = (k(a, i, j, i + 1, j) * (c - inner(u, i + 1, j, n))
                        + k(a, i, j, i - 1, j) * (c - inner(u, i - 1, j, n))
                        + k(a, i, j, i, j + 1) * (c - inner(u, i, j + 1, n))
                        + k(a, i, j, i, j - 1) * (c - inner(u, i, j - 1, n))) / h2;
            }
        }
        return out;
    }

    /** {@code ‖1 − A u‖₂ / ‖1‖₂} over the interior nodes. */
    public static double relativeResidual(double[][] a, double[][] u) {
        int n = a.length;
        double[][] au = apply(a, u);
        double s = 0;
        for (int i = 1; i < n - 1; i++) {
            for (int j = 1; j < n - 1; j++) {
                double d = 1.0 - au[i][j];
                s += d * d;
            }
        }
        return Math.sqrt(s / ((double) (n - 2) * (n - 2)));
    }

    private static double inner(double[][] u, int i, int j, int n) {
        return i == 0 || j == 0 || i == n - 1 || j == n - 1 ? 0.0 : u[i][j];
    }

    private static double k(double[][] a, int i, int j, int i2, int j2) {
        double p = a[i][j];
        double q = a[i2][j2];
        return 2.0 * p * q / (p + q);
    }

    private static double dot(double[][] x, double[][] y, int n) {
        double s = 0;
        for (int i = 1; i < n - 1; i++) {
            for (int j = 1; j < n - 1; j++) {
                s += x[i][j] * y[i][j];
            }
        }
        return s;
    }

    private static int check(double[][] a) {
        if (a == null || a.length < 3) {
            throw new IllegalArgumentException("a: grid must be n × n with n ≥ 3, got "
                    + (a == null ? "null" : a.length + " rows"));
        }
        int n = a.length;
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("a: row " + i + " has " + a[i].length + " values, expected " + n);
            }
            for (int j = 0; j < n; j++) {
                if (!(a[i][j] > 0) || !Double.isFinite(a[i][j])) {
                    throw new IllegalArgumentException("a: value " + a[i][j] + " at (" + i + ", " + j
                            + ") must be finite and > 0");
                }
            }
        }
        return n;
    }
}
