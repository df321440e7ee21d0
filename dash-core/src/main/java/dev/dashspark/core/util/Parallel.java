package dev.dashspark.core.util;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The CPU threads dash-core uses for its own loops (convolutions, batch norm, FFT signals, kernel mixing). Sized by
 * the system property {@code dash.threads}, else the environment variable {@code OMP_NUM_THREADS} (which also sizes
 * ND4J), else the number of available processors — so one Spark task that owns {@code spark.task.cpus} cores stays
 * within them.
 *
 * <p>Each calling thread gets its own pool of that many workers: trials that run at the same time in one JVM (Spark
 * task threads of one executor, or of {@code local[N]}) each get their cores, instead of sharing one pool of one
 * trial's size. A call made from inside a worker (a nested loop) runs sequentially in that worker.
 */
public final class Parallel {
    private static final int THREADS = resolveThreads();
    private static final ThreadLocal<ForkJoinPool> POOLS =
            ThreadLocal.withInitial(() -> new ForkJoinPool(THREADS, Worker::new, null, false));

    /** A worker of one of the pools (daemon, as every ForkJoinPool worker). */
    private static final class Worker extends ForkJoinWorkerThread {
        Worker(ForkJoinPool pool) {
            super(pool);
            setName("dash-core-" + getName());
        }
    }

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
        if (n == 1 || THREADS == 1 || Thread.currentThread() instanceof Worker) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        POOLS.get().submit(() -> IntStream.range(0, n).parallel().forEach(body)).join();
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
