package dev.dashspark.core.aggconv;

/**
 * Kernel algebra of AggConv on plain double arrays (docs/algorithm.md, "What one layer computes"): Kronecker dilation, centring in the
 * common span, mixing, and the way back from the mixed kernel's gradient to every candidate's weights and to c.
 *
 * <p>Kernels of one candidate are {@code rows × ka × k} values with {@code rows = outChannels·groupChannels},
 * {@code ka = k} in 2D and {@code ka = 1} in 1D (the 1D case is the 2D one with a height of one). Spans are
 * {@code S0 × S1} with {@code S0 = 1} in 1D.
 */
public final class Kernels {
    private Kernels() {
    }

    /** Reads the mixed kernel's gradient dW̄[row, t0, t1]. */
    @FunctionalInterface
    public interface TapSource {
        double at(int row, int t0, int t1);
    }

    /** The candidates' weights as double arrays (c order), in candidate order. */
    public static double[][] asDouble(org.nd4j.linalg.api.ndarray.INDArray[] weights) {
        double[][] w = new double[weights.length][];
        for (int i = 0; i < w.length; i++) {
            w[i] = dev.dashspark.core.util.Arrays2.toDouble(weights[i]);
        }
        return w;
    }

    /** Span of the first spatial axis: S in 2D, 1 in 1D. */
    static int span0(AggConvSpec spec) {
        return spec.dims() == 2 ? spec.space().span() : 1;
    }

    /** Kernel rows of one candidate: outChannels · groupChannels. */
    static int rows(AggConvSpec spec) {
        return spec.outChannels() * spec.groupChannels();
    }

    /**
     * Kronecker product of two arrays of the same rank, c order: result shape is the element-wise product, and
     * {@code out[i·sb + j] = a[i]·b[j]} per axis.
     */
    public static double[] kron(double[] a, int[] shapeA, double[] b, int[] shapeB) {
        if (shapeA.length != shapeB.length) {
            throw new IllegalArgumentException("kron: ranks differ, " + shapeA.length + " vs " + shapeB.length);
        }
        int rank = shapeA.length;
        int[] shape = new int[rank];
        int n = 1;
        for (int r = 0; r < rank; r++) {
            shape[r] = shapeA[r] * shapeB[r];
            n *= shape[r];
        }
        double[] out = new double[n];
        int[] idx = new int[rank];
        for (int flat = 0; flat < n; flat++) {
            int rem = flat;
            for (int r = rank - 1; r >= 0; r--) {
                idx[r] = rem % shape[r];
                rem /= shape[r];
            }
            int ia = 0;
            int ib = 0;
            for (int r = 0; r < rank; r++) {
                ia = ia * shapeA[r] + idx[r] / shapeB[r];
                ib = ib * shapeB[r] + idx[r] % shapeB[r];
            }
            out[flat] = a[ia] * b[ib];
        }
        return out;
    }

    /**
     * Kronecker dilation (DASH technique 3): {@code W ⊗ P} with P a one-hot of size d (d×d in 2D) whose first entry is
     * 1, then the last d − 1 entries of every dilated axis dropped, giving extent L = d(k − 1) + 1.
     *
     * @param w    rows × k (1D) or rows × k × k (2D) values
     * @return     rows × L (1D) or rows × L × L (2D) values
     */
    public static double[] dilateKronecker(double[] w, int rows, int k, int d, int dims) {
        int ka = dims == 2 ? k : 1;
        int pa = dims == 2 ? d : 1;
        double[] onehot = new double[pa * d];
        onehot[0] = 1.0;
        double[] full = kron(w, new int[]{rows, ka, k}, onehot, new int[]{1, pa, d});
        int fullA = ka * pa;
        int fullB = k * d;
        int la = dims == 2 ? d * (k - 1) + 1 : 1;
        int lb = d * (k - 1) + 1;
        double[] out = new double[rows * la * lb];
        for (int r = 0; r < rows; r++) {
            for (int a = 0; a < la; a++) {
                System.arraycopy(full, (r * fullA + a) * fullB, out, (r * la + a) * lb, lb);
            }
        }
        return out;
    }

    /** Dilation by zero insertion: index d·j holds w[j], every other entry is 0. Same shapes as {@link #dilateKronecker}. */
    public static double[] dilateZeroInsertion(double[] w, int rows, int k, int d, int dims) {
        int ka = dims == 2 ? k : 1;
        int la = dims == 2 ? d * (k - 1) + 1 : 1;
        int lb = d * (k - 1) + 1;
        int da = dims == 2 ? d : 1;
        double[] out = new double[rows * la * lb];
        for (int r = 0; r < rows; r++) {
            for (int a = 0; a < ka; a++) {
                for (int b = 0; b < k; b++) {
                    out[(r * la + a * da) * lb + b * d] = w[(r * ka + a) * k + b];
                }
            }
        }
        return out;
    }

    /**
     * The mixed kernel W̄ = Σ_i c_i · centre(dilate(W_i)) (DASH techniques 1 and 3), {@code rows × S0 × S1}.
     * Candidate i's dilated kernel sits at offset (S − L_i)/2 on each spatial axis.
     */
    public static double[] mixedKernel(AggConvSpec spec, double[][] w, double[] c) {
        SearchSpace space = spec.space();
        int rows = rows(spec);
        int s0 = span0(spec);
        int s1 = space.span();
        double[] mixed = new double[rows * s0 * s1];
        for (int i = 0; i < space.size(); i++) {
            int k = space.kernel(i);
            int d = space.dilation(i);
            double[] dil = dilateKronecker(w[i], rows, k, d, spec.dims());
            int la = spec.dims() == 2 ? space.extent(i) : 1;
            int lb = space.extent(i);
            int oa = spec.dims() == 2 ? space.offset(i) : 0;
            int ob = space.offset(i);
            for (int r = 0; r < rows; r++) {
                for (int a = 0; a < la; a++) {
                    int src = (r * la + a) * lb;
                    int dst = (r * s0 + oa + a) * s1 + ob;
                    for (int b = 0; b < lb; b++) {
                        mixed[dst + b] += c[i] * dil[src + b];
                    }
                }
            }
        }
        return mixed;
    }

    /**
     * Back from the mixed kernel to the candidates: {@code dW_i = c_i · undilate(crop_i(dW̄))} and
     * {@code dc_i = ⟨dW̄, centre(dilate(W_i))⟩}. Only the k (k×k) taps of each candidate are read.
     */
    public static void candidateGradients(AggConvSpec spec, TapSource dWbar, double[][] w, double[] c,
                                          double[][] dW, double[] dc) {
        SearchSpace space = spec.space();
        int rows = rows(spec);
        for (int i = 0; i < space.size(); i++) {
            int k = space.kernel(i);
            int d = space.dilation(i);
            int ka = spec.dims() == 2 ? k : 1;
            int off = space.offset(i);
            double dot = 0;
            double[] wi = w[i];
            double[] gi = dW[i];
            for (int r = 0; r < rows; r++) {
                for (int a = 0; a < ka; a++) {
                    int t0 = spec.dims() == 2 ? off + d * a : 0;
                    for (int b = 0; b < k; b++) {
                        int j = (r * ka + a) * k + b;
                        double g = dWbar.at(r, t0, off + d * b);
                        gi[j] = c[i] * g;
                        dot += wi[j] * g;
                    }
                }
            }
            dc[i] = dot;
        }
    }
}
