package dev.dashspark.core.conv;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

/**
 * The few BLAS calls and memory moves of the GEMM convolution, on native memory of one precision (FLOAT through
 * OpenBLAS's {@code s*} routines, DOUBLE through {@code d*}): the same OpenBLAS library, and so the same thread
 * settings, as ND4J's own CPU backend. Offsets and lengths count elements; matrices are row-major.
 *
 * <p>Memory is a {@link Mem}: a typed pointer for BLAS and an NIO view of the same bytes for Java-side copies
 * (absolute bulk transfers, no JNI per row). A Mem and the pointers made from it belong to one thread at a time.
 */
abstract class Blas {
    static final Blas F32 = new F32();
    static final Blas F64 = new F64();

    private static final boolean AVAILABLE = probe();

    /** OpenBLAS is loaded (ND4J's CPU backend): the GEMM algorithm can run. */
    static boolean available() {
        return AVAILABLE;
    }

    private static boolean probe() {
        try {
            if (!Nd4j.getEnvironment().isCPU()) {
                return false;
            }
            Class.forName("org.bytedeco.openblas.global.openblas_nolapack", true, Blas.class.getClassLoader());
            return true;
        } catch (Throwable e) {
            return false;
        }
    }

    static Blas of(DataType t) {
        return switch (t) {
            case FLOAT -> F32;
            case DOUBLE -> F64;
            default -> throw new IllegalArgumentException("conv: FLOAT or DOUBLE arrays expected, got " + t);
        };
    }

    /** Native memory of this precision, with a BLAS pointer and an NIO view. */
    static final class Mem implements AutoCloseable {
        final Pointer ptr;
        final java.nio.Buffer buf;
        final long length;
        private final boolean owned;

        private Mem(Pointer ptr, java.nio.Buffer buf, long length, boolean owned) {
            this.ptr = ptr;
            this.buf = buf;
            this.length = length;
            this.owned = owned;
        }

        /** Frees memory this Mem allocated; a view of an INDArray is left alone. */
        @Override
        public void close() {
            if (owned) {
                ptr.close();
            }
        }
    }

    /** The values of a dense c-ordered array of this precision, in place. */
    final Mem wrap(INDArray a) {
        if (a.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("conv: arrays of more than 2^31 − 1 values are not supported, got "
                    + java.util.Arrays.toString(a.shape()));
        }
        return mem(a.data().addressPointer(), a.length(), false);
    }

    /** {@code n} uninitialised values (closed by the caller). */
    final Mem allocate(long n) {
        return mem(allocatePointer(Math.max(1, n)), Math.max(1, n), true);
    }

    private Mem mem(Pointer base, long n, boolean owned) {
        Pointer p = typed(base).position(0).limit(n).capacity(n);
        return new Mem(p, p.asBuffer(), n, owned);
    }

    /** A new pointer object of this precision at {@code base}'s address (no ownership). */
    abstract Pointer typed(Pointer base);

    abstract Pointer allocatePointer(long n);

    /** A pointer to element {@code off} of m (a new object: BLAS operands never share position state). */
    final Pointer at(Mem m, long off) {
        return typed(m.ptr).position(off);
    }

    /** {@code C ← A'·B' + beta·C}, A' = A or Aᵀ (m × k), B' = B or Bᵀ (k × n), C m × n. */
    abstract void gemm(boolean transA, boolean transB, int m, int n, int k, Mem a, long ao, int lda, Mem b, long bo,
                       int ldb, double beta, Mem c, long co, int ldc);

    /** {@code y ← y + A·x}, A m × n. */
    abstract void gemvAdd(int m, int n, Mem a, long ao, int lda, Mem x, long xo, Mem y, long yo);

    /** {@code y ← y + alpha·x} on n values. */
    abstract void axpy(int n, double alpha, Mem x, long xo, Mem y, long yo);

    /** Σ x·y over n values. */
    abstract double dot(int n, Mem x, long xo, Mem y, long yo);

    /** n zeros from {@code off}. */
    final void zero(Mem m, long off, long n) {
        if (n > 0) {
            // a raw Pointer argument's position counts bytes, not elements
            Pointer.memset(new BytePointer(m.ptr).position(off * bytes()), 0, n * bytes());
        }
    }

    abstract int bytes();

    /** {@code dst[do + i] = src[so + i]}, i < n. */
    abstract void copy(Mem src, int so, Mem dst, int dof, int n);

    /** {@code dst[do + i] = src[so + i·stride]}, i < n (stride 1: a bulk copy). */
    abstract void gather(Mem src, int so, int stride, Mem dst, int dof, int n);

    /** {@code dst[do + i·stride] = src[so + i]}, i < n (stride 1: a bulk copy). */
    abstract void scatter(Mem src, int so, Mem dst, int dof, int stride, int n);

    /** {@code m[off + i] = v}, i < n. */
    abstract void fill(Mem m, int off, int n, double v);

    abstract double get(Mem m, int i);

    abstract void set(Mem m, int i, double v);

    private static final class F32 extends Blas {
        @Override
        Pointer typed(Pointer base) {
            return new FloatPointer(base);
        }

        @Override
        Pointer allocatePointer(long n) {
            return new FloatPointer(n);
        }

        @Override
        int bytes() {
            return 4;
        }

        private FloatPointer p(Mem m, long off) {
            return (FloatPointer) at(m, off);
        }

