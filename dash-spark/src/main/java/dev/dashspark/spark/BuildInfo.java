package dev.dashspark.spark;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What was built: the dash-spark version and the source revision (from {@code build.properties}, filled in by Maven
 * from git), and the versions of Spark, ND4J and Java that run — the provenance columns of the results table.
 */
public final class BuildInfo {
    private static final Properties BUILD = load();

    private BuildInfo() {
    }

    /** The git commit the jar was built from, with {@code -dirty} if the tree had changes; {@code unknown} if none. */
    public static String gitRevision() {
        String id = BUILD.getProperty("git.commit.id", "");
        if (id.isBlank() || id.startsWith("${")) {
            return "unknown";
        }
        return "true".equals(BUILD.getProperty("git.dirty")) ? id + "-dirty" : id;
    }

    public static String version() {
        String v = BUILD.getProperty("version", "");
        return v.isBlank() || v.startsWith("${") ? "unknown" : v;
    }

    /** dash-spark, Spark (running), ND4J (built against) and Java versions. */
    public static Map<String, String> versions() {
        Map<String, String> m = new TreeMap<>();
        m.put("dash-spark", version());
        m.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
        m.put("nd4j", BUILD.getProperty("dl4j.version", "unknown"));
        m.put("java", System.getProperty("java.version"));
        return m;
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // no build information: every value reads as unknown
        }
        return p;
    }
}
