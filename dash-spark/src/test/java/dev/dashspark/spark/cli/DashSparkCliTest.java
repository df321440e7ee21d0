package dev.dashspark.spark.cli;

import dev.dashspark.core.cli.ExitStatus;
import dev.dashspark.spark.sweep.SweepFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark application's command line: one tree with dash-core's, help everywhere, exit statuses 0, 2 and 4. */
class DashSparkCliTest {

    private record Run(int status, String out, String err) {
    }

    private static Run dash(String... args) {
        CommandLine cl = DashSparkCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private static void paths(CommandLine cl, List<String> prefix, List<List<String>> out) {
        out.add(prefix);
        cl.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(prefix);
            p.add(name);
            paths(sub, p, out);
        });
    }

    @Test
    void everyCommandHasHelpOnStdoutWithExitZero() {
        List<List<String>> all = new ArrayList<>();
        paths(DashSparkCli.commandLine(), List.of(), all);
        assertEquals(List.of(List.of(), List.of("trial"), List.of("bench"), List.of("bench", "aggconv"),
                List.of("bench", "trial"), List.of("bench", "data"), List.of("bench", "sweep"), List.of("sweep"), List.of("demo"),
                List.of("report")), all);
        for (List<String> path : all) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Run r = dash(args.toArray(String[]::new));
            assertEquals(0, r.status(), path + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: dash"), r.out());
            assertTrue(r.out().contains("Exit status:") && r.out().contains("4   the output is held by another sweep"), r.out());
            assertEquals("", r.err());
        }
        assertTrue(dash("sweep", "--help").out().contains("--wait"));
    }

    @Test
    void badCommandLinesAndConfigurationsExitTwo(@TempDir Path dir) throws Exception {
        Run r = dash("sweep");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("Missing required option: '--conf=FILE'"), r.err());
        r = dash("sweep", "--conf", dir.resolve("absent.conf").toString());
        assertEquals(2, r.status());
        assertEquals("dash sweep: --conf: cannot read '" + dir.resolve("absent.conf") + "'\nsee 'dash sweep --help'\n", r.err());
        SweepFixtures.tasks(dir, false);
        Path conf = SweepFixtures.sweep(dir, SweepFixtures.body(dir, "tiny", "dash, dahs", "0", null), null);
        r = dash("sweep", "--conf", conf.toString(), "--plan");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("sweep.methods[1]: unknown method 'dahs'"), r.err());
        r = dash("report", "--results", "x", "--out", "y", "--planned", "-1");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--planned: expected an integer ≥ 0, got -1"), r.err());
    }

    @Test
    void planPrintsTheTrialsAndAHeldOutputExitsFour(@TempDir Path dir) throws Exception {
        SweepFixtures.tasks(dir, false);
        Path conf = SweepFixtures.sweep(dir, SweepFixtures.body(dir, "tiny", "dash, backbone", "0", null), null);
        Run plan = dash("sweep", "--conf", conf.toString(), "--plan");
        assertEquals(0, plan.status(), plan.err());
        assertTrue(plan.out().startsWith("# sweep test: 2 trials"), plan.out());

        Files.createDirectories(dir.resolve("out"));
        Files.writeString(dir.resolve("out/_LEASE"), "{\"owner\":\"nightly\",\"token\":\"t\",\"host\":\"elsewhere\",\"pid\":7,"
                + "\"pidStartedMs\":0,\"startedAt\":\"" + Instant.now() + "\",\"heartbeatAt\":\"" + Instant.now()
                + "\",\"timeoutMs\":600000}");
        Run held = dash("sweep", "--conf", conf.toString(), "--master", "local[2]");
        assertEquals(ExitStatus.OUTPUT_HELD.code(), held.status(), held.err());
        assertTrue(held.err().startsWith("dash sweep: output " + dir.resolve("out") + " is held by sweep 'nightly' on"
                + " elsewhere (pid 7)"), held.err());
    }
}
