package dev.dashspark.spark.testing;

import org.apache.spark.sql.SparkSession;

import java.util.Map;

/**
 * The one way tests start Spark: {@code local[2]} on the loopback, no UI, two shuffle partitions, plus the given
 * settings (e.g. {@link S3Server#sparkProperties()}). A test class starts one session and stops it when done.
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
}
