package dev.dashspark.core.aggconv;

import dev.dashspark.core.fft.ComplexFft;
import dev.dashspark.core.fft.FftBackend;
import dev.dashspark.core.util.Arrays2;
import dev.dashspark.core.util.Flat;
import dev.dashspark.core.util.Parallel;
import dev.dashspark.core.util.WorkCounter;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * DASH technique 2: AggConv through the Fourier domain (ALGORITHM.md §2 steps 5–10), forward and backward, in
 * double precision whatever the input type (the dense channel-mixing GEMMs run in the network's precision).
 *
 * <p><b>Transform length.</b> The mixed kernel W̄ spans S = 2p + 1 taps centred on the output position, so for a
 * "same"-size output every axis only needs a circular length P ≥ n + p (taps that wrap land on the zero padding):
 * shorter than the reference's n + S − 1. P is then rounded up to the FFT backend's fast length. W̄[t] is placed
 * at (p − t) mod P, which turns the circular convolution into the cross-correlation the layer computes; the
 * gradient of W̄ is read back from the same positions of the circular correlation of x with dy.
 *
 * <p><b>Two real signals per complex FFT.</b> Batch elements are paired, z = x_b + i·x_{b+1}. Since the kernel
 * spectrum is that of a real signal, the real and imaginary parts of ifft(Z·H) are the two outputs, so one complex
 * transform does the work of two real ones, in 1D and 2D alike. For dW̄ the real part of Σ conj(Z)·G is exactly
 * Σ_b corr(x_b, dy_b).
 *
 * <p><b>Channel mixing.</b> Depthwise layers multiply spectra element-wise. Dense layers do
 * Y[b,o,f] = Σ_i X[b,i,f]·H[o,i,f] as one batched real matrix product over all frequencies:
 * [Xr Xi]·[[Hrᵀ, Hiᵀ], [−Hiᵀ, Hrᵀ]] = [Yr Yi] (and its two transposes in backward), on ND4J's GEMM.
 *
 * <p>Cost: O(B·C·P log P) for the transforms plus the mixing; independent of |K||D| and of S beyond P.
 */
final class FftStrategy implements AggConvStrategy {
    static final FftStrategy INSTANCE = new FftStrategy(FftBackend.defaultBackend());

    private final FftBackend backend;

    FftStrategy(FftBackend backend) {
        this.backend = backend;
    }

    @Override
    public Strategy kind() {
        return Strategy.FFT;
    }

    /** Sizes of one call. Axis 0 is the height (1 in 1D), axis 1 the width / length. */
    record Geo(int batch, int cin, int cout, int h, int w, int ho, int wo, int sh, int sw,
               int p0, int p1, int n0, int n1) {
        static Geo of(AggConvSpec spec, long[] shape, FftBackend backend) {
            int p = spec.space().pad();
            boolean two = spec.dims() == 2;
            int h = two ? (int) shape[2] : 1;
            int w = (int) shape[two ? 3 : 2];
            int sh = two ? spec.stride() : 1;
            int sw = spec.stride();
            int p0 = two ? p : 0;
            int n0 = two ? backend.fastLength(h + p) : 1;
            int n1 = backend.fastLength(w + p);
            return new Geo((int) shape[0], spec.inChannels(), spec.outChannels(), h, w,
                    (h - 1) / sh + 1, (w - 1) / sw + 1, sh, sw, p0, p, n0, n1);
        }

        int points() {
            return n0 * n1;
        }

        int pairs() {
            return (batch + 1) / 2;
        }

        /** Complex index of kernel tap (t0, t1) in the transform buffer: ((p0 − t0) mod n0, (p1 − t1) mod n1). */
        int tap(int t0, int t1) {
            return Math.floorMod(p0 - t0, n0) * n1 + Math.floorMod(p1 - t1, n1);
        }

        /** The input grid: every position of x (and of dx). */
        Grid input() {
            return new Grid(h, w, 1, 1);
        }

        /** The output grid: every s-th position of the "same"-size result, from index 0. */
        Grid output() {
            return new Grid(ho, wo, sh, sw);
        }
    }

    /** Positions (r·rowStep, c·colStep) for r < rows, c < cols of a transform buffer. */
    record Grid(int rows, int cols, int rowStep, int colStep) {
        int size() {
            return rows * cols;
        }
    }

    /**
     * What backward reuses: the kernel spectra and the input spectra — (pairs, C, 2·points) doubles for depthwise
     * layers, the (points, pairs, 2·Cin) product operand for dense ones.
     */
    private record Cache(Geo geo, double[] kernelSpectra, double[] depthwiseSpectra, INDArray denseSpectra) {
    }

    @Override
    public Forward forward(AggConvSpec spec, INDArray x, INDArray[] weights, double[] c, double[] bias, INDArray out,
                           boolean keepForBackward) {
        spec.checkInputShape(x.shape());
        Geo g = Geo.of(spec, x.shape(), backend);
        Flat xs = Flat.readable(x);
        double[] kernels = kernelSpectra(spec, g, Kernels.asDouble(weights), c);
        INDArray target = destination(out, x.dataType(), spec.outputShape(x.shape()));
        Flat y = Flat.of(target);
        double[] spectra = null;
        INDArray operand = null;
        if (spec.depthwise()) {
            double[] kept = keepForBackward ? new double[g.pairs() * g.cin() * 2 * g.points()] : null;
            spectra = kept;
            Parallel.forRange(g.cin(), ch -> {
                ComplexFft plan = backend.plan(g.n0(), g.n1());
                double[] buf = new double[2 * g.points()];
                int len = buf.length;
                for (int q = 0; q < g.pairs(); q++) {
                    load(xs, g.cin(), ch, q, g, g.input(), buf);
                    plan.forward(buf);
                    if (kept != null) {
                        System.arraycopy(buf, 0, kept, (q * g.cin() + ch) * len, len);
                    }
                    multiply(buf, kernels, ch * len, false);
                    plan.inverse(buf);
                    store(buf, y, g.cout(), ch, q, g, g.output(), bias == null ? 0.0 : bias[ch]);
                }
            });
        } else {
            DataType type = gemmType(x);
            operand = productLayout(rowSpectra(xs, g.cin(), g, g.input(), type, null), g, g.cin());
            INDArray mixed = Nd4j.matmul(operand, kernelBlocks(kernels, g, false, type));
            WorkCounter.gemm(g.points(), g.pairs(), 2L * g.cin(), 2L * g.cout());
            inverseFromProduct(mixed, g.cout(), y, g, g.output(), bias);
        }
        Cache cache = keepForBackward ? new Cache(g, kernels, spectra, operand) : null;
        return new Forward(spec, finish(target, out, x.dataType()), x, weights, c.clone(), bias, cache);
    }

    @Override
    public Backward backward(Forward f, INDArray dyArray, INDArray dxOut) {
        AggConvSpec spec = f.spec();
        Cache cache = f.cache() instanceof Cache k ? k : null;
        if (cache == null) {
            Forward again = forward(spec, f.input(), f.weights(), f.c(), f.bias(), null, true);
            cache = (Cache) again.cache();
        }
        Geo g = cache.geo();
        double[] kernels = cache.kernelSpectra();
        double[] spectra = cache.depthwiseSpectra();
        Flat dy = Flat.readable(dyArray);
        INDArray dxArray = destination(dxOut, f.input().dataType(), f.input().shape());
        Flat dx = Flat.of(dxArray);
        int len = 2 * g.points();
        int rows = Kernels.rows(spec);
        double[] corr = new double[rows * len];
        // Σ dy per output channel: the DC terms of dy's transforms (re + im = the two batch elements)
        double[] dBias = new double[g.cout()];
        if (spec.depthwise()) {
            Parallel.forRange(g.cin(), ch -> {
                ComplexFft plan = backend.plan(g.n0(), g.n1());
                double[] buf = new double[len];
                int acc = ch * len;
                for (int q = 0; q < g.pairs(); q++) {
                    load(dy, g.cout(), ch, q, g, g.output(), buf);
                    plan.forward(buf);
                    dBias[ch] += buf[0] + buf[1];
                    accumulateConjugateProduct(corr, acc, spectra, (q * g.cin() + ch) * len, buf);
                    multiply(buf, kernels, ch * len, true);
                    plan.inverse(buf);
                    store(buf, dx, g.cin(), ch, q, g, g.input(), 0.0);
                }
                double[] r = Arrays.copyOfRange(corr, acc, acc + len);
                plan.inverse(r);
                System.arraycopy(r, 0, corr, acc, len);
            });
        } else {
            DataType type = gemmType(f.input());
            double[] dcTerms = new double[g.pairs() * g.cout()];
            INDArray grads = productLayout(rowSpectra(dy, g.cout(), g, g.output(), type, dcTerms), g, g.cout());
            for (int job = 0; job < dcTerms.length; job++) {
                dBias[job % g.cout()] += dcTerms[job];
            }
            INDArray dxSpectra = Nd4j.matmul(grads, kernelBlocks(kernels, g, true, type));
            WorkCounter.gemm(g.points(), g.pairs(), 2L * g.cout(), 2L * g.cin());
            inverseFromProduct(dxSpectra, g.cin(), dx, g, g.input(), null);
            kernelCorrelation(grads, cache.denseSpectra(), g, corr);
        }
        double[][] w = Kernels.asDouble(f.weights());
        int n = spec.space().size();
        double[][] dW = new double[n][];
        for (int i = 0; i < n; i++) {
            dW[i] = new double[w[i].length];
        }
        double[] dc = new double[n];
        Kernels.candidateGradients(spec, (r, t0, t1) -> corr[r * len + 2 * g.tap(t0, t1)], w, f.c(), dW, dc);
        INDArray[] dWArrays = new INDArray[n];
        for (int i = 0; i < n; i++) {
            dWArrays[i] = Arrays2.fromDouble(dW[i], spec.weightShape(i), f.weights()[i].dataType());
        }
        return new Backward(finish(dxArray, dxOut, f.input().dataType()), dWArrays, dc, f.bias() == null ? null : dBias);
    }

    /**
     * Precision of the frequency-domain GEMMs: that of the network (float networks get float GEMMs, whose rounding
     * is far below float activations'; double networks keep double). Transforms always run in double.
     */
    private static DataType gemmType(INDArray like) {
        return like.dataType() == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
    }

    /**
     * The array results are written into: the caller's {@code out} when it is a dense FLOAT/DOUBLE array of the
     * input's type, else a new one (FLOAT for FLOAT inputs, DOUBLE otherwise).
     */
    private static INDArray destination(INDArray out, DataType inputType, long[] shape) {
        DataType type = inputType == DataType.FLOAT ? DataType.FLOAT : DataType.DOUBLE;
        if (out != null && out.dataType() == type && Flat.isDense(out)) {
            return out;
        }
        return Nd4j.createUninitialized(type, shape, 'c');
    }

    /** The result in the input's type, in {@code out} when one was given. */
    private static INDArray finish(INDArray target, INDArray out, DataType inputType) {
        if (target == out) {
            return out;
        }
        return Outputs.deliver(target.dataType() == inputType ? target : target.castTo(inputType), out);
    }

    /** Spectra of the kernels W̄[o, g] placed at (p − t) mod P: (O·G) rows of 2·points doubles. */
    private double[] kernelSpectra(AggConvSpec spec, Geo g, double[][] w, double[] c) {
        int rows = Kernels.rows(spec);
        int len = 2 * g.points();
        double[] out = new double[rows * len];
        SearchSpace space = spec.space();
        boolean two = spec.dims() == 2;
        Parallel.forRange(rows, r -> {
            int base = r * len;
            for (int i = 0; i < space.size(); i++) {
                int k = space.kernel(i);
                int d = space.dilation(i);
                int off = space.offset(i);
                int ka = two ? k : 1;
                for (int a = 0; a < ka; a++) {
                    int t0 = two ? off + d * a : 0;
                    for (int b = 0; b < k; b++) {
                        out[base + 2 * g.tap(t0, off + d * b)] += c[i] * w[i][(r * ka + a) * k + b];
                    }
                }
            }
            double[] buf = Arrays.copyOfRange(out, base, base + len);
            backend.plan(g.n0(), g.n1()).forward(buf);
            System.arraycopy(buf, 0, out, base, len);
        });
        return out;
    }

    /**
     * Transforms of every (pair, channel) signal of {@code src}, in row layout (pairs, channels, points, 2); the
     * DC term of each (re + im: the sum of both batch elements' values) goes to {@code dcTerms[job]} if given.
     */
    private INDArray rowSpectra(Flat src, int channels, Geo g, Grid grid, DataType type, double[] dcTerms) {
        int len = 2 * g.points();
        INDArray rows = Nd4j.createUninitialized(type, new long[]{g.pairs(), channels, g.points(), 2}, 'c');
        Flat out = Flat.of(rows);
        Parallel.forRange(g.pairs() * channels, job -> {
            double[] buf = new double[len];
            load(src, channels, job % channels, job / channels, g, grid, buf);
            backend.plan(g.n0(), g.n1()).forward(buf);
            if (dcTerms != null) {
                dcTerms[job] = buf[0] + buf[1];
            }
            out.put(job * len, buf);
        });
        return rows;
    }

    /** Row layout (pairs, C, points, 2) → product layout (points, pairs, 2·C): per frequency [re of C | im of C]. */
    private static INDArray productLayout(INDArray rows, Geo g, int channels) {
        return rows.permute(2, 0, 3, 1).dup('c').reshape('c', g.points(), g.pairs(), 2L * channels);
    }

    /**
     * Back from product layout (points, pairs, 2·C) to rows, then inverse transforms stored on the grid, plus
     * {@code bias[channel]} when a bias is given.
     */
    private void inverseFromProduct(INDArray product, int channels, Flat dst, Geo g, Grid grid, double[] bias) {
        INDArray rows = product.reshape('c', g.points(), g.pairs(), 2, channels).permute(1, 3, 0, 2).dup('c');
        Flat in = Flat.of(rows);
        int len = 2 * g.points();
        Parallel.forRange(g.pairs() * channels, job -> {
            double[] buf = new double[len];
            in.get(job * len, buf);
            backend.plan(g.n0(), g.n1()).inverse(buf);
            int ch = job % channels;
            store(buf, dst, channels, ch, job / channels, g, grid, bias == null ? 0.0 : bias[ch]);
        });
    }

    /**
     * Real block form of the kernel spectra for the batched product: forward, (points, 2·Cin, 2·Cout)
     * {@code [[Hrᵀ, Hiᵀ], [−Hiᵀ, Hrᵀ]]}; adjoint, (points, 2·Cout, 2·Cin) {@code [[Hr, −Hi], [Hi, Hr]]}, which
     * multiplies by conj(H).
     */
    private static INDArray kernelBlocks(double[] kernels, Geo g, boolean adjoint, DataType type) {
        INDArray k = Arrays2.fromDouble(kernels, new long[]{g.cout(), g.cin(), g.points(), 2}, type);
        INDArray hr = k.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0));
        INDArray hi = k.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(1));
        if (!adjoint) {
            INDArray hrT = hr.permute(2, 1, 0).dup('c');
            INDArray hiT = hi.permute(2, 1, 0).dup('c');
            return Nd4j.concat(1, Nd4j.concat(2, hrT, hiT), Nd4j.concat(2, hiT.neg(), hrT));
        }
        INDArray hrP = hr.permute(2, 0, 1).dup('c');
        INDArray hiP = hi.permute(2, 0, 1).dup('c');
        return Nd4j.concat(1, Nd4j.concat(2, hrP, hiP.neg()), Nd4j.concat(2, hiP, hrP));
    }

    /**
     * Circular correlations Σ_b corr(x_b[i], dy_b[o]) for every (o, i), from Σ_pairs conj(X)·G as one batched GEMM
     * Gᵀ·[Xr Xi] = [[GrᵀXr, GrᵀXi], [GiᵀXr, GiᵀXi]] (Re = GrᵀXr + GiᵀXi, Im = GiᵀXr − GrᵀXi), then inverse transforms.
     */
    private void kernelCorrelation(INDArray grads, INDArray spectra, Geo g, double[] corr) {
        int cin = g.cin();
        int cout = g.cout();
        INDArray m = Nd4j.matmul(grads, spectra, true, false, false);
        WorkCounter.gemm(g.points(), 2L * cout, g.pairs(), 2L * cin);
        INDArray top = m.get(NDArrayIndex.all(), NDArrayIndex.interval(0, cout), NDArrayIndex.all());
        INDArray bottom = m.get(NDArrayIndex.all(), NDArrayIndex.interval(cout, 2 * cout), NDArrayIndex.all());
        INDArray re = top.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, cin))
                .add(bottom.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(cin, 2 * cin)));
        INDArray im = bottom.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, cin))
                .sub(top.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(cin, 2 * cin)));
        INDArray rows = Nd4j.stack(3, re, im).permute(1, 2, 0, 3).dup('c');
        Flat in = Flat.of(rows);
        int len = 2 * g.points();
        Parallel.forRange(cout * cin, job -> {
            double[] buf = new double[len];
            in.get(job * len, buf);
            backend.plan(g.n0(), g.n1()).inverse(buf);
            System.arraycopy(buf, 0, corr, job * len, len);
        });
    }

    /**
     * Loads channel {@code ch} of batch elements 2q (real part) and 2q + 1 (imaginary part, if it exists) of a
     * c-order (B, channels, rows, cols) array into the zeroed transform buffer, at the grid's positions.
     */
    private static void load(Flat src, int channels, int ch, int q, Geo g, Grid grid, double[] buf) {
        Arrays.fill(buf, 0.0);
        int plane = grid.size();
        int cols = grid.cols();
        int b1 = 2 * q;
        boolean second = b1 + 1 < g.batch();
        int base1 = (b1 * channels + ch) * plane;
        int base2 = (b1 + 1) * channels * plane + ch * plane;
        double[] row = ROW.get().take(cols);
        int step = 2 * grid.colStep();
        for (int r = 0; r < grid.rows(); r++) {
            int start = 2 * (r * grid.rowStep() * g.n1());
            src.get(base1 + r * cols, row, cols);
            for (int col = 0, pos = start; col < cols; col++, pos += step) {
                buf[pos] = row[col];
            }
            if (second) {
                src.get(base2 + r * cols, row, cols);
                for (int col = 0, pos = start + 1; col < cols; col++, pos += step) {
                    buf[pos] = row[col];
                }
            }
        }
    }

    /** The inverse of {@link #load}: real part to batch element 2q, imaginary part to 2q + 1, plus {@code offset}. */
    private static void store(double[] buf, Flat dst, int channels, int ch, int q, Geo g, Grid grid, double offset) {
        int plane = grid.size();
        int cols = grid.cols();
        int b1 = 2 * q;
        boolean second = b1 + 1 < g.batch();
        int base1 = (b1 * channels + ch) * plane;
        int base2 = (b1 + 1) * channels * plane + ch * plane;
        double[] row = ROW.get().take(cols);
        int step = 2 * grid.colStep();
        for (int r = 0; r < grid.rows(); r++) {
            int start = 2 * (r * grid.rowStep() * g.n1());
            for (int col = 0, pos = start; col < cols; col++, pos += step) {
                row[col] = buf[pos] + offset;
            }
            dst.put(base1 + r * cols, row, cols);
            if (second) {
                for (int col = 0, pos = start + 1; col < cols; col++, pos += step) {
                    row[col] = buf[pos] + offset;
                }
                dst.put(base2 + r * cols, row, cols);
            }
        }
    }

    /** A per-thread row buffer for {@link #load} and {@link #store}. */
    private static final ThreadLocal<Scratch> ROW = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        private double[] values = new double[1024];

        double[] take(int n) {
            if (values.length < n) {
                values = new double[Math.max(n, 2 * values.length)];
            }
            return values;
        }
    }

    /** buf ← buf · h (or conj(h)), element-wise complex, h read from {@code h[offset..]}. */
    private static void multiply(double[] buf, double[] h, int offset, boolean conjugate) {
        double sign = conjugate ? -1.0 : 1.0;
        for (int j = 0; j < buf.length; j += 2) {
            double a = buf[j];
            double b = buf[j + 1];
            double c = h[offset + j];
            double d = sign * h[offset + j + 1];
            buf[j] = a * c - b * d;
            buf[j + 1] = a * d + b * c;
        }
    }

    /** acc[accOffset..] += conj(z[zOffset..]) · g, element-wise complex. */
    private static void accumulateConjugateProduct(double[] acc, int accOffset, double[] z, int zOffset, double[] g) {
        for (int j = 0; j < g.length; j += 2) {
            double zr = z[zOffset + j];
            double zi = z[zOffset + j + 1];
            acc[accOffset + j] += zr * g[j] + zi * g[j + 1];
            acc[accOffset + j + 1] += zr * g[j + 1] - zi * g[j];
        }
    }
}
