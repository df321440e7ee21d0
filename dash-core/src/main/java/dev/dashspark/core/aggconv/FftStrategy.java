package dev.dashspark.core.aggconv;

import dev.dashspark.core.aggconv.LaneBlocks.Spectra;
import dev.dashspark.core.fft.FftBackend;
import dev.dashspark.core.fft.LaneFft;
import dev.dashspark.core.fft.Lanes;
import dev.dashspark.core.util.Arrays2;
import dev.dashspark.core.util.Flat;
import dev.dashspark.core.util.Parallel;
import dev.dashspark.core.util.WorkCounter;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * DASH technique 2: AggConv through the Fourier domain (docs/algorithm.md, "The Fourier route"), forward and
 * backward. The transforms and the depthwise products run in double precision whatever the input type; the dense
 * channel-mixing GEMMs run in the network's precision.
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
 * Σ_b corr(x_b, dy_b): conj(Z)·G = conj(X₁)G₁ + conj(X₂)G₂ + i·(conj(X₁)G₂ − conj(X₂)G₁), and the bracket is the
 * spectrum of a real signal, so i times it transforms back to a purely imaginary one.
 *
 * <p><b>Many signals per transform call.</b> The pairs of one channel are the lanes of a {@link Lanes} block (up
 * to {@link #MAX_LANES}), transformed together by the backend's {@link LaneFft}. Only products of spectra of one
 * plan are ever formed, so the order the plan leaves a spectrum in does not matter; its zero frequency is point 0,
 * whose real plus imaginary part is the sum of both signals of a pair (the bias gradient). The transforms are
 * unnormalised, so the kernel spectra carry the factor 1/P and the correlation for dW̄ is divided by P.
 *
 * <p><b>Channel mixing.</b> Depthwise layers multiply spectra point by point, vectorised over the lanes, and sum
 * conj(X)·G over the lanes for dW̄. Dense layers form Y[b,o,f] = Σ_i X[b,i,f]·H[o,i,f],
 * dX[b,i,f] = Σ_o G[b,o,f]·conj(H[o,i,f]) and A[o,i,f] = Σ_b conj(X[b,i,f])·G[b,o,f] as batched real matrix
 * products over all frequencies on ND4J's GEMM: the spectra are laid out as (frequency, [re of every channel | im
 * of every channel], pair), the kernels as {@code [[Hr, −Hi], [Hi, Hr]]} per frequency.
 *
 * <p>Cost: O(B·C·P log P) for the transforms plus the mixing; independent of |K||D| and of S beyond P.
 */
final class FftStrategy implements AggConvStrategy {
    /** Batch pairs per block: enough lanes for the vectorised loops, few enough for a block to stay in cache. */
    static final int MAX_LANES = 64;

    private final FftBackend backend;

    FftStrategy(FftBackend backend) {
        this.backend = backend;
    }

    /** The strategy on the JVM's default FFT backend ({@link FftBackend#defaultBackend()}). */
    static FftStrategy onDefaultBackend() {
        return new FftStrategy(FftBackend.defaultBackend());
    }

    @Override
    public Strategy kind() {
        return Strategy.FFT;
    }

