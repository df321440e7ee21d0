package dev.dashspark.spark.cli;

import dev.dashspark.spark.sweep.SweepFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep's driver as a real process, as a scheduler runs it ({@code DashSparkCli sweep}, its own JVM, Spark on
 * {@code local[2]}, the logging of {@code submit/dash}): killed with SIGTERM or SIGKILL in the middle and run again,
 * and a secret planted in its environment looked for in everything it wrote.
 */
class DriverProcessTest {
    /** A value that occurs nowhere but where the environment puts it. */
    private static final String SECRET = "dash-planted-secret-9f2c71";
    private static final int PLANNED = 4;

    private record Run(Process process, Path log) {
        String text() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
    }

    private static Run start(Path dir, String name, Path conf) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String f : System.getProperty("dash.test.jvmFlags", "").split(" ")) {
            if (!f.isBlank()) {
                cmd.add(f);
            }
        }
        cmd.addAll(List.of("-Xmx1g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=3G",
                "-Dlog4j2.configurationFile=" + Path.of("../submit/log4j2.xml").toAbsolutePath().normalize(),
                "-cp", System.getProperty("java.class.path"), DashSparkCli.class.getName(),
                "sweep", "--conf", conf.toString(), "--master", "local[2]"));
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("DASH_TEST_SECRET", SECRET);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return new Run(pb.start(), log);
    }

    private static int finish(Run r, int seconds) throws Exception {
        assertTrue(r.process().waitFor(seconds, TimeUnit.SECONDS), "did not end in " + seconds + " s:\n" + r.text());
        return r.process().exitValue();
    }

    private static void awaitLog(Run r, Predicate<String> what, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!what.test(r.text())) {
            assertTrue(r.process().isAlive(), "ended early:\n" + r.text());
            assertTrue(System.nanoTime() < deadline, "not seen in " + seconds + " s:\n" + r.text());
            Thread.sleep(100);
        }
    }

    /** Four trials of a few seconds each (two slots): a kill lands while some run and some wait. */
    private static Path longSweep(Path dir) throws IOException {
        Files.writeString(SweepFixtures.tasks(dir, false), SweepFixtures.tinyTask("long", "retrain-epochs", "8"),
                StandardOpenOption.APPEND);
        return SweepFixtures.sweep(dir, SweepFixtures.body(dir, "long", "backbone, random", "0, 1", null), null);
    }

    private static List<String> committed(Path results) throws IOException {
        try (Stream<Path> s = Files.list(results)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet") && !n.startsWith("."))
                    .sorted().toList();
        }
    }

    /** The files in {@code results/_incoming} (none when it does not exist), checksum files included or not. */
    private static List<Path> incoming(Path results, boolean withChecksums) throws IOException {
        Path dir = results.resolve("_incoming");
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> withChecksums || !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    /** Committed files per trial id (the first 16 characters of a results file's name). */
    private static Map<String, Integer> perTrial(Path results) throws IOException {
        Map<String, Integer> m = new HashMap<>();
        for (String n : committed(results)) {
            m.merge(n.substring(0, 16), 1, Integer::sum);
        }
        return m;
    }

    @Test
    void sigtermStopsWithinBoundsWritesNoFailedRowsAndARerunFinishes(@TempDir Path dir) throws Exception {
        Path conf = longSweep(dir);
        Run run = start(dir, "first", conf);
        awaitLog(run, t -> t.contains("starting (attempt 1"), 120);
        Thread.sleep(1000);
        long t0 = System.nanoTime();
        run.process().destroy(); // SIGTERM
        int status = finish(run, 60);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String log = run.text();
        assertEquals(143, status, log);
        assertTrue(seconds < 30, "stopped in " + seconds + " s");
        assertTrue(log.contains("stopping (the JVM is shutting down"), log);
        assertFalse(log.contains("FAILED:"), log);
        Path results = dir.resolve("out/results");
        int before = Files.exists(results) ? committed(results).size() : 0;
        assertTrue(before < PLANNED, "the kill came before the end: " + before);
        // a trial whose commit the stop cut between its write and its rename may leave its file in _incoming (no
        // reader counts it); the next sweep to hold the output removes it
        int leftover = incoming(results, false).size();
        assertFalse(Files.exists(dir.resolve("out/_LEASE")), "the lease was released");

        Run again = start(dir, "rerun", conf);
        assertEquals(0, finish(again, 240), again.text());
        assertTrue(again.text().contains("sweep test: 4 planned, " + before + " already OK, " + (PLANNED - before) + " ran (OK "
                + (PLANNED - before) + ", FAILED 0, DIVERGED 0)"), again.text());
        assertEquals(PLANNED, perTrial(results).size());
        assertTrue(perTrial(results).values().stream().allMatch(n -> n == 1), "no row twice: " + perTrial(results));
        if (leftover > 0) {
            assertTrue(again.text().contains("removed " + leftover + " stale file(s) from "), again.text());
        }
        assertEquals(List.of(), incoming(results, true), "the rerun leaves nothing in _incoming");
        System.out.printf("fault SIGTERM: planned %d, committed before the kill %d, stopped in %.1f s, rerun ran %d,"
                + " rows %d, duplicates 0, lost 0, files in _incoming after the stop %d (removed by the rerun)%n",
                PLANNED, before, seconds, PLANNED - before, committed(results).size(), leftover);
    }

    @Test
    void sigkillThenTheSameCommandRunsOnlyTheMissingTrialsAndTakesTheStaleLeaseOver(@TempDir Path dir) throws Exception {
        Path conf = longSweep(dir);
        Path results = dir.resolve("out/results");
        Run run = start(dir, "first", conf);
        awaitLog(run, t -> t.contains(" OK ("), 180); // one trial committed
        run.process().destroyForcibly(); // SIGKILL: no hook runs
        finish(run, 30);
        List<String> kept = committed(results);
        assertTrue(kept.size() >= 1 && kept.size() < PLANNED, kept.toString());
        assertTrue(Files.exists(dir.resolve("out/_LEASE")), "a killed driver leaves its lease");

        Run again = start(dir, "rerun", conf);
        assertEquals(0, finish(again, 240), again.text());
        String log = again.text();
        assertTrue(log.contains("taking over the stale lease of sweep 'test'"), log);
        int missing = PLANNED - kept.size();
        assertTrue(log.contains(kept.size() + " already OK, " + missing + " ran (OK " + missing + ", FAILED 0"), log);
        List<String> after = committed(results);
        assertTrue(after.containsAll(kept), "no committed row lost");
        assertEquals(PLANNED, perTrial(results).size(), "no trial lost");
        assertTrue(perTrial(results).values().stream().allMatch(n -> n == 1), "no trial twice: " + perTrial(results));
        System.out.printf("fault SIGKILL: planned %d, committed before the kill %d, rerun ran %d, rows %d, duplicates 0,"
                + " lost 0, stale lease taken over%n", PLANNED, kept.size(), missing, after.size());
    }

    @Test
    void aSecretFromTheEnvironmentIsNowhereInWhatTheSweepWritesOrLogs(@TempDir Path dir) throws Exception {
        SweepFixtures.tasks(dir, true);
        String secrets = "conf {\n  \"spark.hadoop.fs.s3a.secret.key\" = ${?DASH_TEST_SECRET}\n}";
        Path ok = SweepFixtures.sweep(dir, SweepFixtures.body(dir, "tiny", "backbone", "0", "report = true"), secrets);
        assertEquals(0, finish(start(dir, "ok", ok), 240), Files.readString(dir.resolve("ok.log")));
        Path invalid = SweepFixtures.sweep(dir, SweepFixtures.body(dir, "tiny", "backbone", "0", null),
                "task-cpus = ${?DASH_TEST_SECRET}\n" + secrets);
        Run bad = start(dir, "invalid", invalid);
        assertEquals(2, finish(bad, 120), bad.text());
        assertTrue(bad.text().contains("spark.task-cpus: '*********(redacted)' must be a positive integer"), bad.text());
        Path failing = SweepFixtures.sweep(dir, SweepFixtures.body(dir, "tiny, bad-labels", "backbone", "0", null), secrets);
        assertEquals(3, finish(start(dir, "failing", failing), 240), Files.readString(dir.resolve("failing.log")));

        List<Path> scanned = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                scanned.add(f);
                byte[] bytes = Files.readAllBytes(f);
                assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains(SECRET), "the secret is in " + f);
            }
        }
        assertTrue(scanned.stream().anyMatch(p -> p.toString().endsWith("_summary.json")), scanned.toString());
        assertTrue(scanned.stream().anyMatch(p -> p.toString().endsWith("index.html")), scanned.toString());
        assertTrue(scanned.stream().anyMatch(p -> p.toString().endsWith(".parquet")), scanned.toString());
        assertTrue(scanned.stream().filter(p -> p.toString().endsWith(".log")).count() == 3, scanned.toString());
        System.out.printf("fault secret: 3 runs (exit 0, 2, 3), %d files and logs scanned, 0 occurrences%n", scanned.size());
    }
}
