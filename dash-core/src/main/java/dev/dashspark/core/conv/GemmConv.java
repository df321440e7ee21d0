package dev.dashspark.core.conv;

import dev.dashspark.core.conv.Blas.Mem;
import dev.dashspark.core.util.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The convolution as one GEMM per kernel tap and sample, on OpenBLAS ({@link ConvAlgorithm#GEMM}; the layout and
 * its proof are in docs/convolution.md).
 *
 * <p><b>Phase images.</b> With stride s, padding p before and dilation d, output (i, j) reads the zero-padded input
 * at (i·s + a·d, j·s + t·d) for tap (a, t). Write a·d = α·s + ρ and t·d = τ·s + κ (0 ≤ ρ, κ &lt; s): the read is
 * element (i + α, j + τ) of the phase image P_ρκ[u, v] = x[u·s + ρ − p, v·s + κ − p] (zero outside x). Lay each
 * phase image out with rows of V = OW + τ_max values ("wide" rows: the output's width plus the largest horizontal
 * tap offset): output (i, j) is wide position n = i·V + j and reads P_ρκ at n + α·V + τ. So, for all outputs at
 * once, tap (a, t) is the matrix product {@code Y[:, n] += W_at · P_ρκ[:, n + α·V + τ]}, W_at the (out × in)
 * matrix of the tap, over a contiguous range of n: a single GEMM per tap whose operands are plain offsets into
 * the phase image, with no im2col buffer. Columns j ≥ OW of the wide output are never read back (they may read
 * the next row's values). Rows i whose phase row lies wholly in the zero padding are skipped (exact: they add 0),
 * which is where large causal dilations lose most of their taps.
 *
 * <p><b>No copy in 1D at stride 1</b> (and for 1×1 convolutions at stride 1): the phase image is the input itself,
 * shifted by the padding, V is the input's width, and each tap's range of outputs is clipped to the outputs whose
 * read falls inside the input, so the GEMMs read x and write y in place.
 *
 * <p><b>Backward</b> is the transpose of each product, over the same ranges: {@code dW_at += dY[:, n]·P[:, n +
 * off]ᵀ} (summed over samples) and {@code dP[:, n + off] += W_atᵀ·dY[:, n]}, with dY laid out on the wide grid
 * (zeros in the columns j ≥ OW, so they add nothing); dP is gathered back into dx (dx itself in the no-copy case),
 * positions that no output reads get 0. Bias: rows initialised by a rank-1 product, its gradient a GEMV against
 * ones. Depthwise layers use the same ranges with BLAS level 1 (one axpy or dot per channel and tap).
 *
 * <p>Samples are split into chunks run on the dash-core threads ({@link Parallel}); each chunk has its own
 * gradient accumulators, summed at the end. Per-thread scratch (phase images, wide rows) is kept between calls.
 */
final class GemmConv {
    private GemmConv() {
    }

    /** One tap's product: wide outputs [n0, n1) read phase image {@code phase} at n + offset. */
    record Tap(int index, int phase, int offset, int n0, int n1) {
        int count() {
            return n1 - n0;
        }
    }

    /** The extents of one call. */
    record Layout(ConvGeometry g, int batch, int h, int w, int oh, int ow, int sh, int sw, int pbh, int pbw,
                  int vp, int up, int phaseLen, boolean direct, boolean[] used, Tap[] taps) {

        static Layout of(ConvGeometry g, long[] xs) {
            int batch = (int) xs[0];
            int h = (int) xs[2];
            int w = (int) xs[3];
            boolean two = g.dims() == 2;
            int kh = g.kernel();
            int kw = two ? g.kernel() : 1;
            int sh = g.stride();
            int sw = two ? g.stride() : 1;
            int pbh = g.padBefore();
            int pbw = two ? g.padBefore() : 0;
            int oh = g.outLength(h);
            int ow = two ? g.outLength(w) : w;
            int d = g.dilation();
            int alphaMax = d * (kh - 1) / sh;
            int tauMax = d * (kw - 1) / sw;
            int vp = ow + tauMax;
            int up = oh + alphaMax;
            boolean direct = sh == 1 && sw == 1 && tauMax == 0 && pbw == 0;
            if (direct) {
                vp = w; // = ow: the input's own rows
            }
            int phaseLen = direct ? h * w : up * vp + tauMax;
            boolean[] used = new boolean[sh * sw];
            java.util.List<Tap> taps = new java.util.ArrayList<>();
            for (int a = 0; a < kh; a++) {
                for (int t = 0; t < kw; t++) {
                    int rho = a * d % sh;
                    int alpha = a * d / sh;
                    int kappa = t * d % sw;
                    int tau = t * d / sw;
                    // output rows whose phase row maps inside x: r = (i + α)·s + ρ − p ∈ [0, h)
                    int i0 = Math.max(0, ceilDiv(pbh - rho, sh) - alpha);
                    int i1 = Math.min(oh, ceilDiv(h + pbh - rho, sh) - alpha);
                    if (i1 <= i0) {
                        continue;
                    }
                    int offset = direct ? (alpha - pbh) * w : alpha * vp + tau;
                    int phase = rho * sw + kappa;
                    used[phase] = true;
                    taps.add(new Tap(a * kw + t, phase, offset, i0 * vp, i1 * vp));
                }
            }
            return new Layout(g, batch, h, w, oh, ow, sh, sw, pbh, pbw, vp, up, phaseLen, direct, used,
                    taps.toArray(new Tap[0]));
        }

        int cin() {
            return g.inChannels();
        }

        int cout() {
            return g.outChannels();
        }

        int cg() {
            return g.groupChannels();
        }

        int kernelTaps() {
            return g.taps();
        }

        /** Wide output positions per channel: OH·V. */
        int wide() {
            return oh * vp;
        }

        boolean cropped() {
            return vp != ow;
        }

        /** Start of phase image {@code phase}'s channel 0 in the scratch (0 when reading x directly). */
        long phaseBase(int phase) {
            return direct ? 0 : (long) phase * cin() * phaseLen;
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    /** Per-thread scratch, grown on demand and kept. */
    private static final class Scratch {
        private final Blas blas;
        Mem phases;
        Mem dPhases;
        Mem wide;
        Mem dWide;
        Mem ones;

        Scratch(Blas blas) {
            this.blas = blas;
        }

        Mem grow(Mem m, long n) {
            if (m != null && m.length >= n) {
                return m;
            }
            if (m != null) {
                m.close();
            }
            return blas.allocate(n);
        }

        Mem ones(long n) {
            if (ones == null || ones.length < n) {
                ones = grow(ones, n);
                blas.fill(ones, 0, (int) ones.length, 1.0);
            }
            return ones;
        }
    }

    private static final ThreadLocal<Scratch> F32_SCRATCH = ThreadLocal.withInitial(() -> new Scratch(Blas.F32));
    private static final ThreadLocal<Scratch> F64_SCRATCH = ThreadLocal.withInitial(() -> new Scratch(Blas.F64));

    private static Scratch scratch(Blas blas) {
        return (blas == Blas.F32 ? F32_SCRATCH : F64_SCRATCH).get();
    }

    /** Chunks of samples: enough to balance the threads, few enough to keep per-chunk accumulators cheap. */
    private static int chunks(int batch) {
        return Math.max(1, Math.min(batch, Parallel.threads() * 4));
    }

    private static int chunkStart(int chunk, int chunks, int batch) {
        return (int) ((long) chunk * batch / chunks);
    }

    /** W (out, cg, taps) → per tap (out × cg) matrices, tap-major. */
    private static Mem repack(Blas blas, Layout l, Mem w) {
        int cout = l.cout();
        int cg = l.cg();
        int taps = l.kernelTaps();
        Mem wt = blas.allocate((long) taps * cout * cg);
        for (int o = 0; o < cout; o++) {
            for (int c = 0; c < cg; c++) {
                for (int t = 0; t < taps; t++) {
                    blas.set(wt, (t * cout + o) * cg + c, blas.get(w, (o * cg + c) * taps + t));
                }
            }
        }
        return wt;
    }

    static void forward(ConvGeometry g, Blas blas, INDArray x, INDArray w, INDArray bias, INDArray y) {
        Layout l = Layout.of(g, x.shape());
        Mem xm = blas.wrap(x);
        Mem ym = blas.wrap(y);
        Mem bm = bias == null ? null : blas.wrap(bias);
        try (Mem wt = repack(blas, l, blas.wrap(w))) {
            int chunks = chunks(l.batch());
            Parallel.forRange(chunks, ch -> {
                Scratch s = scratch(blas);
                for (int b = chunkStart(ch, chunks, l.batch()); b < chunkStart(ch + 1, chunks, l.batch()); b++) {
                    forwardSample(l, blas, s, xm, wt, bm, ym, b);
                }
            });
        }
    }

    private static void forwardSample(Layout l, Blas blas, Scratch s, Mem xm, Mem wt, Mem bm, Mem ym, int b) {
        int cin = l.cin();
        int cout = l.cout();
        long xb = (long) b * cin * l.h() * l.w();
        long yb = (long) b * cout * l.oh() * l.ow();
        Mem src = xm;
        long srcBase = xb;
        if (!l.direct()) {
            s.phases = s.grow(s.phases, (long) l.sh() * l.sw() * cin * l.phaseLen());
            buildPhases(l, blas, xm, xb, s.phases);
            src = s.phases;
            srcBase = 0;
        }
        int wide = l.wide();
        Mem out = ym;
        long outBase = yb;
        if (l.cropped()) {
            s.wide = s.grow(s.wide, (long) cout * wide);
            out = s.wide;
            outBase = 0;
        }
        if (bm != null) {
            blas.gemm(false, false, cout, wide, 1, bm, 0, 1, s.ones(wide), 0, wide, 0.0, out, outBase, wide);
        } else {
            blas.zero(out, outBase, (long) cout * wide);
        }
        int ld = l.phaseLen();
        for (Tap t : l.taps()) {
            long from = srcBase + l.phaseBase(t.phase()) + t.n0() + t.offset();
            if (!l.g().depthwise()) {
                blas.gemm(false, false, cout, t.count(), cin, wt, (long) t.index() * cout * cin, cin, src, from, ld, 1.0,
                        out, outBase + t.n0(), wide);
            } else {
                for (int o = 0; o < cout; o++) {
                    blas.axpy(t.count(), blas.get(wt, t.index() * cout + o), src, from + (long) o * ld, out,
                            outBase + (long) o * wide + t.n0());
                }
            }
        }
        if (l.cropped()) {
            for (int o = 0; o < cout; o++) {
                for (int i = 0; i < l.oh(); i++) {
                    blas.copy(out, o * wide + i * l.vp(), ym, (int) (yb + ((long) o * l.oh() + i) * l.ow()), l.ow());
                }
            }
        }
    }

    /** Zero-padded phase images of sample {@code xb} (only the phases some tap reads). */
    private static void buildPhases(Layout l, Blas blas, Mem xm, long xb, Mem p) {
        int cin = l.cin();
        for (int phase = 0; phase < l.used().length; phase++) {
            if (!l.used()[phase]) {
                continue;
            }
            blas.zero(p, l.phaseBase(phase), (long) cin * l.phaseLen());
            int rho = phase / l.sw();
            int kappa = phase % l.sw();
            int v0 = Math.max(0, ceilDiv(l.pbw() - kappa, l.sw()));
            int v1 = Math.min(l.vp(), ceilDiv(l.w() + l.pbw() - kappa, l.sw()));
            if (v1 <= v0) {
                continue;
            }
            int q0 = v0 * l.sw() + kappa - l.pbw();
            for (int c = 0; c < cin; c++) {
                long base = l.phaseBase(phase) + (long) c * l.phaseLen();
                for (int u = 0; u < l.up(); u++) {
                    int r = u * l.sh() + rho - l.pbh();
                    if (r < 0 || r >= l.h()) {
                        continue;
                    }
                    blas.gather(xm, (int) (xb + ((long) c * l.h() + r) * l.w() + q0), l.sw(), p,
                            (int) (base + (long) u * l.vp() + v0), v1 - v0);
                }
            }
        }
    }

    static void backward(ConvGeometry g, Blas blas, INDArray x, INDArray w, INDArray dy, INDArray dx, INDArray dw,
                         INDArray db) {
        Layout l = Layout.of(g, x.shape());
        Mem xm = blas.wrap(x);
        Mem dym = blas.wrap(dy);
        Mem dxm = dx == null ? null : blas.wrap(dx);
        int cout = l.cout();
        int cg = l.cg();
        int taps = l.kernelTaps();
        long wCount = (long) taps * cout * cg;
        int chunks = chunks(l.batch());
        Mem[] dwAcc = new Mem[chunks];
        Mem[] dbAcc = new Mem[chunks];
        try (Mem wt = repack(blas, l, blas.wrap(w))) {
            for (int ch = 0; ch < chunks; ch++) {
                dwAcc[ch] = blas.allocate(wCount);
                blas.zero(dwAcc[ch], 0, wCount);
                if (db != null) {
                    dbAcc[ch] = blas.allocate(cout);
                    blas.zero(dbAcc[ch], 0, cout);
                }
            }
            Parallel.forRange(chunks, ch -> {
                Scratch s = scratch(blas);
                for (int b = chunkStart(ch, chunks, l.batch()); b < chunkStart(ch + 1, chunks, l.batch()); b++) {
                    backwardSample(l, blas, s, xm, wt, dym, dxm, dwAcc[ch], dbAcc[ch], b);
                }
            });
            Mem dwm = blas.wrap(dw);
            for (int o = 0; o < cout; o++) {
                for (int c = 0; c < cg; c++) {
                    for (int t = 0; t < taps; t++) {
                        double sum = 0;
                        for (Mem acc : dwAcc) {
                            sum += blas.get(acc, (t * cout + o) * cg + c);
                        }
                        blas.set(dwm, (o * cg + c) * taps + t, sum);
                    }
                }
            }
            if (db != null) {
                Mem dbm = blas.wrap(db);
                for (int o = 0; o < cout; o++) {
                    double sum = 0;
                    for (Mem acc : dbAcc) {
                        sum += blas.get(acc, o);
                    }
                    blas.set(dbm, o, sum);
                }
            }
        } finally {
            for (Mem m : dwAcc) {
                if (m != null) {
                    m.close();
                }
            }
            for (Mem m : dbAcc) {
                if (m != null) {
                    m.close();
                }
            }
        }
    }

    private static void backwardSample(Layout l, Blas blas, Scratch s, Mem xm, Mem wt, Mem dym, Mem dxm, Mem dwAcc,
                                       Mem dbAcc, int b) {
        int cin = l.cin();
        int cout = l.cout();
        int plane = l.oh() * l.ow();
        long xb = (long) b * cin * l.h() * l.w();
        long yb = (long) b * cout * plane;
        Mem src = xm;
        long srcBase = xb;
        long phaseTotal = (long) l.sh() * l.sw() * cin * l.phaseLen();
        if (!l.direct()) {
            s.phases = s.grow(s.phases, phaseTotal);
            buildPhases(l, blas, xm, xb, s.phases);
            src = s.phases;
            srcBase = 0;
        }
        int wide = l.wide();
        Mem gy = dym;
        long gyBase = yb;
        if (l.cropped()) {
            s.dWide = s.grow(s.dWide, (long) cout * wide);
            blas.zero(s.dWide, 0, (long) cout * wide);
            for (int o = 0; o < cout; o++) {
                for (int i = 0; i < l.oh(); i++) {
                    blas.copy(dym, (int) (yb + ((long) o * l.oh() + i) * l.ow()), s.dWide, o * wide + i * l.vp(), l.ow());
                }
            }
            gy = s.dWide;
            gyBase = 0;
        }
        if (dbAcc != null) {
            blas.gemvAdd(cout, plane, dym, yb, plane, s.ones(plane), 0, dbAcc, 0);
        }
        Mem dst = null;
        long dstBase = 0;
        if (dxm != null) {
            if (l.direct()) {
                dst = dxm;
                dstBase = xb;
                blas.zero(dxm, xb, (long) cin * l.h() * l.w());
            } else {
                s.dPhases = s.grow(s.dPhases, phaseTotal);
                dst = s.dPhases;
                for (int phase = 0; phase < l.used().length; phase++) {
                    if (l.used()[phase]) {
                        blas.zero(dst, l.phaseBase(phase), (long) cin * l.phaseLen());
                    }
                }
            }
        }
        int ld = l.phaseLen();
        for (Tap t : l.taps()) {
            long rel = l.phaseBase(t.phase()) + t.n0() + t.offset();
            if (!l.g().depthwise()) {
                long wOff = (long) t.index() * cout * cin;
                blas.gemm(false, true, cout, cin, t.count(), gy, gyBase + t.n0(), wide, src, srcBase + rel, ld, 1.0,
                        dwAcc, wOff, cin);
                if (dst != null) {
                    blas.gemm(true, false, cin, t.count(), cout, wt, wOff, cin, gy, gyBase + t.n0(), wide, 1.0, dst,
                            dstBase + rel, ld);
                }
            } else {
                for (int o = 0; o < cout; o++) {
                    long gOff = gyBase + (long) o * wide + t.n0();
                    long pOff = rel + (long) o * ld;
                    int wi = t.index() * cout + o;
                    blas.set(dwAcc, wi, blas.get(dwAcc, wi) + blas.dot(t.count(), gy, gOff, src, srcBase + pOff));
                    if (dst != null) {
                        blas.axpy(t.count(), blas.get(wt, wi), gy, gOff, dst, dstBase + pOff);
                    }
                }
            }
        }
        if (dxm != null && !l.direct()) {
            gatherInputGradient(l, blas, s.dPhases, dxm, xb);
        }
    }

    /** dx of sample {@code xb} from the phase-image gradients: each input position is one (phase, u, v). */
    private static void gatherInputGradient(Layout l, Blas blas, Mem dp, Mem dxm, long xb) {
        int cin = l.cin();
        blas.zero(dxm, xb, (long) cin * l.h() * l.w());
        for (int c = 0; c < cin; c++) {
            for (int r = 0; r < l.h(); r++) {
                int u = (r + l.pbh()) / l.sh();
                int rho = (r + l.pbh()) % l.sh();
                if (u >= l.up()) {
                    continue;
                }
                for (int kappa = 0; kappa < l.sw(); kappa++) {
                    int phase = rho * l.sw() + kappa;
                    if (!l.used()[phase]) {
                        continue;
                    }
                    int q0 = Math.floorMod(kappa - l.pbw(), l.sw());
                    int v0 = (q0 + l.pbw()) / l.sw();
                    int n = Math.min(ceilDiv(l.w() - q0, l.sw()), l.vp() - v0);
                    if (n <= 0) {
                        continue;
                    }
                    long from = l.phaseBase(phase) + (long) c * l.phaseLen() + (long) u * l.vp() + v0;
                    blas.scatter(dp, (int) from, dxm, (int) (xb + ((long) c * l.h() + r) * l.w() + q0), l.sw(), n);
                }
            }
        }
    }
}