    /**
     * Sizes of one call. Axis 0 is the height (1 in 1D), axis 1 the width / length; {@code lanes} pairs per block,
     * {@code blocks} blocks per channel.
     */
    record Geo(int batch, int cin, int cout, int h, int w, int ho, int wo, int sh, int sw,
               int p0, int p1, int n0, int n1, int lanes, int blocks) {
        static Geo of(AggConvSpec spec, long[] shape, FftBackend backend) {
            int p = spec.space().pad();
            boolean two = spec.dims() == 2;
            int batch = (int) shape[0];
            int h = two ? (int) shape[2] : 1;
            int w = (int) shape[two ? 3 : 2];
            int sh = two ? spec.stride() : 1;
            int sw = spec.stride();
            int p0 = two ? p : 0;
            int n0 = two ? backend.fastLength(h + p) : 1;
            int n1 = backend.fastLength(w + p);
            int pairs = (batch + 1) / 2;
            int blocks = (pairs + MAX_LANES - 1) / MAX_LANES;
            int lanes = (pairs + blocks - 1) / blocks;
            return new Geo(batch, spec.inChannels(), spec.outChannels(), h, w,
                    (h - 1) / sh + 1, (w - 1) / sw + 1, sh, sw, p0, p, n0, n1, lanes, blocks);
        }

        int points() {
            return n0 * n1;
        }

        int pairs() {
            return (batch + 1) / 2;
        }

        /** Pairs in block {@code blk}. */
        int lanesIn(int blk) {
            return Math.min(lanes, pairs() - blk * lanes);
        }

        /** Point of kernel tap (t0, t1) in natural order: ((p0 − t0) mod n0, (p1 − t1) mod n1). */
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

    /** Positions (r·rowStep, c·colStep) for r &lt; rows, c &lt; cols of a transform buffer. */
    record Grid(int rows, int cols, int rowStep, int colStep) {
        int size() {
            return rows * cols;
        }
    }

    /**
     * What backward reuses: the kernel spectra and the input spectra. Depthwise layers keep the blocks, block
     * {@code blk} of channel c at {@code inputs[blk·C + c]}; dense ones keep the product operands, the input spectra
     * (points, 2·Cin, pairs) and the kernel matrices (points, 2·Cout, 2·Cin).
     */
    private record Cache(Geo geo, LaneFft plan, Spectra kernels, Kept inputs, long id, INDArray inputProduct,
                         INDArray kernelProduct) {
        /** Whether the kept input spectra are still this forward pass's (a later forward may have reused them). */
        boolean intact() {
            return inputs == null || inputs.owner == id;
        }
    }

    /**
     * Input spectra of depthwise layers kept from a forward pass for its backward pass, then reused by the next
     * forward pass of this strategy: blocks of a training step's size are allocated once, not at every step. A
     * forward pass stamps them with its id; backward uses them only while they still carry its id (else it
     * recomputes the forward pass), and hands them back for reuse when done.
     */
    private static final class Kept {
        final Lanes[] blocks;
        volatile long owner;

        Kept(Geo g) {
            blocks = new Lanes[g.blocks() * g.cin()];
            for (int job = 0; job < blocks.length; job++) {
                blocks[job] = Lanes.allocate(g.points(), g.lanesIn(job / g.cin()));
            }
        }

        boolean fits(Geo g) {
            if (blocks.length != g.blocks() * g.cin()) {
                return false;
            }
            for (int job = 0; job < blocks.length; job++) {
                if (blocks[job].points() != g.points() || blocks[job].capacity() < g.lanesIn(job / g.cin())) {
                    return false;
                }
            }
            return true;
        }
    }

    private final AtomicReference<Kept> spare = new AtomicReference<>();
    private final AtomicLong passes = new AtomicLong();

    @Override
    public Forward forward(AggConvSpec spec, INDArray x, INDArray[] weights, double[] c, double[] bias, INDArray out,
                           boolean keepForBackward) {
        spec.checkInputShape(x.shape());
        Geo g = Geo.of(spec, x.shape(), backend);
        LaneFft plan = backend.plan(g.n0(), g.n1());
        Flat xs = Flat.readable(x);
        Spectra kernels = kernelSpectra(spec, g, plan, Kernels.asDouble(weights), c);
        INDArray target = destination(out, x.dataType(), spec.outputShape(x.shape()));
        Flat y = Flat.of(target);
        int points = g.points();
        Cache cache;
        if (spec.depthwise()) {
            Kept inputs = keepForBackward ? take(g) : null;
            long id = passes.incrementAndGet();
            if (inputs != null) {
                inputs.owner = id;
            }
            Parallel.forRange(g.blocks() * g.cin(), job -> {
                int ch = job % g.cin();
                int blk = job / g.cin();
                Lanes xb = inputs != null ? inputs.blocks[job] : LaneBlocks.scratch(points, 0, g.lanes());
                LaneBlocks.load(xs, g.cin(), ch, blk, g, g.input(), xb);
                plan.forward(xb);
                Lanes yb = LaneBlocks.scratch(points, 1, g.lanes());
                LaneBlocks.multiply(xb, kernels, ch, yb);
                plan.inverse(yb);
                LaneBlocks.store(yb, y, g.cout(), ch, blk, g, g.output(), bias == null ? 0.0 : bias[ch]);
            });
            cache = new Cache(g, plan, kernels, inputs, id, null, null);
        } else {
            DataType type = gemmType(x);
            INDArray xp = product(xs, g.cin(), g, g.input(), plan, type, null);
            INDArray kp = kernelProduct(kernels, g, type);
            INDArray yp = Nd4j.matmul(kp, xp);
            WorkCounter.mix(points, g.pairs(), g.cin(), g.cout());
            invertProduct(yp, g.cout(), g, plan, y, g.output(), bias);
            cache = new Cache(g, plan, kernels, null, 0, xp, kp);
        }
        return new Forward(spec, finish(target, out, x.dataType()), x, weights, c.clone(), bias,
                keepForBackward ? cache : null);
    }

    @Override
    public Backward backward(Forward f, INDArray dyArray, INDArray dxOut) {
        AggConvSpec spec = f.spec();
        Cache cache = f.cache() instanceof Cache k ? k : null;
        if (cache == null || !cache.intact()) {
            Forward again = forward(spec, f.input(), f.weights(), f.c(), f.bias(), null, true);
            cache = (Cache) again.cache();
        }
        Geo g = cache.geo();
        LaneFft plan = cache.plan();
        Spectra kernels = cache.kernels();
        Flat dy = Flat.readable(dyArray);
        INDArray dxArray = destination(dxOut, f.input().dataType(), f.input().shape());
        Flat dx = Flat.of(dxArray);
        int points = g.points();
        // Σ_b conj(X)·G per kernel row, one lane per row, transformed back below
        Spectra corr = Spectra.allocate(Kernels.rows(spec), points);
        double[] dBias = new double[g.cout()];
        if (spec.depthwise()) {
            Lanes[] inputs = cache.inputs().blocks;
            int jobs = g.blocks() * g.cin();
            double[][] acc = new double[jobs][2 * points];
            double[] dcTerms = new double[jobs];
            Parallel.forRange(jobs, job -> {
                int ch = job % g.cin();
                int blk = job / g.cin();
                Lanes gb = LaneBlocks.scratch(points, 0, g.lanes());
                LaneBlocks.load(dy, g.cout(), ch, blk, g, g.output(), gb);
                plan.forward(gb);
                dcTerms[job] = LaneBlocks.dcSum(gb);
                LaneBlocks.correlateAndMultiplyConjugate(inputs[job], gb, kernels, ch, acc[job]);
                plan.inverse(gb);
                LaneBlocks.store(gb, dx, g.cin(), ch, blk, g, g.input(), 0.0);
            });
            spare.set(cache.inputs());
            for (int blk = 1; blk < g.blocks(); blk++) {
                for (int ch = 0; ch < g.cin(); ch++) {
                    double[] sum = acc[ch];
                    double[] part = acc[blk * g.cin() + ch];
                    for (int p = 0; p < 2 * points; p++) {
                        sum[p] += part[p];
                    }
                }
            }
            for (int job = 0; job < jobs; job++) {
                dBias[job % g.cin()] += dcTerms[job];
            }
            for (int ch = 0; ch < g.cin(); ch++) {
                corr.set(ch, acc[ch]);
            }
        } else {
            DataType type = gemmType(f.input());
            double[] dcTerms = new double[g.blocks() * g.cout()];
            INDArray gp = product(dy, g.cout(), g, g.output(), plan, type, dcTerms);
            for (int job = 0; job < dcTerms.length; job++) {
                dBias[job % g.cout()] += dcTerms[job];
            }
            INDArray dxp = Nd4j.matmul(cache.kernelProduct(), gp, true, false, false);
            WorkCounter.mix(points, g.pairs(), g.cout(), g.cin());
            invertProduct(dxp, g.cin(), g, plan, dx, g.input(), null);
            INDArray m = Nd4j.matmul(gp, cache.inputProduct(), false, true, false);
            WorkCounter.mix(points, g.pairs(), g.cout(), g.cin());
            kernelCorrelation(m, g, corr);
        }
        Parallel.forRange(corr.chunks().length, k -> plan.inverse(corr.chunks()[k]));
        double scale = 1.0 / points;
        double[][] w = Kernels.asDouble(f.weights());
        int n = spec.space().size();
        double[][] dW = new double[n][];
        for (int i = 0; i < n; i++) {
            dW[i] = new double[w[i].length];
        }
        double[] dc = new double[n];
        Kernels.candidateGradients(spec, (r, t0, t1) -> scale * corr.re(r, g.tap(t0, t1)), w, f.c(), dW, dc);
        INDArray[] dWArrays = new INDArray[n];
        for (int i = 0; i < n; i++) {
            dWArrays[i] = Arrays2.fromDouble(dW[i], spec.weightShape(i), f.weights()[i].dataType());
        }
        return new Backward(finish(dxArray, dxOut, f.input().dataType()), dWArrays, dc, f.bias() == null ? null : dBias);
    }

    /** Kept blocks for a forward pass of geometry g: the spare ones if they fit, else new ones. */
    private Kept take(Geo g) {
        Kept k = spare.getAndSet(null);
        return k != null && k.fits(g) ? k : new Kept(g);
    }

    /**
     * Precision of the frequency-domain products of dense layers: that of the network (float networks get float
     * GEMMs, whose rounding is far below float activations'; double networks keep double). Transforms always run
     * in double.
     */
    private static DataType gemmType(INDArray like) {
        return like.dataType() == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
    }

    /**
     * The spectra of every channel of {@code src} as a product operand (points, 2·channels, pairs): per frequency,
     * the real parts of all channels, then the imaginary parts, each a row over the batch pairs. The DC sums (both
     * batch elements of every pair) of block blk, channel ch go to {@code dcTerms[blk·channels + ch]} if given.
     */
    private static INDArray product(Flat src, int channels, Geo g, Grid grid, LaneFft plan, DataType type,
                                    double[] dcTerms) {
        INDArray out = Nd4j.createUninitialized(type, new long[]{g.points(), 2L * channels, g.pairs()}, 'c');
        Flat dst = Flat.of(out);
        Parallel.forRange(g.blocks() * channels, job -> {
            int blk = job / channels;
            int ch = job % channels;
            Lanes b = LaneBlocks.scratch(g.points(), 0, g.lanes());
            LaneBlocks.load(src, channels, ch, blk, g, grid, b);
            plan.forward(b);
            if (dcTerms != null) {
                dcTerms[job] = LaneBlocks.dcSum(b);
            }
            LaneBlocks.toProduct(b, channels, ch, blk, g, dst);
        });
        return out;
    }

    /**
     * Back from a product result (points, 2·channels, pairs): every block inverse-transformed and stored on the grid
     * of {@code dst}, plus {@code bias[channel]} when a bias is given.
     */
    private static void invertProduct(INDArray product, int channels, Geo g, LaneFft plan, Flat dst, Grid grid,
                                      double[] bias) {
        Flat src = Flat.of(product);
        Parallel.forRange(g.blocks() * channels, job -> {
            int blk = job / channels;
            int ch = job % channels;
            Lanes b = LaneBlocks.scratch(g.points(), 0, g.lanes());
            LaneBlocks.fromProduct(src, channels, ch, blk, g, b);
            plan.inverse(b);
            LaneBlocks.store(b, dst, channels, ch, blk, g, grid, bias == null ? 0.0 : bias[ch]);
        });
    }

    /**
     * The kernel spectra in real block form, (points, 2·Cout, 2·Cin) {@code [[Hr, −Hi], [Hi, Hr]]}, so that one
     * batched product gives [Yr; Yi] = H·[Xr; Xi]. Its transpose {@code [[Hrᵀ, Hiᵀ], [−Hiᵀ, Hrᵀ]]} multiplies by
     * conj(H)ᵀ, which backward needs for dX.
     */
    private static INDArray kernelProduct(Spectra kernels, Geo g, DataType type) {
        int cin = g.cin();
        int cout = g.cout();
        int points = g.points();
        double[] v = new double[points * 4 * cout * cin];
        Parallel.forRange(cout, o -> {
            for (int i = 0; i < cin; i++) {
                int row = o * cin + i;
                for (int p = 0; p < points; p++) {
                    double hr = kernels.re(row, p);
                    double hi = kernels.im(row, p);
                    int top = (p * 2 * cout + o) * 2 * cin + i;
                    int bottom = top + cout * 2 * cin;
                    v[top] = hr;
                    v[top + cin] = -hi;
                    v[bottom] = hi;
                    v[bottom + cin] = hr;
                }
            }
        });
        return Arrays2.fromDouble(v, new long[]{points, 2L * cout, 2L * cin}, type);
    }

    /**
     * Σ_b conj(X[b,i])·G[b,o] for every (o, i) from m = [Gr; Gi]·[Xr; Xi]ᵀ = [[GrXrᵀ, GrXiᵀ], [GiXrᵀ, GiXiᵀ]]
     * (points, 2·Cout, 2·Cin): real part GrXrᵀ + GiXiᵀ, imaginary part GiXrᵀ − GrXiᵀ, into row o·Cin + i.
     */
    private static void kernelCorrelation(INDArray m, Geo g, Spectra corr) {
        int cin = g.cin();
        int cout = g.cout();
        int points = g.points();
        Flat f = Flat.of(m);
        Parallel.forRange(cout, o -> {
            double[] top = new double[2 * cin];
            double[] bottom = new double[2 * cin];
            double[][] rows = new double[cin][2 * points];
            for (int p = 0; p < points; p++) {
                int base = p * 2 * cout * 2 * cin;
                f.get(base + o * 2 * cin, top);
                f.get(base + (cout + o) * 2 * cin, bottom);
                for (int i = 0; i < cin; i++) {
                    rows[i][p] = top[i] + bottom[cin + i];
                    rows[i][points + p] = bottom[i] - top[cin + i];
                }
            }
            for (int i = 0; i < cin; i++) {
                corr.set(o * cin + i, rows[i]);
            }
        });
    }

    /**
     * The real kernel W̄ of every row placed at (p − t) mod P and scaled by 1/P (the transforms are unnormalised),
     * then transformed: one row per lane.
     */
    private static Spectra kernelSpectra(AggConvSpec spec, Geo g, LaneFft plan, double[][] w, double[] c) {
        int rows = Kernels.rows(spec);
        Spectra out = Spectra.allocate(rows, g.points());
        SearchSpace space = spec.space();
        boolean two = spec.dims() == 2;
        double scale = 1.0 / g.points();
        Parallel.forRange(out.chunks().length, k -> {
            Lanes chunk = out.chunks()[k];
            for (int lane = 0; lane < chunk.lanes(); lane++) {
                int r = k * MAX_LANES + lane;
                for (int i = 0; i < space.size(); i++) {
                    int kernel = space.kernel(i);
                    int d = space.dilation(i);
                    int off = space.offset(i);
                    int ka = two ? kernel : 1;
                    for (int a = 0; a < ka; a++) {
                        int t0 = two ? off + d * a : 0;
                        for (int b = 0; b < kernel; b++) {
                            chunk.re(g.tap(t0, off + d * b))[lane] += scale * c[i] * w[i][(r * ka + a) * kernel + b];
                        }
                    }
                }
            }
            plan.forward(chunk);
        });
        return out;
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
}
