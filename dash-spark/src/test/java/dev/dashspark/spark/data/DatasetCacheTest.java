package dev.dashspark.spark.data;

import dev.dashspark.core.io.Npy;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskSpec;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DatasetCache} over real files and real synthetic tasks: a second request reads nothing (counted by
 * {@link DatasetCache#loads()}), the key (the stored data's identity and the task's layout, so every setting of a task
 * shares one copy; the seed for synthetic tasks), LRU eviction, one load for concurrent requests, and failed loads not
 * cached.
 */
class DatasetCacheTest {

    @TempDir
    Path tmp;

    private final Configuration conf = new Configuration();

    private TaskSpec task(String name, int salt) throws IOException {
        Path file = Files.write(tmp.resolve(name + ".npz"), Npy.toNpz(TaskFixtures.arrays(salt)));
        return TaskFixtures.spec(name, file.toString());
    }

    @Test
    void aSecondRequestForTheSameTaskDoesNotReadAgain() throws IOException {
        Map<String, INDArray> arrays = TaskFixtures.arrays(1);
        Path file = Files.write(tmp.resolve("ecg.npz"), Npy.toNpz(arrays));
        TaskSpec spec = TaskFixtures.spec("ecg", file.toString());
        DatasetCache cache = new DatasetCache(2);

        TaskData first = cache.get(spec, 1, conf);
        TaskFixtures.assertHolds(arrays, first);
        assertEquals(1, cache.loads());
        assertSame(first, cache.get(spec, 1, conf));
        assertSame(first, cache.get(spec, 99, conf), "real data do not depend on the seed");
        assertSame(first, cache.get(TaskFixtures.spec("ecg", file.toString()), 1, conf), "an equal spec");
        assertEquals(1, cache.loads());
        assertEquals(1, cache.size());

        cache.clear();
        assertEquals(0, cache.size());
        Files.delete(file);
        FileNotFoundException gone = assertThrows(FileNotFoundException.class, () -> cache.get(spec, 1, conf));
        assertEquals("task 'ecg': data: " + file + " does not exist", gone.getMessage());
        assertEquals(1, cache.loads(), "a missing file is found missing before any load");
    }

    @Test
    void settingsOfOneTaskShareOneCopyWhileAnotherFileLayoutOrVersionDoesNot() throws IOException {
        TaskSpec a = task("ecg", 1);
        DatasetCache cache = new DatasetCache(4);
        TaskData d1 = cache.get(a, 0, conf);
        TaskSpec otherSetting = with(a, Map.of("batch", "3", "kernels", "3,5", "dilations", "1,2", "search-epochs", "2",
                "hpo-epochs", "2", "retrain-epochs", "2", "grad-scale", "10"));
        assertSame(d1, cache.get(otherSetting, 0, conf), "another batch size, search space and budget: one copy");
        assertSame(d1, cache.get(TaskFixtures.spec("renamed", a.dataPath()), 0, conf), "another task, same file");
        assertEquals(1, cache.loads());

        TaskSpec otherPath = a.withDataPath(Files.write(tmp.resolve("copy.npz"),
                Files.readAllBytes(Path.of(a.dataPath()))).toString());
        assertNotSame(d1, cache.get(otherPath, 0, conf));
        assertEquals(2, cache.loads());

        TaskSpec fourClasses = with(a, Map.of("outputs", "4"));
        assertThrows(dev.dashspark.core.io.DataFileException.class, () -> cache.get(fourClasses, 0, conf),
                "another layout reads again (and this file has 3 one-hot classes)");
        assertEquals(3, cache.loads());

        Map<String, INDArray> rewritten = TaskFixtures.arrays(40);
        Files.write(Path.of(a.dataPath()), Npy.toNpz(rewritten));
        Files.setLastModifiedTime(Path.of(a.dataPath()), java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(Path.of(a.dataPath())).toMillis() + 2000));
        TaskData d2 = cache.get(a, 0, conf);
        assertNotSame(d1, d2, "a file rewritten in place is read again");
        TaskFixtures.assertHolds(rewritten, d2);
        assertEquals(4, cache.loads());
    }

    /** {@code spec} with some of its keys set otherwise. */
    private static TaskSpec with(TaskSpec spec, Map<String, String> keys) {
        Map<String, String> p = new java.util.LinkedHashMap<>(spec.toProperties());
        p.putAll(keys);
        return TaskSpec.fromProperties(spec.name(), p);
    }

    @Test
    void aSyntheticTaskIsKeyedByItsSeed() throws IOException {
        TaskSpec spec = TaskFixtures.synthetic("lag");
        DatasetCache cache = new DatasetCache(2);
        TaskData s1 = cache.get(spec, 1, conf);
        TaskData s2 = cache.get(spec, 2, conf);
        assertEquals(2, cache.loads());
        assertNotSame(s1, s2);
        assertFalse(java.util.Arrays.equals(s1.xTrain().data().asFloat(), s2.xTrain().data().asFloat()),
                "another seed gives other data");
        assertSame(s1, cache.get(spec, 1, conf));
        assertSame(s2, cache.get(spec, 2, conf));
        assertEquals(2, cache.loads());
    }

    @Test
    void theLeastRecentlyUsedEntryIsEvicted() throws IOException {
        TaskSpec a = task("a", 1);
        TaskSpec b = task("b", 2);
        TaskSpec c = task("c", 3);
        DatasetCache cache = new DatasetCache(2);
        assertEquals(2, cache.maxEntries());
        TaskData da = cache.get(a, 0, conf);
        cache.get(b, 0, conf);
        assertSame(da, cache.get(a, 0, conf));  // a is now more recent than b
        cache.get(c, 0, conf);                  // evicts b
        assertEquals(3, cache.loads());
        assertEquals(2, cache.size());
        assertTrue(cache.contains(a, 0, conf));
        assertFalse(cache.contains(b, 0, conf));
        assertTrue(cache.contains(c, 0, conf));
        assertEquals(List.of("a (" + a.dataPath() + ")", "c (" + c.dataPath() + ")"), cache.describe());

        assertSame(da, cache.get(a, 0, conf));
        assertEquals(3, cache.loads());
        cache.get(b, 0, conf);                  // reloads b, evicts c
        assertEquals(4, cache.loads());
        assertFalse(cache.contains(c, 0, conf));
    }

    @Test
    void zeroEntriesLoadsEveryTime() throws IOException {
        TaskSpec a = task("a", 1);
        DatasetCache cache = new DatasetCache(0);
        cache.get(a, 0, conf);
        cache.get(a, 0, conf);
        assertEquals(2, cache.loads());
        assertEquals(0, cache.size());
    }

    @Test
    @Timeout(60)
    void concurrentRequestsForOneTaskLoadOnce() throws Exception {
        Map<String, INDArray> arrays = TaskFixtures.arrays(6);
        Path file = Files.write(tmp.resolve("ecg.npz"), Npy.toNpz(arrays));
        TaskSpec spec = TaskFixtures.spec("ecg", file.toString());
        int threads = 6;
        List<Thread> waiting = new ArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch loading = new CountDownLatch(1);
        // the real loader, held back until every other requester is parked on the load in progress
        DatasetCache cache = new DatasetCache(2, (s, seed, c) -> {
            loading.countDown();
            try {
                assertTrue(release.await(30, TimeUnit.SECONDS), "never released");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return TaskDataLoader.load(s, seed, c);
        });
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cache-test");
            synchronized (waiting) {
                waiting.add(t);
            }
            return t;
        });
        try {
            List<Future<TaskData>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> cache.get(spec, 0, conf)));
            }
            assertTrue(loading.await(30, TimeUnit.SECONDS));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (parked(waiting) < threads - 1) {
                assertTrue(System.nanoTime() < deadline, "the other requesters never waited");
                Thread.sleep(10);
            }
            assertEquals(1, cache.loads(), "one load in progress while " + (threads - 1) + " requesters wait");
            release.countDown();
            TaskData first = results.get(0).get(30, TimeUnit.SECONDS);
            TaskFixtures.assertHolds(arrays, first);
            for (Future<TaskData> f : results) {
                assertSame(first, f.get(30, TimeUnit.SECONDS));
            }
            assertEquals(1, cache.loads());
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(60)
    void aFailedLoadReachesEveryWaiterAndIsNotCached() throws Exception {
        Map<String, INDArray> arrays = TaskFixtures.arrays(7);
        byte[] good = Npy.toNpz(arrays);
        byte[] corrupt = good.clone();
        corrupt[corrupt.length / 3] ^= 0x55;
        Path file = Files.write(tmp.resolve("late.npz"), corrupt);
        java.nio.file.attribute.FileTime modified = Files.getLastModifiedTime(file);
        TaskSpec spec = TaskFixtures.spec("late", file.toString());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch loading = new CountDownLatch(1);
        DatasetCache cache = new DatasetCache(2, (s, seed, c) -> {
            loading.countDown();
            try {
                assertTrue(release.await(30, TimeUnit.SECONDS), "never released");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return TaskDataLoader.load(s, seed, c);
        });
        ExecutorService pool = Executors.newFixedThreadPool(1);
        java.util.concurrent.atomic.AtomicReference<Throwable> waiterGot = new java.util.concurrent.atomic.AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                cache.get(spec, 0, conf);
            } catch (Throwable t) {
                waiterGot.set(t);
            }
        }, "cache-test-waiter");
        try {
            Future<TaskData> owner = pool.submit(() -> cache.get(spec, 0, conf));
            assertTrue(loading.await(30, TimeUnit.SECONDS));
            waiter.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (waiter.getState() != Thread.State.WAITING) {
                assertTrue(System.nanoTime() < deadline, "the waiter never waited");
                Thread.sleep(10);
            }
            release.countDown();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> owner.get(30, TimeUnit.SECONDS));
            waiter.join(30_000);
            for (Throwable t : java.util.Arrays.asList(e.getCause(), waiterGot.get())) {
                assertTrue(t instanceof dev.dashspark.core.io.DataFileException, String.valueOf(t));
                assertTrue(t.getMessage().startsWith("task 'late': data: " + file), t.getMessage());
            }
            assertSame(e.getCause(), waiterGot.get(), "the waiter got the owner's failure");
            assertEquals(1, cache.loads(), "the waiter did not load itself");
            assertEquals(0, cache.size());

            Files.write(file, good);
            Files.setLastModifiedTime(file, modified);
            TaskFixtures.assertHolds(arrays, cache.get(spec, 0, conf));
            assertEquals(2, cache.loads(), "a failed load is not cached: the same file (same key) is read again");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void theSharedCacheIsSizedBySystemProperty() {
        String old = System.getProperty(DatasetCache.ENTRIES_PROPERTY);
        try {
            System.clearProperty(DatasetCache.ENTRIES_PROPERTY);
            assertEquals(DatasetCache.DEFAULT_ENTRIES, DatasetCache.entriesFromSystemProperty());
            System.setProperty(DatasetCache.ENTRIES_PROPERTY, " 5 ");
            assertEquals(5, DatasetCache.entriesFromSystemProperty());
            System.setProperty(DatasetCache.ENTRIES_PROPERTY, "-1");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    DatasetCache::entriesFromSystemProperty);
            assertEquals("system property dash.data.cache.entries: '-1' is not a count ≥ 0", e.getMessage());
            System.setProperty(DatasetCache.ENTRIES_PROPERTY, "two");
            assertThrows(IllegalArgumentException.class, DatasetCache::entriesFromSystemProperty);
        } finally {
            if (old == null) {
                System.clearProperty(DatasetCache.ENTRIES_PROPERTY);
            } else {
                System.setProperty(DatasetCache.ENTRIES_PROPERTY, old);
            }
        }
        assertSame(DatasetCache.shared(), DatasetCache.shared());
        if (old == null) {
            assertEquals(DatasetCache.DEFAULT_ENTRIES, DatasetCache.shared().maxEntries());
        }
    }

    private static int parked(List<Thread> threads) {
        synchronized (threads) {
            int n = 0;
            for (Thread t : threads) {
                if (t.getState() == Thread.State.WAITING) {
                    n++;
                }
            }
            return n;
        }
    }
}
