package dev.dashspark.core.fft;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pure-Java backend: {@link MixedRadixFft} on lengths 2^a·3^b. Plans are immutable and shared by all threads.
 */
public final class MixedRadixBackend implements FftBackend {
    static final String ID = "java";
    static final MixedRadixBackend INSTANCE = new MixedRadixBackend();

    /**
     * Cost of one radix-3 pass relative to a radix-2 pass, per point: 3–4.4 in the per-core throughput lines of
     * {@code bench aggconv} on the 2-core machine of BENCHMARKS.md (1536 = 3·2⁹ points took 3.6–3.7 µs per signal,
     * 1024 points 1.8–1.9, 2048 points 4.2); docs/fft.md.
     */
    static final double RADIX3_COST = 3.5;

    private final Map<Long, LaneFft> plans = new ConcurrentHashMap<>();

    private MixedRadixBackend() {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public LaneFft plan(int rows, int cols) {
        FftBackend.checkSize(rows, cols);
        if (!MixedRadixFft.supports(rows) || !MixedRadixFft.supports(cols)) {
            throw new IllegalArgumentException("FFT size must be 2^a·3^b on each axis (see fastLength), got "
                    + rows + "×" + cols);
        }
        return plans.computeIfAbsent(((long) rows << 32) | cols, k -> new MixedRadixFft(rows, cols));
    }

    /** The cheapest 2^a·3^b ≥ n by {@link #cost}. */
    @Override
    public int fastLength(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("length must be ≥ 1, got " + n);
        }
        int best = 0;
        for (long p3 = 1; p3 < 2L * n; p3 *= 3) {
            long m = p3;
            while (m < n) {
                m *= 2;
            }
            if (m <= Integer.MAX_VALUE && (best == 0 || cost((int) m) < cost(best))) {
                best = (int) m;
            }
        }
        return best;
    }

    /** The cost model of a length m = 2^a·3^b: m·(a + {@link #RADIX3_COST}·b), radix-2 passes per point. */
    static double cost(int m) {
        int a = Integer.numberOfTrailingZeros(m);
        int b = 0;
        for (int r = m >> a; r > 1; r /= 3) {
            b++;
        }
        return m * (a + RADIX3_COST * b);
    }
}
