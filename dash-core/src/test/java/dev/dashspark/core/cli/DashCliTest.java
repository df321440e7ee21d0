package dev.dashspark.core.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line: generated help on every command, exit statuses, errors that name the option or value. */
class DashCliTest {

    /** Output of one run of the configured command line. */
    record Run(int status, String out, String err) {
    }

    static Run run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private static Run dash(String... args) {
        return run(DashCli.configure(DashCli.tree()), args);
    }

    /** Every command path of the tree, e.g. [], [trial], [bench], [bench, aggconv]. */
    static List<List<String>> commands(CommandLine cl, List<String> prefix) {
        List<List<String>> out = new ArrayList<>();
        out.add(prefix);
        cl.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(prefix);
            p.add(name);
            out.addAll(commands(sub, p));
        });
        return out;
    }

    @Test
    void helpOnEveryCommandPrintsItsUsageAndTheExitStatusesOnStdoutAndExitsZero() {
        List<List<String>> all = commands(DashCli.tree(), List.of());
        assertEquals(List.of(List.of(), List.of("trial"), List.of("bench"), List.of("bench", "aggconv"),
                List.of("bench", "trial"), List.of("bench", "data")), all);
        for (List<String> path : all) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Run r = dash(args.toArray(String[]::new));
            assertEquals(0, r.status(), path + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: dash" + (path.isEmpty() ? "" : " " + String.join(" ", path))), r.out());
            for (ExitStatus s : ExitStatus.values()) {
                assertTrue(r.out().contains(s.code() + "   " + s.meaning().substring(0, 30)), path + " lists exit status " + s + ":\n" + r.out());
            }
            assertEquals("", r.err(), path.toString());
        }
        assertTrue(dash("trial", "--help").out().contains("--method=METHOD"));
    }

    @Test
    void usageErrorsExitTwoNamingTheOptionOrValue() {
        Run r = dash("trial", "--conf", "x.conf", "--task", "t", "--method", "dahs");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--method") && r.err().contains("unknown method 'dahs'"), r.err());
        r = dash("trial", "--conf", "x.conf");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("Missing required options: '--task=NAME', '--method=METHOD'"), r.err());
        r = dash("sweep");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("Unmatched argument at index 0: 'sweep'"), r.err());
        assertEquals(2, dash().status(), "no command");
        assertEquals(2, dash("bench").status(), "no benchmark");
        r = dash("bench", "aggconv", "--sweep", "kd", "--points", "0");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--points: '0' is not an integer in 1..7"), r.err());
        r = dash("bench", "aggconv", "--sweep", "kd", "--methods", "fft,fast");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown AggConv method 'fast'"), r.err());
        r = dash("bench", "data", "--formats", "npy,hdf5");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("bench data: --formats: unknown format 'hdf5'"), r.err());
    }

    @Test
    void aBadConfigurationFileExitsTwoWithTheFileAndTheCommandsHelpHint(@TempDir Path dir) throws Exception {
        Run r = dash("trial", "--conf", dir.resolve("absent.conf").toString(), "--task", "t", "--method", "dash");
        assertEquals(2, r.status());
        assertEquals("dash trial: --conf: cannot read '" + dir.resolve("absent.conf") + "'\nsee 'dash trial --help'\n",
                r.err());
        Path conf = Files.writeString(dir.resolve("tasks.conf"), "task.a.dims = 3\n");
        r = dash("trial", "--conf", conf.toString(), "--task", "a", "--method", "dash");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("dash trial: --conf: "), r.err());
    }

    @Test
    void otherErrorsExitWithTheirOwnStatus() {
        CommandLine cl = DashCli.tree();
        cl.addSubcommand("held", new Held());
        cl.addSubcommand("bug", new Bug());
        DashCli.configure(cl);
        Run r = run(cl, "held");
        assertEquals(4, r.status());
        assertEquals("dash held: held by someone\n", r.err());
        r = run(cl, "bug");
        assertEquals(1, r.status(), "an IllegalArgumentException that is not a ConfigError is a bug");
        assertTrue(r.err().contains("java.lang.IllegalArgumentException: a bug, not bad input"), r.err());
    }

    @CommandLine.Command(name = "held")
    static final class Held implements Runnable {
        @Override
        public void run() {
            throw new ExitStatus.Failure(ExitStatus.OUTPUT_HELD, "held by someone");
        }
    }

    @CommandLine.Command(name = "bug")
    static final class Bug implements Runnable {
        @Override
        public void run() {
            throw new IllegalArgumentException("a bug, not bad input");
        }
    }
}
