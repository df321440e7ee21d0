package dev.dashspark.core.aggconv;

import java.util.Arrays;

/**
 * The DASH search space of one aggregated convolution: kernel sizes K × dilations D (docs/algorithm.md, "Candidates").
 *
 * <p>Candidates are numbered <b>kernel-major</b>, as in the reference ({@code product(K, D)}): candidate
 * {@code i = iK·|D| + iD} has kernel size {@code K[iK]} and dilation {@code D[iD]}. Every candidate is centred in
 * the common span {@code S = max_i d_i(k_i − 1) + 1}, and the input is padded by {@code p = (S − 1)/2}.
 *
 * @param kernels  odd kernel sizes, distinct, each ≥ 1
 * @param dilations dilations, distinct, each ≥ 1
 */
public record SearchSpace(int[] kernels, int[] dilations) {

    public SearchSpace {
        kernels = check("kernels", kernels);
        dilations = check("dilations", dilations);
        for (int k : kernels) {
            if (k % 2 == 0) {
                throw new IllegalArgumentException("kernels: kernel size " + k + " in " + Arrays.toString(kernels)
                        + " is even; DASH centres every candidate, so kernel sizes must be odd");
            }
        }
    }

    public static SearchSpace of(int[] kernels, int[] dilations) {
        return new SearchSpace(kernels, dilations);
    }

    private static int[] check(String field, int[] values) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException(field + ": must not be empty");
        }
        int[] copy = values.clone();
        for (int v : copy) {
            if (v < 1) {
                throw new IllegalArgumentException(field + ": value " + v + " in " + Arrays.toString(copy) + " must be ≥ 1");
            }
        }
        if (Arrays.stream(copy).distinct().count() != copy.length) {
            throw new IllegalArgumentException(field + ": values must be distinct, got " + Arrays.toString(copy));
        }
        return copy;
    }

    @Override
    public int[] kernels() {
        return kernels.clone();
    }

    @Override
    public int[] dilations() {
        return dilations.clone();
    }

    /** |K|·|D|. */
    public int size() {
        return kernels.length * dilations.length;
    }

    /** Kernel size of candidate {@code i} (kernel-major order). */
    public int kernel(int i) {
        checkIndex(i);
        return kernels[i / dilations.length];
    }

    /** Dilation of candidate {@code i} (kernel-major order). */
    public int dilation(int i) {
        checkIndex(i);
        return dilations[i % dilations.length];
    }

    /** Index of the candidate (k, d). */
    public int index(int k, int d) {
        int ik = indexOf(kernels, k);
        int id = indexOf(dilations, d);
        if (ik < 0 || id < 0) {
            throw new IllegalArgumentException("(k=" + k + ", d=" + d + ") is not in " + this);
        }
        return ik * dilations.length + id;
    }

    /** Dilated extent of candidate i: {@code d(k − 1) + 1}, also its receptive-field size. */
    public int extent(int i) {
        return dilation(i) * (kernel(i) - 1) + 1;
    }

    /** Common span S = max_i d_i(k_i − 1) + 1 (odd). */
    public int span() {
        int s = 0;
        for (int i = 0; i < size(); i++) {
            s = Math.max(s, extent(i));
        }
        return s;
    }

    /** Padding p = (S − 1)/2 that makes the output "same" size. */
    public int pad() {
        return (span() - 1) / 2;
    }

    /** Offset of candidate i's dilated kernel inside the span: (S − L_i)/2. */
    public int offset(int i) {
        return (span() - extent(i)) / 2;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException("candidate " + i + " outside [0, " + size() + ")");
        }
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SearchSpace s && Arrays.equals(kernels, s.kernels) && Arrays.equals(dilations, s.dilations);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(kernels) + Arrays.hashCode(dilations);
    }

    @Override
    public String toString() {
        return "K=" + Arrays.toString(kernels) + " × D=" + Arrays.toString(dilations);
    }
}
