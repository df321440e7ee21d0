package dev.dashspark.core.conv;

import dev.dashspark.core.util.Flat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Forward and backward passes of a {@link ConvGeometry} convolution on ND4J arrays, the engine of
 * {@link dev.dashspark.core.layer.Conv}. Inputs are {@code [B, C, H, W]} (1D: {@code [B, C, L, 1]}), weights in
 * PyTorch layout ({@link ConvGeometry#weightShape()}); outputs are overwritten, never accumulated. Arrays of FLOAT
 * or DOUBLE; any strides (non-dense arrays are copied first).
 *
 * <p>The work is done by a {@link ConvAlgorithm}: {@link ConvAlgorithm#AUTO} picks the fastest for the shape
 * ({@link #resolve}); the others can be forced, e.g. to compare them.
 */
public final class ConvKernels {
    private ConvKernels() {
    }

    /** {@code y ← conv(x, w) + bias}; {@code bias} may be null. */
    public static void forward(ConvGeometry g, INDArray x, INDArray w, INDArray bias, INDArray y) {
        forward(g, ConvAlgorithm.AUTO, x, w, bias, y);
    }

    /** {@link #forward(ConvGeometry, INDArray, INDArray, INDArray, INDArray)} with a chosen algorithm. */
    public static void forward(ConvGeometry g, ConvAlgorithm algorithm, INDArray x, INDArray w, INDArray bias,
                               INDArray y) {
        check(g, x, w, bias);
        requireShape("y", y, g.outputShape(x.shape()));
        ConvAlgorithm resolved = resolve(algorithm, g, x.dataType(), x.shape());
        if (resolved == ConvAlgorithm.DIRECT) {
            ReferenceConv.forward(g, x, w, bias, y);
            return;
        }
        DataType t = x.dataType();
        INDArray out = writable(y, t);
        INDArray xd = dense(x, t);
        INDArray wd = dense(w, t);
        INDArray bd = bias == null ? null : dense(bias, t);
        if (resolved == ConvAlgorithm.GEMM) {
            GemmConv.forward(g, Blas.of(t), xd, wd, bd, out);
        } else if (resolved == ConvAlgorithm.IM2COL) {
            GemmConv.forwardCompact(g, Blas.of(t), xd, wd, bd, out);
        } else {
            Nd4jConv.forward(g, xd, wd, bd, out);
        }
        copyBack(y, out);
    }

    /**
     * Gradients of a loss L with respect to x, w and bias given {@code dy = dL/dy}: {@code dx} (null: not needed),
     * {@code dw}, {@code db} (null when the layer has no bias) are overwritten; dw and db are minibatch sums.
     */
    public static void backward(ConvGeometry g, INDArray x, INDArray w, INDArray dy, INDArray dx, INDArray dw,
                                INDArray db) {
        backward(g, ConvAlgorithm.AUTO, x, w, dy, dx, dw, db);
    }

    /** {@link #backward(ConvGeometry, INDArray, INDArray, INDArray, INDArray, INDArray, INDArray)} with a chosen algorithm. */
    public static void backward(ConvGeometry g, ConvAlgorithm algorithm, INDArray x, INDArray w, INDArray dy,
                                INDArray dx, INDArray dw, INDArray db) {
        check(g, x, w, null);
        requireShape("dy", dy, g.outputShape(x.shape()));
        if (dx != null) {
            requireShape("dx", dx, x.shape());
        }
        requireShape("dw", dw, g.weightShape());
        if (db != null && db.length() != g.outChannels()) {
            throw new IllegalArgumentException("conv: db must hold " + g.outChannels() + " values, got "
                    + Arrays.toString(db.shape()));
        }
        ConvAlgorithm resolved = resolve(algorithm, g, x.dataType(), x.shape());
        if (resolved == ConvAlgorithm.DIRECT) {
            ReferenceConv.backward(g, x, w, dy, dx, dw, db);
            return;
        }
        DataType t = x.dataType();
        INDArray dxOut = dx == null ? null : writable(dx, t);
        INDArray dwOut = writable(dw, t);
        INDArray dbOut = db == null ? null : writable(db, t);
        INDArray xd = dense(x, t);
        INDArray wd = dense(w, t);
        INDArray dyd = dense(dy, t);
        if (resolved == ConvAlgorithm.GEMM) {
            GemmConv.backward(g, Blas.of(t), xd, wd, dyd, dxOut, dwOut, dbOut);
        } else if (resolved == ConvAlgorithm.IM2COL) {
            GemmConv.backwardCompact(g, Blas.of(t), xd, wd, dyd, dxOut, dwOut, dbOut);
        } else {
            Nd4jConv.backward(g, xd, wd, dyd, dxOut, dwOut, dbOut);
        }
        copyBack(dx, dxOut);
        copyBack(dw, dwOut);
        copyBack(db, dbOut);
    }

    /** {@link #resolve(ConvAlgorithm, ConvGeometry, DataType, long[])} before the input's extents are known. */
    public static ConvAlgorithm resolve(ConvAlgorithm algorithm, ConvGeometry g, DataType type) {
        return resolve(algorithm, g, type, null);
    }

    /**
     * The algorithm that runs: {@code algorithm} itself unless AUTO. AUTO, for FLOAT and DOUBLE arrays on ND4J's CPU
     * backend, is IM2COL where the input's extents ({@code inputShape}, may be null) make it the cheaper product
     * (large dilations on small images), else GEMM; on other backends ND4J for dense convolutions, else DIRECT.
     * A forced GEMM or IM2COL where OpenBLAS is not loaded, or a forced ND4J or IM2COL on a depthwise convolution,
     * is an error.
     */
    public static ConvAlgorithm resolve(ConvAlgorithm algorithm, ConvGeometry g, DataType type, long[] inputShape) {
        boolean blas = Blas.available() && (type == DataType.FLOAT || type == DataType.DOUBLE);
        return switch (algorithm) {
            case AUTO -> !blas ? (g.depthwise() ? ConvAlgorithm.DIRECT : ConvAlgorithm.ND4J)
                    : inputShape != null && GemmConv.Layout.of(g, inputShape).prefersCompact() ? ConvAlgorithm.IM2COL
                    : ConvAlgorithm.GEMM;
            case ND4J, IM2COL -> {
                if (g.depthwise()) {
                    throw new IllegalArgumentException("conv algorithm " + algorithm
                            + " computes dense convolutions only, got " + g);
                }
                if (algorithm == ConvAlgorithm.IM2COL) {
                    requireBlas(algorithm, blas, type);
                }
                yield algorithm;
            }
            case GEMM -> {
                requireBlas(algorithm, blas, type);
                yield ConvAlgorithm.GEMM;
            }
            case DIRECT -> ConvAlgorithm.DIRECT;
        };
    }

    private static void requireBlas(ConvAlgorithm algorithm, boolean blas, DataType type) {
        if (!blas) {
            throw new IllegalArgumentException("conv algorithm " + algorithm + " needs ND4J's CPU backend (OpenBLAS) and "
                    + "FLOAT or DOUBLE arrays; got " + Nd4j.getBackend().getClass().getSimpleName() + ", " + type);
        }
    }

    private static void check(ConvGeometry g, INDArray x, INDArray w, INDArray bias) {
        if (x.rank() != 4 || x.size(1) != g.inChannels() || (g.dims() == 1 && x.size(3) != 1)) {
            throw new IllegalArgumentException("conv: expected input [B, " + g.inChannels()
                    + (g.dims() == 1 ? ", L, 1]" : ", H, W]") + ", got " + Arrays.toString(x.shape()));
        }
        if (w.length() != g.weightCount()) {
            throw new IllegalArgumentException("conv: expected weights " + Arrays.toString(g.weightShape()) + ", got "
                    + Arrays.toString(w.shape()));
        }
        if (bias != null && bias.length() != g.outChannels()) {
            throw new IllegalArgumentException("conv: expected " + g.outChannels() + " biases, got "
                    + Arrays.toString(bias.shape()));
        }
    }

    private static void requireShape(String name, INDArray a, long[] shape) {
        if (!Arrays.equals(a.shape(), shape)) {
            throw new IllegalArgumentException("conv: " + name + " must have shape " + Arrays.toString(shape) + ", got "
                    + Arrays.toString(a.shape()));
        }
    }

    /** {@code a} as a dense c-ordered array of type t (itself when it already is one). */
    private static INDArray dense(INDArray a, DataType t) {
        INDArray r = a.dataType() == t ? a : a.castTo(t);
        return Flat.isDense(r) ? r : r.dup('c');
    }

    /** The result into {@code target} when it was computed elsewhere ({@link #writable}). */
    private static void copyBack(INDArray target, INDArray computed) {
        if (target != null && computed != target) {
            target.assign(computed);
        }
    }

    /** {@code a} itself when the kernels can write it in place, else a dense array of its shape to copy back. */
    private static INDArray writable(INDArray a, DataType t) {
        return a.dataType() == t && Flat.isDense(a) ? a : Nd4j.createUninitialized(t, a.shape(), 'c');
    }
}
