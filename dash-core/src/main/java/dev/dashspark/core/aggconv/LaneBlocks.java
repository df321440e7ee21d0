package dev.dashspark.core.aggconv;

import dev.dashspark.core.fft.Lanes;
import dev.dashspark.core.util.Flat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The data movement and spectral arithmetic of {@link FftStrategy}: activations in and out of {@link Lanes} blocks,
 * products of spectra, and the per-thread scratch blocks. Every loop over lanes is a plain indexed loop over one
 * point's arrays, which the JIT vectorises.
 *
 * <p>A block holds one channel of up to {@link FftStrategy#MAX_LANES} batch pairs: lane l of block {@code blk} is
 * pair q = blk·lanes + l, batch element 2q in the real parts and 2q + 1 in the imaginary parts.
 */
final class LaneBlocks {
    private LaneBlocks() {
    }

    /**
     * Kernel spectra with one kernel row per lane, in chunks of at most {@link FftStrategy#MAX_LANES} lanes: row r
     * is lane r mod MAX_LANES of chunk r / MAX_LANES.
     */
    record Spectra(Lanes[] chunks) {
        double re(int row, int p) {
            return chunks[row / FftStrategy.MAX_LANES].re(p)[row % FftStrategy.MAX_LANES];
        }

        double im(int row, int p) {
            return chunks[row / FftStrategy.MAX_LANES].im(p)[row % FftStrategy.MAX_LANES];
        }

        /** Sets row {@code row} from real parts at [0, points) and imaginary parts at [points, 2·points). */
        void set(int row, double[] values) {
            Lanes chunk = chunks[row / FftStrategy.MAX_LANES];
            int lane = row % FftStrategy.MAX_LANES;
            int points = chunk.points();
            for (int p = 0; p < points; p++) {
                chunk.re(p)[lane] = values[p];
                chunk.im(p)[lane] = values[points + p];
            }
        }

        static Spectra allocate(int rows, int points) {
            Lanes[] chunks = new Lanes[(rows + FftStrategy.MAX_LANES - 1) / FftStrategy.MAX_LANES];
            for (int k = 0; k < chunks.length; k++) {
                chunks[k] = Lanes.allocate(points, Math.min(FftStrategy.MAX_LANES, rows - k * FftStrategy.MAX_LANES));
            }
            return new Spectra(chunks);
        }
    }

    /**
     * Loads channel {@code ch} of the pairs of block {@code blk} of a c-order (B, channels, rows, cols) array into
     * {@code x} at the grid's points, and zeroes every other point. Each grid row of every signal is read in one
     * bulk copy, then transposed point by point, so that each point's lanes are written together.
     */
    static void load(Flat src, int channels, int ch, int blk, FftStrategy.Geo g, FftStrategy.Grid grid, Lanes x) {
        int lanes = g.lanesIn(blk);
        x.use(lanes);
        zeroOutside(x, g, grid);
        int plane = grid.size();
        int cols = grid.cols();
        double[][] rows = ROWS.get().take(lanes, cols);
        for (int part = 0; part < 2; part++) {
            for (int r = 0; r < grid.rows(); r++) {
                for (int l = 0; l < lanes; l++) {
                    int b = 2 * (blk * g.lanes() + l) + part;
                    if (b < g.batch()) {
                        src.get((b * channels + ch) * plane + r * cols, rows[l], cols);
                    } else {
                        Arrays.fill(rows[l], 0, cols, 0.0);
                    }
                }
                transpose(rows, lanes, cols, x, part == 0, r * grid.rowStep() * g.n1(), grid.colStep(), 0.0, true);
            }
        }
    }

    /**
     * The inverse of {@link #load}: real parts to batch element 2q, imaginary parts to 2q + 1 (when it exists), plus
     * {@code offset}.
     */
    static void store(Lanes x, Flat dst, int channels, int ch, int blk, FftStrategy.Geo g, FftStrategy.Grid grid,
                      double offset) {
        int lanes = g.lanesIn(blk);
        int plane = grid.size();
        int cols = grid.cols();
        double[][] rows = ROWS.get().take(lanes, cols);
        for (int part = 0; part < 2; part++) {
            for (int r = 0; r < grid.rows(); r++) {
                transpose(rows, lanes, cols, x, part == 0, r * grid.rowStep() * g.n1(), grid.colStep(), offset, false);
                for (int l = 0; l < lanes; l++) {
                    int b = 2 * (blk * g.lanes() + l) + part;
                    if (b < g.batch()) {
                        dst.put((b * channels + ch) * plane + r * cols, rows[l], cols);
                    }
                }
            }
        }
    }

    /**
     * Between rows and points: lane l of point pos + c·step (its real or imaginary part) is rows[l][c], for l &lt; lanes
     * and c &lt; cols; {@code toPoints} copies rows into the points, else the points plus {@code offset} into the rows.
     * Done in 8 × 8 tiles, so that the lines of the eight points and the eight rows of a tile stay in L1 while it is
     * copied.
     */
    private static void transpose(double[][] rows, int lanes, int cols, Lanes x, boolean real, int pos, int step,
                                  double offset, boolean toPoints) {
        int c0 = 0;
        for (; c0 + 8 <= cols; c0 += 8) {
            int l0 = 0;
            for (; l0 + 8 <= lanes; l0 += 8) {
                double[] r0 = rows[l0];
                double[] r1 = rows[l0 + 1];
                double[] r2 = rows[l0 + 2];
                double[] r3 = rows[l0 + 3];
                double[] r4 = rows[l0 + 4];
                double[] r5 = rows[l0 + 5];
                double[] r6 = rows[l0 + 6];
                double[] r7 = rows[l0 + 7];
                for (int c = c0, p = pos + c0 * step; c < c0 + 8; c++, p += step) {
                    double[] d = real ? x.re(p) : x.im(p);
                    if (toPoints) {
                        d[l0] = r0[c];
                        d[l0 + 1] = r1[c];
                        d[l0 + 2] = r2[c];
                        d[l0 + 3] = r3[c];
                        d[l0 + 4] = r4[c];
                        d[l0 + 5] = r5[c];
                        d[l0 + 6] = r6[c];
                        d[l0 + 7] = r7[c];
                    } else {
                        r0[c] = d[l0] + offset;
                        r1[c] = d[l0 + 1] + offset;
                        r2[c] = d[l0 + 2] + offset;
                        r3[c] = d[l0 + 3] + offset;
                        r4[c] = d[l0 + 4] + offset;
                        r5[c] = d[l0 + 5] + offset;
                        r6[c] = d[l0 + 6] + offset;
                        r7[c] = d[l0 + 7] + offset;
                    }
                }
            }
            copy(rows, l0, lanes, c0, c0 + 8, x, real, pos, step, offset, toPoints);
        }
        copy(rows, 0, lanes, c0, cols, x, real, pos, step, offset, toPoints);
    }

    /** {@link #transpose} one element at a time, for lanes [l0, l1) and columns [c0, c1). */
    private static void copy(double[][] rows, int l0, int l1, int c0, int c1, Lanes x, boolean real, int pos,
                             int step, double offset, boolean toPoints) {
        for (int c = c0, p = pos + c0 * step; c < c1; c++, p += step) {
            double[] d = real ? x.re(p) : x.im(p);
            for (int l = l0; l < l1; l++) {
                if (toPoints) {
                    d[l] = rows[l][c];
                } else {
                    rows[l][c] = d[l] + offset;
                }
            }
        }
    }

    /** Zeroes the lanes in use of every point of {@code x} that is not on the grid. */
    private static void zeroOutside(Lanes x, FftStrategy.Geo g, FftStrategy.Grid grid) {
        int n0 = g.n0();
        int n1 = g.n1();
        for (int r = 0; r < n0; r++) {
            boolean gridRow = r % grid.rowStep() == 0 && r / grid.rowStep() < grid.rows();
            if (!gridRow) {
                x.zero(r * n1, (r + 1) * n1);
                continue;
            }
            int end = (grid.cols() - 1) * grid.colStep() + 1;
            if (grid.colStep() > 1) {
                for (int c = 0; c < end; c++) {
                    if (c % grid.colStep() != 0) {
                        x.zero(r * n1 + c, r * n1 + c + 1);
                    }
                }
            }
            x.zero(r * n1 + end, (r + 1) * n1);
        }
    }

    /** y = x·H[row] at every point. */
    static void multiply(Lanes x, Spectra h, int row, Lanes y) {
        int lanes = x.lanes();
        y.use(lanes);
        for (int p = 0; p < x.points(); p++) {
            multiply(x.re(p), x.im(p), h.re(row, p), h.im(row, p), y.re(p), y.im(p), lanes);
        }
    }

    /** y = x·(hr + i·hi) over the lanes; y may be x. */
    private static void multiply(double[] xr, double[] xi, double hr, double hi, double[] yr, double[] yi, int lanes) {
        for (int l = 0; l < lanes; l++) {
            double a = xr[l];
            double b = xi[l];
            yr[l] = a * hr - b * hi;
            yi[l] = a * hi + b * hr;
        }
    }

    /**
     * The depthwise backward pass on one block, point by point while the point is in L1: acc[p] += Σ_lanes
     * conj(x[p])·g[p] (real parts at [0, points), imaginary parts at [points, 2·points)), then g[p] ← g[p]·conj(H[row]).
     * Even and odd lanes are summed separately, for two independent chains of additions.
     */
    static void correlateAndMultiplyConjugate(Lanes x, Lanes g, Spectra h, int row, double[] acc) {
        int lanes = g.lanes();
        int points = g.points();
        for (int p = 0; p < points; p++) {
            double[] xr = x.re(p);
            double[] xi = x.im(p);
            double[] gr = g.re(p);
            double[] gi = g.im(p);
            double r0 = 0;
            double i0 = 0;
            double r1 = 0;
            double i1 = 0;
            int l = 0;
            for (; l + 1 < lanes; l += 2) {
                r0 += xr[l] * gr[l] + xi[l] * gi[l];
                i0 += xr[l] * gi[l] - xi[l] * gr[l];
                r1 += xr[l + 1] * gr[l + 1] + xi[l + 1] * gi[l + 1];
                i1 += xr[l + 1] * gi[l + 1] - xi[l + 1] * gr[l + 1];
            }
            if (l < lanes) {
                r0 += xr[l] * gr[l] + xi[l] * gi[l];
                i0 += xr[l] * gi[l] - xi[l] * gr[l];
            }
            acc[p] += r0 + r1;
            acc[points + p] += i0 + i1;
            multiply(gr, gi, h.re(row, p), -h.im(row, p), gr, gi, lanes);
        }
    }

    /**
     * Copies block {@code blk} of channel {@code ch} into a c-order (points, 2·channels, pairs) product operand:
     * real parts to row ch, imaginary parts to row channels + ch, lanes to columns blk·lanes….
     */
    static void toProduct(Lanes b, int channels, int ch, int blk, FftStrategy.Geo g, Flat dst) {
        int lanes = b.lanes();
        int pairs = g.pairs();
        int col = blk * g.lanes();
        for (int p = 0; p < b.points(); p++) {
            int row = p * 2 * channels + ch;
            dst.put(row * pairs + col, b.re(p), lanes);
            dst.put((row + channels) * pairs + col, b.im(p), lanes);
        }
    }

    /** The inverse of {@link #toProduct}. */
    static void fromProduct(Flat src, int channels, int ch, int blk, FftStrategy.Geo g, Lanes b) {
        int lanes = g.lanesIn(blk);
        b.use(lanes);
        int pairs = g.pairs();
        int col = blk * g.lanes();
        for (int p = 0; p < b.points(); p++) {
            int row = p * 2 * channels + ch;
            src.get(row * pairs + col, b.re(p), lanes);
            src.get((row + channels) * pairs + col, b.im(p), lanes);
        }
    }

    /** Σ of the DC terms over the lanes: re + im of point 0 is the sum of both batch elements of a pair. */
    static double dcSum(Lanes g) {
        double s = 0;
        double[] re = g.re(0);
        double[] im = g.im(0);
        for (int l = 0; l < g.lanes(); l++) {
            s += re[l] + im[l];
        }
        return s;
    }

    /**
     * This thread's scratch block {@code slot} of {@code points} points with room for at least {@code lanes} lanes
     * (a block grows to the most lanes it has been asked for, so a small batch never holds a 64-lane block).
     */
    static Lanes scratch(int points, int slot, int lanes) {
        Map<Long, Lanes> mine = SCRATCH.get();
        long key = ((long) points << 8) | slot;
        Lanes b = mine.get(key);
        if (b == null || b.capacity() < lanes) {
            b = Lanes.allocate(points, lanes);
            mine.put(key, b);
        }
        return b;
    }

    private static final ThreadLocal<Map<Long, Lanes>> SCRATCH = ThreadLocal.withInitial(HashMap::new);

    /** Per-thread rows, one per lane, for {@link #load} and {@link #store}. */
    private static final ThreadLocal<Rows> ROWS = ThreadLocal.withInitial(Rows::new);

    private static final class Rows {
        private double[][] rows = new double[1][1];

        double[][] take(int lanes, int cols) {
            if (rows.length < lanes || rows[0].length < cols) {
                rows = new double[Math.max(lanes, rows.length)][Math.max(cols, rows[0].length)];
            }
            return rows;
        }
    }
}
