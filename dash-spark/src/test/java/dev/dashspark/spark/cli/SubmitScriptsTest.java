package dev.dashspark.spark.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code submit/dash} and {@code submit/dash-submit} as a scheduler runs them, with stand-ins for {@code java},
 * {@code mvn} and {@code spark-submit} that record their arguments: {@code --help} exits 0 on stdout, a set
 * {@code DASH_JAR} never runs Maven, and the JVM flags travel in Spark's {@code defaultJavaOptions}, so a user's
 * {@code extraJavaOptions} adds to them.
 */
class SubmitScriptsTest {
    private static final Path SUBMIT = Path.of("../submit").toAbsolutePath().normalize();

    private record Run(int status, String out, String err) {
    }

    /** Stand-ins in {@code bin/}: each appends its arguments, one per line, to {@code <name>.args}. */
    private static Path standIns(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String name : List.of("java", "mvn", "spark-submit")) {
            Path f = bin.resolve(name);
            Files.writeString(f, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done >> " + dir.resolve(name + ".args")
                    + "\n", StandardCharsets.UTF_8);
            f.toFile().setExecutable(true);
        }
        return bin;
    }

    private static Run run(Path dir, Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
    }

    private static List<String> args(Path dir, String name) throws IOException {
        Path f = dir.resolve(name + ".args");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    /** What {@code openblas_coretype} of submit/openblas-coretype.sh prints with these variables set. */
    private static String coretype(Path dir, String dashChoice, String machineWide) throws Exception {
        String script = ". " + SUBMIT.resolve("openblas-coretype.sh") + "; openblas_coretype";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).redirectOutput(dir.resolve("ct.txt").toFile());
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("DASH_OPENBLAS_CORETYPE");
        if (dashChoice != null) {
            pb.environment().put("DASH_OPENBLAS_CORETYPE", dashChoice);
        }
        if (machineWide != null) {
            pb.environment().put("OPENBLAS_CORETYPE", machineWide);
        }
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return Files.readString(dir.resolve("ct.txt"));
    }

    @Test
    void openblasKernelsAMachineWideSettingWinsUnlessACoreIsNamed(@TempDir Path dir) throws Exception {
        assertEquals("", coretype(dir, null, "Haswell"), "auto keeps a machine-wide OPENBLAS_CORETYPE");
        assertEquals("", coretype(dir, "auto", "Haswell"));
        assertEquals("", coretype(dir, "keep", null));
        assertEquals("SkylakeX", coretype(dir, "SkylakeX", "Haswell"), "a named core is an explicit opt-in");
        String flags = Files.exists(Path.of("/proc/cpuinfo")) ? Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("flags")).findFirst().orElse("") + " " : "";
        boolean avx512 = List.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl").stream()
                .allMatch(f -> flags.contains(" " + f + " "));
        assertEquals(avx512 ? "SKYLAKEX" : "", coretype(dir, null, null), "unset: SkylakeX's kernels where the CPU has them");
    }

    @Test
    void dashSubmitHelpExitsZeroOnStdout(@TempDir Path dir) throws Exception {
        for (String flag : List.of("--help", "-h")) {
            Run r = run(dir, Map.of(), SUBMIT.resolve("dash-submit").toString(), flag);
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().startsWith("dash-submit: runs a dash command"), r.out());
            assertTrue(r.out().contains("DASH_JAR") && r.out().contains("-- --help"), r.out());
            assertEquals("", r.err());
        }
        Run r = run(dir, Map.of(), SUBMIT.resolve("dash-submit").toString(), "--master", "local[2]");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("dash-submit: missing '--'"), r.err());
    }

    @Test
    void dashSubmitWithDashJarNeverBuildsAndPassesItsFlagsAsDefaultJavaOptions(@TempDir Path dir) throws Exception {
        Path bin = standIns(dir);
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"), "DASH_JAR", "/opt/dash/app.jar",
                "SPARK_SUBMIT", bin.resolve("spark-submit").toString());
        Run r = run(dir, env, SUBMIT.resolve("dash-submit").toString(), "--master", "yarn", "--conf",
                "spark.executor.extraJavaOptions=-Dmine=1", "--", "sweep", "--conf", "x.conf");
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of(), args(dir, "mvn"), "DASH_JAR set: Maven never runs");
        List<String> a = args(dir, "spark-submit");
        int driver = a.indexOf(a.stream().filter(s -> s.startsWith("spark.driver.defaultJavaOptions=")).findFirst().orElseThrow());
        assertEquals("--conf", a.get(driver - 1));
        assertTrue(a.get(driver).contains("--add-opens=java.base/java.nio=ALL-UNNAMED"), a.get(driver));
        String executor = a.stream().filter(s -> s.startsWith("spark.executor.defaultJavaOptions=")).findFirst().orElseThrow();
        assertTrue(executor.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED")
                && executor.contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=8G"), executor);
        assertTrue(a.contains("spark.executor.extraJavaOptions=-Dmine=1"), "the user's own options stay theirs: " + a);
        assertEquals(List.of("/opt/dash/app.jar", "sweep", "--conf", "x.conf"), a.subList(a.size() - 4, a.size()));
        assertFalse(a.stream().anyMatch(s -> s.startsWith("spark.executor.extraJavaOptions=-XX")), a.toString());
    }

    @Test
    void dashWithDashJarNeverBuildsAndRunsTheJarWithSparksJars(@TempDir Path dir) throws Exception {
        Path bin = standIns(dir);
        Path jar = Files.writeString(dir.resolve("dash-spark-all.jar"), "not really a jar");
        Path sparkHome = Files.createDirectories(dir.resolve("spark/jars")).getParent();
        List<String> cmd = new ArrayList<>(List.of(SUBMIT.resolve("dash").toString(), "sweep", "--help"));
        Run r = run(dir, Map.of("PATH", bin + ":" + System.getenv("PATH"), "DASH_JAR", jar.toString(),
                "SPARK_HOME", sparkHome.toString()), cmd.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of(), args(dir, "mvn"), "DASH_JAR set: Maven never runs");
        List<String> a = args(dir, "java");
        String cp = a.get(a.indexOf("-cp") + 1);
        assertTrue(cp.startsWith(jar + ":"), cp);
        assertEquals(List.of(DashSparkCli.class.getName(), "sweep", "--help"), a.subList(a.size() - 3, a.size()));

        Run missing = run(dir, Map.of("PATH", bin + ":" + System.getenv("PATH"), "DASH_JAR", dir.resolve("nope.jar").toString()),
                SUBMIT.resolve("dash").toString(), "sweep");
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("DASH_JAR=" + dir.resolve("nope.jar") + ": no such file"), missing.err());
    }
}
