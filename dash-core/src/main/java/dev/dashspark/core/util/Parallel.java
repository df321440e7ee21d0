package dev.dashspark.core.util;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The CPU threads dash-core uses for its own loops (FFT signals, kernel mixing). Sized by the system property
 * {@code dash.threads}, else the environment variable {@code OMP_NUM_THREADS} (which also sizes ND4J), else the
 * number of available processors — so one Spark task that owns {@code spark.task.cpus} cores stays within them.
 */
public final class Parallel {
    private static final int THREADS = resolveThreads();
    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS);

    private Parallel() {
    }

    public static int threads() {
        return THREADS;
    }

    /** Runs {@code body(i)} for i in [0, n), in parallel; returns when all are done, rethrowing the first failure. */
    public static void forRange(int n, IntConsumer body) {
        if (n <= 0) {
            return;
        }
        if (n == 1 || THREADS == 1) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        POOL.submit(() -> IntStream.range(0, n).parallel().forEach(body)).join();
    }

    private static int resolveThreads() {
        String prop = System.getProperty("dash.threads");
        String env = System.getenv("OMP_NUM_THREADS");
        for (String s : new String[]{prop, env}) {
            if (s != null && !s.isBlank()) {
                try {
                    int t = Integer.parseInt(s.trim());
                    if (t >= 1) {
                        return t;
                    }
                } catch (NumberFormatException ignored) {
                    // fall through to the next source
                }
                throw new IllegalArgumentException((s == prop ? "system property dash.threads" : "OMP_NUM_THREADS")
                        + ": expected a positive integer, got '" + s + "'");
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
