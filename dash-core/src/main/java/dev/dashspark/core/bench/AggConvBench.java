package dev.dashspark.core.bench;

import dev.dashspark.core.aggconv.SearchSpace;
import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.backbone.ResNet1D;
import dev.dashspark.core.fft.FftBackend;
import dev.dashspark.core.fft.LaneFft;
import dev.dashspark.core.fft.Lanes;
import dev.dashspark.core.util.Parallel;
import dev.dashspark.core.util.WorkCounter;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The DASH speed test (the reference's speed.py; BENCHMARKS.md) on the ResNet1D search backbone: one full SGD step (forward, backward,
 * update) per method and search-space point, on random inputs of shape (batch, 1, len).
 *
 * <pre>
 * bench aggconv --sweep kd|len [--points 1,2,...] [--methods fft,mixed-weights,mixed-results]
 *               [--steps N] [--warmup N] [--batch B]
 * </pre>
 * Sweep {@code kd}: len 1000, K = {3,5,…,15}[:i], D = {1,3,7,15,31,63,127}[:i], i = 1..7.
 * Sweep {@code len}: K = {3,…,11}, D = {1,3,7,15,31}, len = 2^(4+i), i = 1..7.
 * Stdout: CSV {@code method,K,D,len,batch,ms_per_step,cpu_ms_per_step} (K and D joined with '|'; the CPU time is
 * the whole process's, all threads, so it is steadier than wall time on a busy machine). Stderr: logs; the FFT
 * backend (system property {@code dash.fft}) and its measured throughput; per row the time spent inside the AggConv
 * layers and in the rest of the step (batch norms, shortcuts, head, updater); and for fft rows the step's own FFT
 * work and the time it needs at that throughput.
 */
public final class AggConvBench {
    private static final Logger LOG = LoggerFactory.getLogger(AggConvBench.class);
    static final String HEADER = "method,K,D,len,batch,ms_per_step,cpu_ms_per_step";
    private static final int[] KD_KERNELS = {3, 5, 7, 9, 11, 13, 15};
    private static final int[] KD_DILATIONS = {1, 3, 7, 15, 31, 63, 127};

    private AggConvBench() {
    }

    /** One point of a sweep. */
    record Point(int index, SearchSpace space, int length) {
    }

    /** What to time (parsed and checked by the {@code bench aggconv} command). */
    public record Options(String sweep, int[] points, List<Strategy> methods, int steps, int warmup, int batch) {
    }

    static Point point(String sweep, int i) {
        if ("kd".equals(sweep)) {
            return new Point(i, new SearchSpace(Arrays.copyOf(KD_KERNELS, i), Arrays.copyOf(KD_DILATIONS, i)), 1000);
        }
        return new Point(i, new SearchSpace(new int[]{3, 5, 7, 9, 11}, new int[]{1, 3, 7, 15, 31}), 1 << (4 + i));
    }

    public static void run(Options o, PrintStream out) {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Throughput hw = Throughput.measure();
        LOG.info("threads {}; FFT backend {}; measured throughput: FFT {} GFLOP/s (complex, 5n·log2 n)",
                Parallel.threads(), FftBackend.defaultBackend().id(), String.format("%.2f", hw.fftGflops()));
        for (String id : new String[]{"java", "jtransforms"}) {
            FftBackend backend = FftBackend.named(id);
            StringBuilder line = new StringBuilder();
            for (int n : new int[]{1024, 1536, 2048}) {
                if (backend.fastLength(n) == n) {
                    line.append(String.format(" %d: %.2f", n, Throughput.perCore(backend, n)));
                }
            }
            LOG.info("FFT per core, {} backend (one thread's CPU time, 64 signals, GFLOP/s):{}", id, line);
        }
        out.println(HEADER);
        out.flush();
        for (int i : o.points()) {
            Point p = point(o.sweep(), i);
            for (Strategy m : o.methods()) {
                StepTime t = timeStep(p, m, o);
                out.printf("%s,%s,%s,%d,%d,%.1f,%.1f%n", m.id(), join(p.space().kernels()),
                        join(p.space().dilations()), p.length(), o.batch(), t.wallMs(), t.cpuMs());
                out.flush();
            }
        }
    }

    private static String join(int[] v) {
        return Arrays.stream(v).mapToObj(Integer::toString).collect(Collectors.joining("|"));
    }

    static ComputationGraph network(Point p, Strategy method) {
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(0).dataType(DataType.FLOAT).updater(new Sgd(0.01));
        ResNet1D backbone = ResNet1D.classifier(1, p.length(), 10, 16);
        ComputationGraph net = new ComputationGraph(backbone.graph(base, backbone.supernetConvs(p.space(), method, true, 0), 0.0));
        net.init();
        return net;
    }

    /** Wall time and the process's CPU time (all its threads) per step. */
    record StepTime(double wallMs, double cpuMs) {
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static StepTime timeStep(Point p, Strategy method, Options o) {
        ComputationGraph net = network(p, method);
        Random r = new Random(p.index());
        INDArray x = Nd4j.rand(DataType.FLOAT, o.batch(), 1, p.length(), 1).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, o.batch(), 10);
        for (int b = 0; b < o.batch(); b++) {
            y.putScalar(b, r.nextInt(10), 1.0);
        }
        MultiDataSet ds = new MultiDataSet(x, y);
        for (int s = 0; s < o.warmup(); s++) {
            net.fit(ds);
        }
        WorkCounter.reset();
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        for (int s = 0; s < o.steps(); s++) {
            net.fit(ds);
        }
        double ms = (System.nanoTime() - t0) / 1e6 / o.steps();
        double cpuMs = (processCpuNanos() - cpu0) / 1e6 / o.steps();
        double aggMs = WorkCounter.aggConvNanos() / 1e6 / o.steps();
        LOG.info("point {} {}: AggConv layers {} ms/step, the rest of the step {} ms", p.index(), method,
                String.format("%.1f", aggMs), String.format("%.1f", ms - aggMs));
        if (!Double.isFinite(net.score())) {
            throw new IllegalStateException(method + " point " + p.index() + ": loss is not finite");
        }
        if (method == Strategy.FFT) {
            Throughput hw = Throughput.cached();
            double fft = WorkCounter.fftFlops() / (double) o.steps();
            double mix = WorkCounter.mixFlops() / (double) o.steps();
            double fftMs = fft / hw.fftGflops() / 1e6;
            LOG.info("point {} {} S={}: {} ms/step; FFT {} GFLOP per step ({} ms at the measured throughput), "
                            + "channel mixing {} GFLOP", p.index(), p.space(), p.space().span(), String.format("%.1f", ms),
                    String.format("%.2f", fft / 1e9), String.format("%.1f", fftMs), String.format("%.2f", mix / 1e9));
        } else {
            LOG.info("point {} {} {}: {} ms/step", p.index(), method, p.space(), String.format("%.1f", ms));
        }
        return new StepTime(ms, cpuMs);
    }

    /**
     * The machine's FFT throughput for the step's own transforms, measured warm with all dash threads: blocks of
     * 64 complex signals of the lengths the sweeps use (1024 and 2048 points, 5n·log2 n flops per signal) on the
     * default backend, forward and inverse. Best of several repetitions after warm-up.
     */
    record Throughput(double fftGflops) {
        private static Throughput cached;

        static synchronized Throughput cached() {
            return cached == null ? measure() : cached;
        }

        static synchronized Throughput measure() {
            FftBackend backend = FftBackend.defaultBackend();
            double fft = Double.POSITIVE_INFINITY;
            int lanes = 64;
            for (int n : new int[]{1024, 2048}) {
                int blocks = 4 * Parallel.threads();
                double best = 0;
                for (int rep = 0; rep < 6; rep++) {
                    long t0 = System.nanoTime();
                    Parallel.forRange(blocks, s -> {
                        LaneFft plan = backend.plan(1, n);
                        Lanes x = Lanes.allocate(n, lanes);
                        for (int p = 0; p < n; p++) {
                            java.util.Arrays.fill(x.re(p), (p * 7 % 13) - 6);
                        }
                        for (int k = 0; k < 4; k++) {
                            plan.forward(x);
                            plan.inverse(x);
                        }
                    });
                    double secs = (System.nanoTime() - t0) / 1e9;
                    best = Math.max(best, blocks * lanes * 8 * 5.0 * n * (Math.log(n) / Math.log(2)) / secs / 1e9);
                }
                fft = Math.min(fft, best);
            }
            WorkCounter.reset();
            cached = new Throughput(fft);
            return cached;
        }

        /**
         * GFLOP/s of one thread, by its CPU time (so a busy machine matters less), for 64 signals of length n,
         * forward and inverse, best of five rounds after 25 of warm-up.
         */
        static double perCore(FftBackend backend, int n) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            LaneFft plan = backend.plan(1, n);
            Lanes x = Lanes.allocate(n, 64);
            double flops = 2 * 64 * 5.0 * n * (Math.log(n) / Math.log(2));
            int pairs = Math.max(1, (int) (2e8 / flops));
            double best = 0;
            for (int round = 0; round < 30; round++) {
                for (int p = 0; p < n; p++) {
                    java.util.Arrays.fill(x.re(p), (p * 7 % 13) - 6);
                    java.util.Arrays.fill(x.im(p), (p * 5 % 11) - 5);
                }
                long t0 = threads.getCurrentThreadCpuTime();
                for (int k = 0; k < pairs; k++) {
                    plan.forward(x);
                    plan.inverse(x);
                    scale(x, 1.0 / n);
                }
                long t1 = threads.getCurrentThreadCpuTime();
                if (round >= 25) {
                    best = Math.max(best, pairs * flops / (t1 - t0));
                }
            }
            WorkCounter.reset();
            return best;
        }

        private static void scale(Lanes x, double s) {
            for (int p = 0; p < x.points(); p++) {
                double[] re = x.re(p);
                double[] im = x.im(p);
                for (int l = 0; l < x.lanes(); l++) {
                    re[l] *= s;
                    im[l] *= s;
                }
            }
        }
    }
}