        private static FloatBuffer b(Mem m) {
            return (FloatBuffer) m.buf;
        }

        @Override
        void gemm(boolean ta, boolean tb, int m, int n, int k, Mem a, long ao, int lda, Mem b, long bo, int ldb,
                  double beta, Mem c, long co, int ldc) {
            openblas_nolapack.cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    m, n, k, 1f, p(a, ao), lda, p(b, bo), ldb, (float) beta, p(c, co), ldc);
        }

        @Override
        void gemvAdd(int m, int n, Mem a, long ao, int lda, Mem x, long xo, Mem y, long yo) {
            openblas_nolapack.cblas_sgemv(CblasRowMajor, CblasNoTrans, m, n, 1f, p(a, ao), lda, p(x, xo), 1, 1f,
                    p(y, yo), 1);
        }

        @Override
        void axpy(int n, double alpha, Mem x, long xo, Mem y, long yo) {
            openblas_nolapack.cblas_saxpy(n, (float) alpha, p(x, xo), 1, p(y, yo), 1);
        }

        @Override
        double dot(int n, Mem x, long xo, Mem y, long yo) {
            return openblas_nolapack.cblas_sdot(n, p(x, xo), 1, p(y, yo), 1);
        }

        @Override
        void copy(Mem src, int so, Mem dst, int dof, int n) {
            b(dst).put(dof, b(src), so, n);
        }

        @Override
        void gather(Mem src, int so, int stride, Mem dst, int dof, int n) {
            if (stride == 1) {
                copy(src, so, dst, dof, n);
                return;
            }
            FloatBuffer s = b(src);
            FloatBuffer d = b(dst);
            for (int i = 0; i < n; i++) {
                d.put(dof + i, s.get(so + i * stride));
            }
        }

        @Override
        void scatter(Mem src, int so, Mem dst, int dof, int stride, int n) {
            if (stride == 1) {
                copy(src, so, dst, dof, n);
                return;
            }
            FloatBuffer s = b(src);
            FloatBuffer d = b(dst);
            for (int i = 0; i < n; i++) {
                d.put(dof + i * stride, s.get(so + i));
            }
        }

        @Override
        void fill(Mem m, int off, int n, double v) {
            FloatBuffer d = b(m);
            float f = (float) v;
            for (int i = 0; i < n; i++) {
                d.put(off + i, f);
            }
        }

        @Override
        double get(Mem m, int i) {
            return b(m).get(i);
        }

        @Override
        void set(Mem m, int i, double v) {
            b(m).put(i, (float) v);
        }
    }

    private static final class F64 extends Blas {
        @Override
        Pointer typed(Pointer base) {
            return new DoublePointer(base);
        }

        @Override
        Pointer allocatePointer(long n) {
            return new DoublePointer(n);
        }

        @Override
        int bytes() {
            return 8;
        }

        private DoublePointer p(Mem m, long off) {
            return (DoublePointer) at(m, off);
        }

        private static DoubleBuffer b(Mem m) {
            return (DoubleBuffer) m.buf;
        }

        @Override
        void gemm(boolean ta, boolean tb, int m, int n, int k, Mem a, long ao, int lda, Mem b, long bo, int ldb,
                  double beta, Mem c, long co, int ldc) {
            openblas_nolapack.cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    m, n, k, 1.0, p(a, ao), lda, p(b, bo), ldb, beta, p(c, co), ldc);
        }

        @Override
        void gemvAdd(int m, int n, Mem a, long ao, int lda, Mem x, long xo, Mem y, long yo) {
            openblas_nolapack.cblas_dgemv(CblasRowMajor, CblasNoTrans, m, n, 1.0, p(a, ao), lda, p(x, xo), 1, 1.0,
                    p(y, yo), 1);
        }

        @Override
        void axpy(int n, double alpha, Mem x, long xo, Mem y, long yo) {
            openblas_nolapack.cblas_daxpy(n, alpha, p(x, xo), 1, p(y, yo), 1);
        }

        @Override
        double dot(int n, Mem x, long xo, Mem y, long yo) {
            return openblas_nolapack.cblas_ddot(n, p(x, xo), 1, p(y, yo), 1);
        }

        @Override
        void copy(Mem src, int so, Mem dst, int dof, int n) {
            b(dst).put(dof, b(src), so, n);
        }

        @Override
        void gather(Mem src, int so, int stride, Mem dst, int dof, int n) {
            if (stride == 1) {
                copy(src, so, dst, dof, n);
                return;
            }
            DoubleBuffer s = b(src);
            DoubleBuffer d = b(dst);
            for (int i = 0; i < n; i++) {
                d.put(dof + i, s.get(so + i * stride));
            }
        }

        @Override
        void scatter(Mem src, int so, Mem dst, int dof, int stride, int n) {
            if (stride == 1) {
                copy(src, so, dst, dof, n);
                return;
            }
            DoubleBuffer s = b(src);
            DoubleBuffer d = b(dst);
            for (int i = 0; i < n; i++) {
                d.put(dof + i * stride, s.get(so + i));
            }
        }

        @Override
        void fill(Mem m, int off, int n, double v) {
            DoubleBuffer d = b(m);
            for (int i = 0; i < n; i++) {
                d.put(off + i, v);
            }
        }

        @Override
        double get(Mem m, int i) {
            return b(m).get(i);
        }

        @Override
        void set(Mem m, int i, double v) {
            b(m).put(i, v);
        }
    }
}
