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
 * the next row's values). Rows i whose phase row lies wholly in the zero padding are skipped, and so are taps none
 * of whose output columns sees data (exact: they add 0), which is where large dilations lose most of their taps.
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
                    // and columns: q = (j + τ)·s + κ − p ∈ [0, w); a tap no output column of which sees data adds 0
                    int j0 = Math.max(0, ceilDiv(pbw - kappa, sw) - tau);
                    int j1 = Math.min(ow, ceilDiv(w + pbw - kappa, sw) - tau);
                    if (i1 <= i0 || j1 <= j0) {
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

        /**
         * Whether the compact product ({@link ConvAlgorithm#IM2COL}) is expected to cost less than one product per
         * tap. The taps' products run over wide rows (OW + τ_max columns) of the rows some tap needs, with an inner
         * dimension of C (their output is re-read and re-written per tap: dearer per multiply-add when C is small);
         * the compact one runs over exactly OH·OW positions per tap with an inner dimension of taps·C, but copies its
         * columns in, and in backward adds them back (dearer when few output channels share the copy). The rule,
         * {@code (tap work / compact work)·(1 + 8/C) > 1.3·(1 + 16/O)}, was fitted to both measured on every layer
         * of the 2D bench networks (docs/convolution.md); the choice depends on the shapes alone, so a trial
         * reruns with the same arithmetic.
         */
        boolean prefersCompact() {
            if (g.depthwise() || direct || taps.length == 0) {
                return false;
            }
            double perTap = 0;
            for (Tap t : taps) {
                perTap += t.count();
            }
            double compact = (double) taps.length * oh * ow;
            return perTap / compact * (1 + 8.0 / cin()) > 1.3 * (1 + 16.0 / cout());
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
        Mem col;
        Mem dCol;

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
        Blas.singleThreaded();
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
        Blas.singleThreaded();
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
            allocateZeroed(blas, dwAcc, wCount);
            if (db != null) {
                allocateZeroed(blas, dbAcc, cout);
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
                sumBias(blas, dbAcc, db, cout);
            }
        } finally {
            closeAll(dwAcc);
            closeAll(dbAcc);
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

    // ---- the compact product (ConvAlgorithm.IM2COL) ----

    /** W (out, in, taps) → (out × [tap, in]) over the taps that see data, tap-major within a row. */
    private static Mem compactWeights(Blas blas, Layout l, Mem w) {
        int cout = l.cout();
        int cin = l.cin();
        int kc = l.taps().length * cin;
        Mem wc = blas.allocate((long) cout * kc);
        for (int o = 0; o < cout; o++) {
            for (int q = 0; q < l.taps().length; q++) {
                int tap = l.taps()[q].index();
                for (int c = 0; c < cin; c++) {
                    blas.set(wc, o * kc + q * cin + c, blas.get(w, (o * cin + c) * l.kernelTaps() + tap));
                }
            }
        }
        return wc;
    }

    /**
     * The columns of one sample: row (q, c) holds, for every output (i, j), the value tap q of channel c reads (from
     * the phase image, or from x in the no-copy case); rows of outputs whose read lies in the padding are zeros.
     */
    private static void fillColumns(Layout l, Blas blas, Mem src, long srcBase, Mem col) {
        int cin = l.cin();
        int n = l.oh() * l.ow();
        for (int q = 0; q < l.taps().length; q++) {
            Tap t = l.taps()[q];
            int i0 = t.n0() / l.vp();
            int i1 = t.n1() / l.vp();
            for (int c = 0; c < cin; c++) {
                int row = (q * cin + c) * n;
                long from = srcBase + l.phaseBase(t.phase()) + (long) c * l.phaseLen() + t.offset();
                blas.zero(col, row, (long) i0 * l.ow());
                for (int i = i0; i < i1; i++) {
                    blas.copy(src, (int) (from + (long) i * l.vp()), col, row + i * l.ow(), l.ow());
                }
                blas.zero(col, row + (long) i1 * l.ow(), (long) (l.oh() - i1) * l.ow());
            }
        }
    }

    /** The transpose of {@link #fillColumns}: every column value added back where it was read from. */
    private static void addColumns(Layout l, Blas blas, Mem dCol, Mem dst, long dstBase) {
        int cin = l.cin();
        int n = l.oh() * l.ow();
        for (int q = 0; q < l.taps().length; q++) {
            Tap t = l.taps()[q];
            for (int c = 0; c < cin; c++) {
                int row = (q * cin + c) * n;
                long to = dstBase + l.phaseBase(t.phase()) + (long) c * l.phaseLen() + t.offset();
                for (int i = t.n0() / l.vp(); i < t.n1() / l.vp(); i++) {
                    blas.add(dCol, row + i * l.ow(), dst, (int) (to + (long) i * l.vp()), l.ow());
                }
            }
        }
    }

    static void forwardCompact(ConvGeometry g, Blas blas, INDArray x, INDArray w, INDArray bias, INDArray y) {
        Blas.singleThreaded();
        Layout l = Layout.of(g, x.shape());
        Mem xm = blas.wrap(x);
        Mem ym = blas.wrap(y);
        Mem bm = bias == null ? null : blas.wrap(bias);
        int n = l.oh() * l.ow();
        int kc = l.taps().length * l.cin();
        try (Mem wc = compactWeights(blas, l, blas.wrap(w))) {
            int chunks = chunks(l.batch());
            Parallel.forRange(chunks, ch -> {
                Scratch s = scratch(blas);
                for (int b = chunkStart(ch, chunks, l.batch()); b < chunkStart(ch + 1, chunks, l.batch()); b++) {
                    long yb = (long) b * l.cout() * n;
                    Mem src = source(l, blas, s, xm, b);
                    long srcBase = src == xm ? (long) b * l.cin() * l.h() * l.w() : 0;
                    if (bm != null) {
                        blas.gemm(false, false, l.cout(), n, 1, bm, 0, 1, s.ones(n), 0, n, 0.0, ym, yb, n);
                    } else {
                        blas.zero(ym, yb, (long) l.cout() * n);
                    }
                    if (kc > 0) {
                        s.col = s.grow(s.col, (long) kc * n);
                        fillColumns(l, blas, src, srcBase, s.col);
                        blas.gemm(false, false, l.cout(), n, kc, wc, 0, kc, s.col, 0, n, 1.0, ym, yb, n);
                    }
                }
            });
        }
    }

    /** The phase images of sample b in the scratch, or x itself in the no-copy case. */
    private static Mem source(Layout l, Blas blas, Scratch s, Mem xm, int b) {
        if (l.direct()) {
            return xm;
        }
        s.phases = s.grow(s.phases, (long) l.sh() * l.sw() * l.cin() * l.phaseLen());
        buildPhases(l, blas, xm, (long) b * l.cin() * l.h() * l.w(), s.phases);
        return s.phases;
    }

    static void backwardCompact(ConvGeometry g, Blas blas, INDArray x, INDArray w, INDArray dy, INDArray dx,
                                INDArray dw, INDArray db) {
        Blas.singleThreaded();
        Layout l = Layout.of(g, x.shape());
        Mem xm = blas.wrap(x);
        Mem dym = blas.wrap(dy);
        Mem dxm = dx == null ? null : blas.wrap(dx);
        int cout = l.cout();
        int cin = l.cin();
        int n = l.oh() * l.ow();
        int kc = l.taps().length * cin;
        int chunks = chunks(l.batch());
        Mem[] dwAcc = new Mem[chunks];
        Mem[] dbAcc = new Mem[chunks];
        try (Mem wc = compactWeights(blas, l, blas.wrap(w))) {
            allocateZeroed(blas, dwAcc, (long) cout * kc);
            if (db != null) {
                allocateZeroed(blas, dbAcc, cout);
            }
            Parallel.forRange(chunks, ch -> {
                Scratch s = scratch(blas);
                for (int b = chunkStart(ch, chunks, l.batch()); b < chunkStart(ch + 1, chunks, l.batch()); b++) {
                    long xb = (long) b * cin * l.h() * l.w();
                    long yb = (long) b * cout * n;
                    if (dbAcc[ch] != null) {
                        blas.gemvAdd(cout, n, dym, yb, n, s.ones(n), 0, dbAcc[ch], 0);
                    }
                    if (kc == 0) {
                        if (dxm != null) {
                            blas.zero(dxm, xb, (long) cin * l.h() * l.w());
                        }
                        continue;
                    }
                    Mem src = source(l, blas, s, xm, b);
                    s.col = s.grow(s.col, (long) kc * n);
                    fillColumns(l, blas, src, src == xm ? xb : 0, s.col);
                    blas.gemm(false, true, cout, kc, n, dym, yb, n, s.col, 0, n, 1.0, dwAcc[ch], 0, kc);
                    if (dxm != null) {
                        s.dCol = s.grow(s.dCol, (long) kc * n);
                        blas.gemm(true, false, kc, n, cout, wc, 0, kc, dym, yb, n, 0.0, s.dCol, 0, n);
                        if (l.direct()) {
                            blas.zero(dxm, xb, (long) cin * l.h() * l.w());
                            addColumns(l, blas, s.dCol, dxm, xb);
                        } else {
                            s.dPhases = s.grow(s.dPhases, (long) l.sh() * l.sw() * cin * l.phaseLen());
                            for (int phase = 0; phase < l.used().length; phase++) {
                                if (l.used()[phase]) {
                                    blas.zero(s.dPhases, l.phaseBase(phase), (long) cin * l.phaseLen());
                                }
                            }
                            addColumns(l, blas, s.dCol, s.dPhases, 0);
                            gatherInputGradient(l, blas, s.dPhases, dxm, xb);
                        }
                    }
                }
            });
            Mem dwm = blas.wrap(dw);
            blas.zero(dwm, 0, dwm.length);
            for (int o = 0; o < cout; o++) {
                for (int q = 0; q < l.taps().length; q++) {
                    int tap = l.taps()[q].index();
                    for (int c = 0; c < cin; c++) {
                        double sum = 0;
                        for (Mem acc : dwAcc) {
                            sum += blas.get(acc, o * kc + q * cin + c);
                        }
                        blas.set(dwm, (o * cin + c) * l.kernelTaps() + tap, sum);
                    }
                }
            }
            if (db != null) {
                sumBias(blas, dbAcc, db, cout);
            }
        } finally {
            closeAll(dwAcc);
            closeAll(dbAcc);
        }
    }

    /** Fills {@code into} with per-chunk accumulators of {@code length} zeros (those allocated are closed by {@link #closeAll}). */
    private static void allocateZeroed(Blas blas, Mem[] into, long length) {
        for (int ch = 0; ch < into.length; ch++) {
            into[ch] = blas.allocate(length);
            blas.zero(into[ch], 0, length);
        }
    }

    /** {@code db[o]} = the sum over chunks of the per-chunk bias-gradient accumulators. */
    private static void sumBias(Blas blas, Mem[] dbAcc, INDArray db, int cout) {
        Mem dbm = blas.wrap(db);
        for (int o = 0; o < cout; o++) {
            double sum = 0;
            for (Mem acc : dbAcc) {
                sum += blas.get(acc, o);
            }
            blas.set(dbm, o, sum);
        }
    }

    /** Closes every allocated accumulator. */
    private static void closeAll(Mem[] accumulators) {
        for (Mem m : accumulators) {
            if (m != null) {
                m.close();
            }
        }
    }
}
