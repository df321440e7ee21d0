package dev.dashspark.spark.lease;

import dev.dashspark.core.cli.ExitStatus;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One sweep per output: the lease file, its holder named, waiting, stale leases taken over, a lease lost. */
class OutputLeaseTest {
    private static final Configuration CONF = new Configuration();

    private static String holderJson(String host, long pid, Instant beat) {
        return "{\"owner\":\"old\",\"token\":\"t-old\",\"host\":\"" + host + "\",\"pid\":" + pid + ",\"pidStartedMs\":0,"
                + "\"startedAt\":\"" + beat + "\",\"heartbeatAt\":\"" + beat + "\",\"timeoutMs\":60000}";
    }

    @Test
    void aSecondSweepIsToldWhoHoldsTheOutputOrWaitsForIt(@TempDir Path dir) throws Exception {
        String out = dir.resolve("out").toString();
        List<String> log = new CopyOnWriteArrayList<>();
        OutputLease a = OutputLease.acquire(out, CONF, "first", Duration.ofMinutes(5), false, log::add);
        String lease = Files.readString(dir.resolve("out/_LEASE"));
        assertTrue(lease.contains("\"owner\" : \"first\"") && lease.contains("\"pid\" : " + ProcessHandle.current().pid()), lease);

        OutputLease.Held held = assertThrows(OutputLease.Held.class,
                () -> OutputLease.acquire(out, CONF, "second", Duration.ofMinutes(5), false, log::add));
        assertEquals(ExitStatus.OUTPUT_HELD, held.status());
        assertTrue(held.getMessage().startsWith("output " + out + " is held by sweep 'first' on "
                + InetAddress.getLocalHost().getHostName() + " (pid " + ProcessHandle.current().pid() + ")"), held.getMessage());
        assertTrue(held.getMessage().contains("--wait"), held.getMessage());

        CompletableFuture<OutputLease> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return OutputLease.acquire(out, CONF, "second", Duration.ofMinutes(5), true, log::add);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(1500);
        assertFalse(waiting.isDone(), "waits while the first holds it");
        assertTrue(log.stream().anyMatch(l -> l.contains("is held by sweep 'first'") && l.endsWith("waiting (--wait)")), log.toString());
        a.close();
        OutputLease b = waiting.get(20, TimeUnit.SECONDS);
        assertTrue(Files.readString(dir.resolve("out/_LEASE")).contains("\"owner\" : \"second\""));
        b.close();
        assertFalse(Files.exists(dir.resolve("out/_LEASE")), "released");
    }

    @Test
    void aStaleLeaseIsTakenOverAndTheTakeoverLogged(@TempDir Path dir) throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        List<String> log = new CopyOnWriteArrayList<>();
        // another host's sweep whose last heartbeat is two minutes old, with a one-minute timeout
        Files.writeString(out.resolve("_LEASE"), holderJson("elsewhere", 1, Instant.now().minusSeconds(120)));
        OutputLease.acquire(out.toString(), CONF, "new", Duration.ofMinutes(5), false, log::add).close();
        assertTrue(log.stream().anyMatch(l -> l.contains("taking over the stale lease of sweep 'old' on elsewhere")), log.toString());

        // this host's sweep whose process is gone (SIGKILL): taken over at once, its heartbeat still fresh
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        log.clear();
        Files.writeString(out.resolve("_LEASE"), holderJson(InetAddress.getLocalHost().getHostName(), p.pid(), Instant.now()));
        OutputLease.acquire(out.toString(), CONF, "new", Duration.ofMinutes(5), false, log::add).close();
        assertTrue(log.stream().anyMatch(l -> l.contains("taking over the stale lease of sweep 'old'")), log.toString());

        // a live one elsewhere with a fresh heartbeat is not
        Files.writeString(out.resolve("_LEASE"), holderJson("elsewhere", 1, Instant.now()));
        assertThrows(OutputLease.Held.class,
                () -> OutputLease.acquire(out.toString(), CONF, "new", Duration.ofMinutes(5), false, log::add));
    }

    @Test
    void aLeaseTakenOverWhileHeldIsLost(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        AtomicBoolean told = new AtomicBoolean();
        OutputLease a = OutputLease.acquire(out.toString(), CONF, "slow", Duration.ofSeconds(1), false, l -> { });
        a.onLost(() -> told.set(true));
        Thread.sleep(600);
        assertFalse(a.lost(), "renewing its heartbeat");
        Files.writeString(out.resolve("_LEASE"), holderJson("elsewhere", 1, Instant.now()));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!a.lost() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(a.lost() && told.get());
        a.close();
        assertTrue(Files.readString(out.resolve("_LEASE")).contains("t-old"), "the other sweep's lease is left alone");
    }
}
