package dev.dashspark.spark.data;

import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskSpec;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Task data kept per JVM (so per Spark executor), so that the trials of one task that land on one executor read its
 * file once rather than once each.
 *
 * <p><b>Key.</b> For a task read from files, the identity of the data as stored ({@link TaskDataLoader#identity}:
 * qualified path, length and modification time of each file) plus the declarations the reader's conversion depends
 * on (dims, channels, shape, output kind, outputs): so every setting of a task (settings override kernels, budgets,
 * batch size, never these) shares one copy, two tasks over the same file with the same layout share it too, and a
 * file rewritten in place is read again. For a synthetic task, its properties and the seed, since its data are a
 * function of both. Real data do not depend on the seed: a trial holds its validation split out of the shared arrays
 * itself. The Hadoop {@link Configuration} is not part of the key: the first caller's is used. Computing the key
 * costs one status call (a directory listing for a directory).
 *
 * <p><b>Bounds.</b> At most {@link #maxEntries()} entries, least recently used evicted first: by default
 * {@value #DEFAULT_ENTRIES}, or the system property {@value #ENTRIES_PROPERTY} (on executors:
 * {@code spark.executor.extraJavaOptions=-Ddash.data.cache.entries=N}), read when {@link #shared()} is first used;
 * 0 disables caching (every request loads). An entry still loading can be evicted; its waiters still get it.
 *
 * <p><b>Concurrency.</b> Thread-safe; one load per key even when several threads ask at once: the first creates a
 * future for the key and loads outside the lock, the others wait for that future. A failed load is not cached: every
 * waiter gets its exception, and the next request loads again.
 *
 * <p><b>Sharing.</b> The same {@link TaskData} (the same off-heap float32 arrays, one copy per entry) is handed to
 * every caller, so callers must not write into its arrays: a trial reads them, and holds a validation split out by
 * index ({@link TaskData#holdout}) or through copies ({@link TaskData#withValidationSplit}). Arrays are created
 * outside any ND4J workspace, so they stay valid across threads.
 */
public final class DatasetCache {

    /** System property for the number of entries of {@link #shared()}. */
    public static final String ENTRIES_PROPERTY = "dash.data.cache.entries";

    /** Entries of {@link #shared()} unless {@link #ENTRIES_PROPERTY} says otherwise. */
    public static final int DEFAULT_ENTRIES = 2;

    /** What the cache calls to actually read a task's data; {@link TaskDataLoader#load} by default. */
    @FunctionalInterface
    public interface Loader {
        TaskData load(TaskSpec spec, long seed, Configuration conf) throws IOException;
    }

    private static final class Holder {
        static final DatasetCache SHARED = new DatasetCache(entriesFromSystemProperty(), TaskDataLoader::load);
    }

    private final int maxEntries;
    private final Loader loader;
    private final AtomicLong loads = new AtomicLong();
    private final LinkedHashMap<Key, CompletableFuture<TaskData>> entries;

    /** A cache of {@code maxEntries} entries reading through {@link TaskDataLoader#load}. */
    public DatasetCache(int maxEntries) {
        this(maxEntries, TaskDataLoader::load);
    }

    /** A cache of {@code maxEntries} (≥ 0) entries reading through {@code loader}. */
    public DatasetCache(int maxEntries, Loader loader) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries: " + maxEntries + " must be ≥ 0");
        }
        this.maxEntries = maxEntries;
        this.loader = Objects.requireNonNull(loader, "loader");
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, CompletableFuture<TaskData>> eldest) {
                return size() > DatasetCache.this.maxEntries;
            }
        };
    }

    /** The cache of this JVM, sized by {@value #ENTRIES_PROPERTY} (default {@value #DEFAULT_ENTRIES}). */
    public static DatasetCache shared() {
        return Holder.SHARED;
    }

    /** {@link #ENTRIES_PROPERTY} as a count ≥ 0, or {@link #DEFAULT_ENTRIES} when unset. */
    static int entriesFromSystemProperty() {
        String v = System.getProperty(ENTRIES_PROPERTY);
        if (v == null || v.isBlank()) {
            return DEFAULT_ENTRIES;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + ENTRIES_PROPERTY + ": '" + v
                    + "' is not a count ≥ 0", e);
        }
    }

    /**
     * The task's data: from the cache, from a load in progress in another thread, or loaded now.
     *
     * @throws IOException              as {@link TaskDataLoader#load} (also to threads that waited for that load)
     * @throws InterruptedIOException   if interrupted while waiting for another thread's load
     * @throws IllegalArgumentException as {@link TaskDataLoader#load}
     */
    public TaskData get(TaskSpec spec, long seed, Configuration conf) throws IOException {
        Key key = Key.of(spec, seed, conf);
        CompletableFuture<TaskData> future;
        boolean mine = false;
        synchronized (entries) {
            future = entries.get(key);
            if (future == null) {
                future = new CompletableFuture<>();
                mine = true;
                if (maxEntries > 0) {
                    entries.put(key, future);
                }
            }
        }
        if (mine) {
            loads.incrementAndGet();
            try {
                TaskData data = loader.load(spec, seed, conf);
                if (data == null) {
                    throw new IllegalStateException("loader returned no data for task '" + spec.name() + "'");
                }
                future.complete(data);
                return data;
            } catch (IOException | RuntimeException | Error e) {
                synchronized (entries) {
                    entries.remove(key, future);
                }
                future.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException ie = new InterruptedIOException("interrupted while waiting for the data of task '"
                    + spec.name() + "'");
            ie.initCause(e);
            throw ie;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }

    /** How many times data were actually loaded (loader calls, failed ones included) since creation. */
    public long loads() {
        return loads.get();
    }

    /** Entries held now (completed or loading). */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /** The most entries held. */
    public int maxEntries() {
        return maxEntries;
    }

    /** Whether the data for (spec, seed) are held now (completed or loading); does not count as a use. */
    public boolean contains(TaskSpec spec, long seed, Configuration conf) throws IOException {
        Key key = Key.of(spec, seed, conf);
        synchronized (entries) {
            return entries.containsKey(key);
        }
    }

    /** Drops every entry (loads in progress still complete for their waiters); {@link #loads()} is kept. */
    public void clear() {
        synchronized (entries) {
            entries.clear();
        }
    }

    /** Task names of the entries, least recently used first (for logs). */
    public List<String> describe() {
        synchronized (entries) {
            List<String> out = new ArrayList<>();
            for (Key k : entries.keySet()) {
                out.add(k.toString());
            }
            return out;
        }
    }

    /**
     * Cache key: what the data are (the stored files' identity, or the synthetic generator's properties and seed) and
     * how they are laid out for the task; {@code name} only labels the entry.
     */
    record Key(String data, Map<String, String> layout, Long seed, String label) {
        /** The spec keys the reader's conversion depends on. */
        static final java.util.List<String> LAYOUT_KEYS = java.util.List.of("dims", "channels", "shape", "output",
                "outputs");

        static Key of(TaskSpec spec, long seed, Configuration conf) throws IOException {
            Objects.requireNonNull(spec, "spec");
            Map<String, String> p = spec.toProperties();
            if (spec.synthetic() != null) {
                Map<String, String> synthetic = new TreeMap<>(p);
                synthetic.keySet().removeIf(k -> !LAYOUT_KEYS.contains(k) && !k.startsWith("synthetic"));
                return new Key("synthetic " + spec.synthetic(), synthetic, seed, spec.name() + " (synthetic "
                        + spec.synthetic() + ", seed " + seed + ")");
            }
            Map<String, String> layout = new TreeMap<>(p);
            layout.keySet().retainAll(LAYOUT_KEYS);
            return new Key(TaskDataLoader.identity(spec, conf), layout, null, spec.name() + " (" + spec.dataPath() + ")");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && data.equals(k.data) && layout.equals(k.layout) && Objects.equals(seed, k.seed);
        }

        @Override
        public int hashCode() {
            return Objects.hash(data, layout, seed);
        }

        @Override
        public String toString() {
            return label;
        }
    }
}
