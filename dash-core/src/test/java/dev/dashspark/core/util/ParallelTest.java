package dev.dashspark.core.util;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** dash-core's threads: every index once, failures rethrown, a pool per calling thread, nested loops inline. */
class ParallelTest {

    @Test
    void runsEveryIndexOnceAndRethrowsAFailure() {
        AtomicInteger[] seen = new AtomicInteger[100];
        for (int i = 0; i < seen.length; i++) {
            seen[i] = new AtomicInteger();
        }
        Parallel.forRange(seen.length, i -> seen[i].incrementAndGet());
        for (AtomicInteger s : seen) {
            assertEquals(1, s.get());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(10, i -> {
            if (i == 7) {
                throw new IllegalStateException("index 7");
            }
        }));
        assertTrue(e.getMessage().contains("index 7"), e.getMessage());
    }

    @Test
    void concurrentCallersUseDisjointWorkers() throws Exception {
        Set<Thread>[] used = new Set[]{ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet()};
        CountDownLatch both = new CountDownLatch(2);
        Thread[] callers = new Thread[2];
        for (int c = 0; c < 2; c++) {
            int caller = c;
            callers[c] = new Thread(() -> {
                both.countDown();
                try {
                    both.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int rep = 0; rep < 20; rep++) {
                    Parallel.forRange(64, i -> used[caller].add(Thread.currentThread()));
                }
            });
            callers[c].start();
        }
        for (Thread t : callers) {
            t.join();
        }
        assertTrue(used[0].size() <= Parallel.threads() + 1 && used[1].size() <= Parallel.threads() + 1);
        for (Thread t : used[0]) {
            assertTrue(!used[1].contains(t), "worker " + t.getName() + " served both callers");
        }
    }

    @Test
    void aNestedLoopRunsInTheWorkerThatCallsIt() {
        Set<String> mismatches = ConcurrentHashMap.newKeySet();
        Parallel.forRange(8, i -> {
            Thread outer = Thread.currentThread();
            Parallel.forRange(5, j -> {
                if (Thread.currentThread() != outer && !outer.getName().equals("main")) {
                    mismatches.add(outer.getName() + " → " + Thread.currentThread().getName());
                }
            });
        });
        assertTrue(mismatches.isEmpty(), mismatches.toString());
    }
}
