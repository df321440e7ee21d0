package dev.dashspark.spark.testing;

import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one way tests start Spark: {@code local[2]} on the loopback, no UI, two shuffle partitions, plus the given
 * settings (e.g. {@link S3Server#sparkProperties()}); or {@link #cluster} for executors in JVMs of their own. A test
 * class starts one session and stops it when done.
 */
public final class LocalSpark {
    private LocalSpark() {
    }

    public static SparkSession start(Class<?> test) {
        return start(test, Map.of());
    }

    public static SparkSession start(Class<?> test, Map<String, String> settings) {
        SparkSession.Builder b = SparkSession.builder().master("local[2]").appName(test.getSimpleName())
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        settings.forEach(b::config);
        return b.getOrCreate();
    }

    /**
     * Spark's {@code local-cluster[2,1,1536]}: a master and two workers in this JVM, each launching its executor as
     * its own Java process on this test class path (with the JVM flags of {@code dash.test.jvmFlags}, a 3G off-heap
     * cap and one OpenMP thread), plus the given settings.
     */
    public static SparkSession cluster(Class<?> test, Map<String, String> settings) throws IOException {
        Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
        String flags = System.getProperty("dash.test.jvmFlags", "");
        SparkSession.Builder b = SparkSession.builder().master("local-cluster[2,1,1536]").appName(test.getSimpleName())
                .config("spark.ui.enabled", "false")
                .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .config("spark.executor.extraJavaOptions", flags + " -Dorg.bytedeco.javacpp.maxphysicalbytes=3G"
                        + " -Dlog4j2.configurationFile=log4j2-test.xml")
                .config("spark.executorEnv.OMP_NUM_THREADS", "1")
                .config("spark.executor.memory", "1536m");
        settings.forEach(b::config);
        return b.getOrCreate();
    }
}
