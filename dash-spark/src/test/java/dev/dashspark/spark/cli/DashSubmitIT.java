package dev.dashspark.spark.cli;

import dev.dashspark.spark.sweep.SweepFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code submit/dash-submit} end to end, after {@code package}: the shaded jar goes through Spark's own
 * {@code SparkSubmit} (launched with only the classpath a cluster provides: Spark, Hadoop and Spark's logging), runs a small sweep
 * on {@code local[2]} and commits its rows; a bad configuration exits 2 naming the key.
 */
class DashSubmitIT {
    private static Path jar;
    private static String providedClasspath;

    @BeforeAll
    static void artifacts() throws IOException {
        jar = Path.of(System.getProperty("dash.test.jar"));
        assertTrue(Files.isRegularFile(jar), "the shaded jar must exist after package: " + jar);
        Path cp = Path.of(System.getProperty("dash.test.providedClasspath"));
        assertTrue(Files.isRegularFile(cp), "module spark-cluster writes the cluster classpath: " + cp);
        providedClasspath = Files.readString(cp).trim();
    }

    /** A stand-in for a Spark distribution's bin/spark-submit: SparkSubmit on the provided classpath. */
    private static Path sparkSubmit(Path dir) throws IOException {
        Path s = dir.resolve("spark-submit");
        Files.writeString(s, "#!/bin/sh\nexec java " + System.getProperty("dash.test.jvmFlags")
                + " -Xmx2g -Dorg.bytedeco.javacpp.maxphysicalbytes=4G -cp '" + providedClasspath
                + "' org.apache.spark.deploy.SparkSubmit \"$@\"\n", StandardCharsets.UTF_8);
        s.toFile().setExecutable(true);
        return s;
    }

    private record Run(int status, String out) {
    }

    private static Run dashSubmit(Path dir, String... dashArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of("../submit/dash-submit").toAbsolutePath().normalize().toString(),
                "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--"));
        cmd.addAll(List.of(dashArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile());
        pb.environment().put("SPARK_SUBMIT", sparkSubmit(dir).toString());
        pb.environment().put("DASH_JAR", jar.toString());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "dash-submit did not finish in 240 s");
        return new Run(p.exitValue(), Files.readString(dir.resolve("log.txt")));
    }

    @Test
    void theShadedJarRunsASweepThroughSparkSubmit(@TempDir Path dir) throws Exception {
        SweepFixtures.tasks(dir, false);
        Path conf = SweepFixtures.sweep(dir, SweepFixtures.body(dir, "tiny", "dash, backbone", "0", null), null);
        Run r = dashSubmit(dir, "sweep", "--conf", conf.toString());
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("sweep test: 2 planned, 0 already OK, 2 ran (OK 2, FAILED 0, DIVERGED 0)"), r.out());
        assertTrue(r.out().contains("results: " + dir.resolve("out/results")), r.out());
        try (Stream<Path> s = Files.list(dir.resolve("out/results"))) {
            assertEquals(2, s.filter(p -> p.toString().endsWith(".parquet")).count());
        }
    }

    @Test
    void aBadConfigurationExitsTwoNamingTheKey(@TempDir Path dir) throws Exception {
        SweepFixtures.tasks(dir, false);
        Path conf = SweepFixtures.sweep(dir, SweepFixtures.body(dir, "tiny", "dash, dahs", "0", null), null);
        Run r = dashSubmit(dir, "sweep", "--conf", conf.toString());
        assertEquals(2, r.status(), r.out());
        assertTrue(r.out().contains("sweep.methods[1]: unknown method 'dahs'"), r.out());
    }
}
