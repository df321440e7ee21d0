package dev.dashspark.core.task;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Small deterministic tasks for tests and smoke runs, generated from a seed with {@link SplittableRandom} only (no
 * ND4J or global RNG): the same (name, parameters, seed) gives identical arrays on every JVM. The root generator
 * {@code new SplittableRandom(seed)} is {@code split()} once per split, in the order train, val, test, so a split
 * does not depend on the sizes of the others. Arrays are float32.
 *
 * <p>Every generator takes {@code train}, {@code val} (0 = no validation split) and {@code test} sample counts,
 * plus its own parameters below; unknown parameters and out-of-range values are rejected naming the generator,
 * the parameter and the value.
 * <ul>
 *   <li><b>{@code long-lag}</b> (1D, 1 channel, length {@code length} = 256; 2 classes; defaults 512/128/256
 *       samples). Parameters {@code lag} τ = 96 (1 ≤ τ &lt; length), {@code pairs} = 4, {@code amplitude} = 3.
 *       x[t] ~ N(0, 1), then {@code pairs} planted pairs: at a uniform t₀ ∈ [0, L − τ) and a random sign s,
 *       x[t₀] = s·amplitude and x[t₀ + τ] = ±s·amplitude (+ for class 1, − for class 0). The label is by definition
 *       {@code [S(x) > 0]} with the lag-τ sum {@code S(x) = Σ_{t < L−τ} x[t]·x[t+τ]} (computed on the stored
 *       float values); a draw whose S disagrees with its target class, or has |S| ≤ 1e-6, is redrawn, so labels are
 *       exactly balanced (⌈n/2⌉ class 0, ⌊n/2⌋ class 1). <i>Why only a receptive field of τ + 1 samples can solve
 *       it:</i> negating every x[t] with t ≡ r (mod τ), for any residue r, keeps S and the distribution, so within
 *       any window of ≤ τ consecutive samples (all residues distinct) the class-conditional distribution is
 *       invariant under every sign pattern; and negating x on alternate blocks of τ samples,
 *       {@code x[t]·(−1)^⌊t/τ⌋}, maps S to −S and class 0 to class 1 exactly. Hence every window of ≤ τ samples
 *       has the same distribution in both classes, while S itself needs x[t] and x[t + τ] together.</li>
 *   <li><b>{@code motifs}</b> (1D, 1 channel, length {@code length} = 128 ≥ the longest stretched motif; 4 labels,
 *       multi-label; 512/128/256). Parameters {@code noise} σ = 0.3, {@code amplitude} = 1, {@code probability} =
 *       0.5, {@code stretch} = 1. x ~ N(0, σ²); label j is 1 with the given probability, and then
 *       {@code amplitude·MOTIF_j} is added at a uniform position, its m-th value at offset m·stretch (zeros between:
 *       the motif dilated by {@code stretch}); {@link #motifs()} lists the four fixed motifs (lengths 7, 6, 7, 5).
 *       <i>The known answer</i> with stretch s &gt; 1: a convolution with dilation s and a kernel as long as the motif
 *       matches a motif in one layer.</li>
 *   <li><b>{@code texture}</b> (2D, 1 channel, {@code height} × {@code width} = 16 × 16, each ≥ 4; 3 classes;
 *       192/48/96). Parameter {@code noise} σ = 0.5. With a period P ~ U[3, 6) and phases φ, ψ ~ U[0, 2π):
 *       class 0 horizontal stripes sin(2πi/P + φ) (constant along each row i), class 1 vertical stripes
 *       sin(2πj/P + φ), class 2 a checkerboard sgn sin(2πi/P + φ)·sgn sin(2πj/P + ψ); plus N(0, σ²) noise.
 *       Classes exactly balanced.</li>
 *   <li><b>{@code darcy}</b> (2D dense regression, 1 channel in and out, {@code size} × {@code size} = 16 × 16,
 *       size ≥ 3; 64/16/32). Parameters {@code smooth} = 2 (box-filter passes, 0–20), {@code low} = 1,
 *       {@code high} = 10 (each in [1e-6, 1e6]). The coefficient field is N(0, 1) noise smoothed by {@code smooth} passes of a
 *       3 × 3 mean filter (over the in-grid neighbours) and thresholded at 0: a = high above, low elsewhere. The
 *       output is the {@link DarcySolver} solution u of −∇·(a∇u) = 1, u = 0 on the boundary. x = a, y = u, both
 *       (B, 1, size, size).</li>
 *   <li><b>{@code spacing}</b> (1D, 1 channel, length {@code length} = 256; 2 classes; 512/128/256). Parameters
 *       {@code spacing} s = 7 (≥ 2), {@code triplets} = 6, {@code amplitude} = 2, {@code noise} σ = 1,
 *       {@code decoy} r = 1 (1 ≤ r &lt; s, 2(s + r) &lt; length). x ~ N(0, σ²); then {@code triplets} triplets of equal spikes ±amplitude
 *       (a random sign per triplet) at positions t, t + g, t + 2g, for a uniform t: g = s in class 1, and in class 0
 *       g = s ± u with u uniform in [1, r] and the sign uniform (near misses). Both classes have the same spikes,
 *       signs and marginal distribution at every position; only the exact distance between the spikes of a triplet
 *       tells them apart. <i>The known answer:</i> a convolution whose taps lie s apart (dilation s, kernel ≥ 3)
 *       matches a class-1 triplet exactly in one layer (response ±3·amplitude, against ±amplitude for a near miss); a
 *       stack of small dilations reaches the same distances only through a composition that must not blur s with
 *       s ± 1.</li>
 * </ul>
 */
public final class SyntheticTasks {

    /** The generator names. */
    public static final List<String> NAMES = List.of("long-lag", "motifs", "texture", "darcy", "spacing");

    private static final double[][] MOTIFS = {
            {1, -1, 1, -1, 1, -1, 1},
            {1, 1, 1, -1, -1, -1},
            {1, 0, 0, 1, 0, 0, 1},
            {-1, -0.5, 0, 0.5, 1}};

    private static final List<String> COUNTS = List.of("train", "val", "test");

    /** Relative residual the darcy solutions are solved to. */
    public static final double DARCY_TOLERANCE = 1e-12;

    private SyntheticTasks() {
    }

    /**
     * What a generator produces for given parameters, in {@link TaskSpec} terms.
     *
     * @param dims       1 or 2
     * @param channels   input channels
     * @param shape      spatial input shape
     * @param outputKind output kind
     * @param numOutputs classes, labels or dense output channels
     */
    public record Layout(int dims, int channels, int[] shape, OutputKind outputKind, int numOutputs) {

        public Layout {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** E.g. {@code dims 1, channels 1, shape [256], output classes, outputs 2}. */
        public String describe() {
            return "dims " + dims + ", channels " + channels + ", shape " + Arrays.toString(shape) + ", output "
                    + outputKind.configName() + ", outputs " + numOutputs;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Layout l && describe().equals(l.describe());
        }

        @Override
        public int hashCode() {
            return describe().hashCode();
        }

        @Override
        public String toString() {
            return "Layout[" + describe() + "]";
        }
    }

    /** The four {@code motifs} patterns (copies). */
    public static double[][] motifs() {
        double[][] out = new double[MOTIFS.length][];
        for (int i = 0; i < MOTIFS.length; i++) {
            out[i] = MOTIFS[i].clone();
        }
        return out;
    }

    /**
     * Validates {@code params} for generator {@code name} and returns what it produces.
     *
     * @throws IllegalArgumentException for an unknown generator, an unknown parameter or a bad value
     */
    public static Layout layout(String name, Map<String, String> params) {
        Params p = Params.of(name, params);
        return switch (name) {
            case "long-lag" -> {
                LongLag g = LongLag.of(p);
                yield new Layout(1, 1, new int[]{g.length}, OutputKind.CLASSES, 2);
            }
            case "motifs" -> new Layout(1, 1, new int[]{Motifs.of(p).length}, OutputKind.MULTI_LABEL, MOTIFS.length);
            case "texture" -> {
                Texture g = Texture.of(p);
                yield new Layout(2, 1, new int[]{g.height, g.width}, OutputKind.CLASSES, 3);
            }
            case "spacing" -> new Layout(1, 1, new int[]{Spacing.of(p).length}, OutputKind.CLASSES, 2);
            default -> { // darcy: Params.of rejected unknown names
                Darcy g = Darcy.of(p);
                yield new Layout(2, 1, new int[]{g.size, g.size}, OutputKind.DENSE, 1);
            }
        };
    }

    /** Generates the task of a synthetic {@link TaskSpec} and checks it against the spec. */
    public static TaskData generate(TaskSpec spec, long seed) {
        if (spec.synthetic() == null) {
            throw new IllegalArgumentException("task '" + spec.name() + "': synthetic: not a synthetic task");
        }
        return generate(spec.synthetic(), spec.syntheticParams(), seed).checkAgainst(spec);
    }

    /** Generates task {@code name} with {@code params} (missing ones take their defaults) from {@code seed}. */
    public static TaskData generate(String name, Map<String, String> params, long seed) {
        Params p = Params.of(name, params);
        Sampler sampler = switch (name) {
            case "long-lag" -> LongLag.of(p);
            case "motifs" -> Motifs.of(p);
            case "texture" -> Texture.of(p);
            case "spacing" -> Spacing.of(p);
            default -> Darcy.of(p);
        };
        int[] counts = switch (name) {
            case "texture" -> new int[]{192, 48, 96};
            case "darcy" -> new int[]{64, 16, 32};
            default -> new int[]{512, 128, 256};
        };
        int train = p.integer("train", counts[0], 1, Integer.MAX_VALUE);
        int val = p.integer("val", counts[1], 0, Integer.MAX_VALUE);
        int test = p.integer("test", counts[2], 1, Integer.MAX_VALUE);
        SplittableRandom root = new SplittableRandom(seed);
        INDArray[] tr = sampler.sample(train, root.split());
        SplittableRandom valRng = root.split();
        INDArray[] va = val == 0 ? new INDArray[2] : sampler.sample(val, valRng);
        INDArray[] te = sampler.sample(test, root.split());
        return new TaskData(tr[0], tr[1], va[0], va[1], te[0], te[1]);
    }

    /** Draws n samples: {x, y}. */
    private interface Sampler {
        INDArray[] sample(int n, SplittableRandom rng);
    }

    private record LongLag(int length, int lag, int pairs, double amplitude) implements Sampler {
        static LongLag of(Params p) {
            int length = p.integer("length", 256, 2, 1 << 20);
            int lag = p.integer("lag", 96, 1, length - 1);
            return new LongLag(length, lag, p.integer("pairs", 4, 0, 1 << 16),
                    p.real("amplitude", 3.0, 0, 1e3));
        }

        @Override
        public INDArray[] sample(int n, SplittableRandom rng) {
            int[] labels = balanced(n, 2, rng);
            float[] x = new float[n * length];
            float[] s = new float[length];
            for (int i = 0; i < n; i++) {
                int y = labels[i];
                for (int attempt = 0; ; attempt++) {
                    if (attempt == 100_000) {
                        throw new IllegalStateException("long-lag: no sample of class " + y + " in 100000 draws");
                    }
                    for (int t = 0; t < length; t++) {
                        s[t] = (float) rng.nextGaussian();
                    }
                    for (int j = 0; j < pairs; j++) {
                        int t0 = rng.nextInt(length - lag);
                        double sign = rng.nextBoolean() ? 1 : -1;
                        s[t0] = (float) (sign * amplitude);
                        s[t0 + lag] = (float) (sign * amplitude * (2 * y - 1));
                    }
                    double sum = lagSum(s, 0, length, lag);
                    if (y == 1 ? sum > 1e-6 : sum < -1e-6) {
                        break;
                    }
                }
                System.arraycopy(s, 0, x, i * length, length);
            }
            return new INDArray[]{Nd4j.create(x, new long[]{n, 1, length}, 'c'), oneHot(labels, 2)};
        }
    }

    private record Spacing(int length, int spacing, int triplets, double amplitude, double noise, int decoy)
            implements Sampler {
        static Spacing of(Params p) {
            int length = p.integer("length", 256, 7, 1 << 20);
            int spacing = p.integer("spacing", 7, 2, (length - 1) / 2 - 1);
            // the widest class-0 triplet, 2·(s + r) + 1 samples, must fit in the series
            int decoy = p.integer("decoy", 1, 1, Math.min(spacing - 1, (length - 1) / 2 - spacing));
            return new Spacing(length, spacing, p.integer("triplets", 6, 1, 1 << 16), p.real("amplitude", 2.0, 0, 1e3),
                    p.real("noise", 1.0, 0, 1e3), decoy);
        }

        @Override
        public INDArray[] sample(int n, SplittableRandom rng) {
            int[] labels = balanced(n, 2, rng);
            float[] x = new float[n * length];
            for (int i = 0; i < n; i++) {
                int off = i * length;
                for (int t = 0; t < length; t++) {
                    x[off + t] = (float) (noise * rng.nextGaussian());
                }
                for (int j = 0; j < triplets; j++) {
                    int g = spacing;
                    if (labels[i] == 0) {
                        int u = 1 + rng.nextInt(decoy);
                        g = rng.nextBoolean() ? spacing + u : spacing - u;
                    }
                    int t0 = rng.nextInt(length - 2 * g);
                    float v = (float) ((rng.nextBoolean() ? 1 : -1) * amplitude);
                    for (int r = 0; r < 3; r++) {
                        x[off + t0 + r * g] += v;
                    }
                }
            }
            return new INDArray[]{Nd4j.create(x, new long[]{n, 1, length}, 'c'), oneHot(labels, 2)};
        }
    }

    /** {@code Σ_{t < L−lag} x[off+t]·x[off+t+lag]} in float64: the {@code long-lag} statistic. */
    static double lagSum(float[] x, int off, int length, int lag) {
        double sum = 0;
        for (int t = 0; t + lag < length; t++) {
            sum += (double) x[off + t] * x[off + t + lag];
        }
        return sum;
    }

    private record Motifs(int length, double noise, double amplitude, double probability, int stretch)
            implements Sampler {
        static Motifs of(Params p) {
            int stretch = p.integer("stretch", 1, 1, 1 << 10);
            int maxLen = (Arrays.stream(MOTIFS).mapToInt(m -> m.length).max().orElseThrow() - 1) * stretch + 1;
            return new Motifs(p.integer("length", 128, maxLen, 1 << 20), p.real("noise", 0.3, 0, 1e3),
                    p.real("amplitude", 1.0, 0, 1e3), p.real("probability", 0.5, 0, 1), stretch);
        }

        @Override
        public INDArray[] sample(int n, SplittableRandom rng) {
            int k = MOTIFS.length;
            float[] x = new float[n * length];
            float[] y = new float[n * k];
            double[] s = new double[length];
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < length; t++) {
                    s[t] = noise * rng.nextGaussian();
                }
                for (int j = 0; j < k; j++) {
                    if (rng.nextDouble() < probability) {
                        y[i * k + j] = 1f;
                        double[] m = MOTIFS[j];
                        int pos = rng.nextInt(length - (m.length - 1) * stretch);
                        for (int t = 0; t < m.length; t++) {
                            s[pos + t * stretch] += amplitude * m[t];
                        }
                    }
                }
                for (int t = 0; t < length; t++) {
                    x[i * length + t] = (float) s[t];
                }
            }
            return new INDArray[]{Nd4j.create(x, new long[]{n, 1, length}, 'c'), Nd4j.create(y, new long[]{n, k}, 'c')};
        }
    }

    private record Texture(int height, int width, double noise) implements Sampler {
        static Texture of(Params p) {
            return new Texture(p.integer("height", 16, 4, 4096), p.integer("width", 16, 4, 4096),
                    p.real("noise", 0.5, 0, 1e3));
        }

        @Override
        public INDArray[] sample(int n, SplittableRandom rng) {
            int[] labels = balanced(n, 3, rng);
            int hw = height * width;
            float[] x = new float[n * hw];
            for (int b = 0; b < n; b++) {
                double period = 3 + 3 * rng.nextDouble();
                double phi = 2 * Math.PI * rng.nextDouble();
                double psi = 2 * Math.PI * rng.nextDouble();
                double w = 2 * Math.PI / period;
                for (int i = 0; i < height; i++) {
                    for (int j = 0; j < width; j++) {
                        double v = switch (labels[b]) {
                            case 0 -> Math.sin(w * i + phi);
                            case 1 -> Math.sin(w * j + phi);
                            default -> sgn(Math.sin(w * i + phi)) * sgn(Math.sin(w * j + psi));
                        };
                        x[b * hw + i * width + j] = (float) (v + noise * rng.nextGaussian());
                    }
                }
            }
            return new INDArray[]{Nd4j.create(x, new long[]{n, 1, height, width}, 'c'), oneHot(labels, 3)};
        }

        private static double sgn(double v) {
            return v >= 0 ? 1 : -1;
        }
    }

    private record Darcy(int size, int smooth, double low, double high) implements Sampler {
        static Darcy of(Params p) {
            return new Darcy(p.integer("size", 16, 3, 512), p.integer("smooth", 2, 0, 20),
                    p.real("low", 1.0, 1e-6, 1e6), p.real("high", 10.0, 1e-6, 1e6));
        }

        @Override
        public INDArray[] sample(int n, SplittableRandom rng) {
            int nn = size * size;
            float[] x = new float[n * nn];
            float[] y = new float[n * nn];
            for (int b = 0; b < n; b++) {
                double[][] a = coefficient(rng);
                double[][] u = DarcySolver.solve(a, DARCY_TOLERANCE);
                for (int i = 0; i < size; i++) {
                    for (int j = 0; j < size; j++) {
                        x[b * nn + i * size + j] = (float) a[i][j];
                        y[b * nn + i * size + j] = (float) u[i][j];
                    }
                }
            }
            long[] shape = {n, 1, size, size};
            return new INDArray[]{Nd4j.create(x, shape, 'c'), Nd4j.create(y, shape, 'c')};
        }

        private double[][] coefficient(SplittableRandom rng) {
            double[][] z = new double[size][size];
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    z[i][j] = rng.nextGaussian();
                }
            }
            for (int pass = 0; pass < smooth; pass++) {
                double[][] t = new double[size][size];
                for (int i = 0; i < size; i++) {
                    for (int j = 0; j < size; j++) {
                        double s = 0;
                        int c = 0;
                        for (int di = -1; di <= 1; di++) {
                            for (int dj = -1; dj <= 1; dj++) {
                                int ii = i + di;
                                int jj = j + dj;
                                if (ii >= 0 && jj >= 0 && ii < size && jj < size) {
                                    s += z[ii][jj];
                                    c++;
                                }
                            }
                        }
                        t[i][j] = s / c;
                    }
                }
                z = t;
            }
            double[][] a = new double[size][size];
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    a[i][j] = z[i][j] > 0 ? high : low;
                }
            }
            return a;
        }
    }

    /** n labels in [0, k), each class ⌊n/k⌋ or ⌈n/k⌉ times, in shuffled order. */
    private static int[] balanced(int n, int k, SplittableRandom rng) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % k;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = labels[i];
            labels[i] = labels[j];
            labels[j] = t;
        }
        return labels;
    }

    private static INDArray oneHot(int[] labels, int k) {
        float[] y = new float[labels.length * k];
        for (int i = 0; i < labels.length; i++) {
            y[i * k + labels[i]] = 1f;
        }
        return Nd4j.create(y, new long[]{labels.length, k}, 'c');
    }

    /** Parameter access with defaults, ranges and errors naming generator, parameter and value. */
    private record Params(String generator, Map<String, String> raw) {

        static Params of(String name, Map<String, String> raw) {
            if (name == null || !NAMES.contains(name)) {
                throw new IllegalArgumentException("synthetic: unknown generator '" + name + "'; expected one of "
                        + NAMES);
            }
            Map<String, String> params = raw == null ? Map.of() : raw;
            Set<String> known = new TreeSet<>(COUNTS);
            known.addAll(switch (name) {
                case "long-lag" -> List.of("length", "lag", "pairs", "amplitude");
                case "motifs" -> List.of("length", "noise", "amplitude", "probability", "stretch");
                case "texture" -> List.of("height", "width", "noise");
                case "spacing" -> List.of("length", "spacing", "triplets", "amplitude", "noise", "decoy");
                default -> List.of("size", "smooth", "low", "high");
            });
            for (String key : params.keySet()) {
                if (!known.contains(key)) {
                    throw new IllegalArgumentException("synthetic '" + name + "': unknown parameter '" + key
                            + "'; expected one of " + known);
                }
            }
            Params p = new Params(name, params);
            for (String c : COUNTS) { // validate counts up front, so layout() rejects them too
                p.integer(c, 1, c.equals("val") ? 0 : 1, Integer.MAX_VALUE);
            }
            return p;
        }

        int integer(String key, int def, int min, int max) {
            String v = raw.get(key);
            if (v == null) {
                return def;
            }
            int x;
            try {
                x = Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(at(key) + "'" + v + "' is not an integer", e);
            }
            if (x < min || x > max) {
                throw new IllegalArgumentException(at(key) + x + " must be in [" + min + ", " + max + "]"
                        + (key.equals("lag") ? " (below length " + (max + 1) + ")" : ""));
            }
            return x;
        }

        double real(String key, double def, double min, double max) {
            String v = raw.get(key);
            if (v == null) {
                return def;
            }
            double x;
            try {
                x = Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(at(key) + "'" + v + "' is not a number", e);
            }
            if (!(x >= min && x <= max)) {
                throw new IllegalArgumentException(at(key) + x + " must be in [" + min + ", " + max + "]");
            }
            return x;
        }

        private String at(String key) {
            return "synthetic '" + generator + "': " + key + ": ";
        }
    }
}
