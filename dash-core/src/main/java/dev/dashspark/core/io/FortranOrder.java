package dev.dashspark.core.io;

/**
 * Walks the elements of an array in Fortran (column-major) order, the first index fastest, and yields each one's
 * position in C (row-major) order: how a Fortran-order {@code .npy} is rewritten into a C-order buffer without a second
 * copy. The C position of index (i0, ..., ik) is Σ ij·sj with sj = Π_{m > j} dm; moving to the next Fortran index adds
 * s0, and each carry from dimension j to j+1 subtracts dj·sj and adds sj+1.
 */
final class FortranOrder {
    private final long[] dims;
    private final long[] strides;
    private final long[] idx;
    private long c;

    FortranOrder(long[] shape) {
        dims = shape.clone();
        strides = new long[dims.length];
        idx = new long[dims.length];
        long s = 1;
        for (int j = dims.length - 1; j >= 0; j--) {
            strides[j] = s;
            s *= dims[j];
        }
    }

    /** The C position of the current element; then moves to the next one in Fortran order. */
    long next() {
        long out = c;
        for (int j = 0; j < dims.length; j++) {
            idx[j]++;
            c += strides[j];
            if (idx[j] < dims[j]) {
                break;
            }
            c -= dims[j] * strides[j];
            idx[j] = 0;
        }
        return out;
    }
}
