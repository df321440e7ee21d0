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
        long[] ys = g.outputShape(x.shape());
        requireShape("y", y, ys);
        switch (resolve(algorithm, g, x.dataType())) {
            case DIRECT -> ReferenceConv.forward(g, x, w, bias, y);
            case GEMM -> {
                DataType t = x.dataType();
                INDArray out = writable(y, t);
                GemmConv.forward(g, Blas.of(t), dense(x, t), dense(w, t), bias == null ? null : dense(bias, t), out);
                if (out != y) {
                    y.assign(out);
                }
            }
            default -> throw new IllegalStateException("unresolved algorithm " + algorithm);
        }
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
        switch (resolve(algorithm, g, x.dataType())) {
            case DIRECT -> ReferenceConv.backward(g, x, w, dy, dx, dw, db);
            case GEMM -> {
                DataType t = x.dataType();
                INDArray dxOut = dx == null ? null : writable(dx, t);
                INDArray dwOut = writable(dw, t);
                INDArray dbOut = db == null ? null : writable(db, t);
                GemmConv.backward(g, Blas.of(t), dense(x, t), dense(w, t), dense(dy, t), dxOut, dwOut, dbOut);
                for (INDArray[] pair : new INDArray[][]{{dx, dxOut}, {dw, dwOut}, {db, dbOut}}) {
                    if (pair[0] != pair[1]) {
                        pair[0].assign(pair[1]);
                    }
                }
            }
            default -> throw new IllegalStateException("unresolved algorithm " + algorithm);
        }
    }

    /**
     * The algorithm that runs: {@code algorithm} itself unless AUTO; AUTO is GEMM for FLOAT and DOUBLE arrays on
     * ND4J's CPU backend, DIRECT elsewhere. A forced GEMM where OpenBLAS is not loaded is an error.
     */
    public static ConvAlgorithm resolve(ConvAlgorithm algorithm, ConvGeometry g, DataType type) {
        boolean gemm = Blas.available() && (type == DataType.FLOAT || type == DataType.DOUBLE);
        return switch (algorithm) {
            case AUTO -> gemm ? ConvAlgorithm.GEMM : ConvAlgorithm.DIRECT;
            case GEMM -> {
                if (!gemm) {
                    throw new IllegalArgumentException("conv algorithm GEMM needs ND4J's CPU backend (OpenBLAS) and "
                            + "FLOAT or DOUBLE arrays; got " + Nd4j.getBackend().getClass().getSimpleName() + ", " + type);
                }
                yield ConvAlgorithm.GEMM;
            }
            case DIRECT -> ConvAlgorithm.DIRECT;
        };
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

    /** {@code a} itself when the kernels can write it in place, else a dense array of its shape to copy back. */
    private static INDArray writable(INDArray a, DataType t) {
        return a.dataType() == t && Flat.isDense(a) ? a : Nd4j.createUninitialized(t, a.shape(), 'c');
    }
}
