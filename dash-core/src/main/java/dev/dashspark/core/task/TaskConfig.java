package dev.dashspark.core.task;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Task definitions in {@link Properties} syntax, one key per line: {@code task.<name>.<key> = value}, with the keys
 * of {@link TaskSpec#fromProperties(String, Map)} ({@code synthetic.<param>} keys keep their dot). Comments start
 * with {@code #}. Example ({@code conf/nb360.conf} holds the ten NAS-Bench-360 tasks):
 * <pre>
 * task.ecg.dims = 1
 * task.ecg.channels = 1
 * task.ecg.shape = 1000
 * ...
 * </pre>
 * Every key must start with {@code task.<name>.}; every task is validated as a whole, and errors are prefixed by the
 * source, e.g. {@code conf/nb360.conf: task 'ecg': missing key 'loss'}.
 */
public final class TaskConfig {

    private static final String PREFIX = "task.";

    private TaskConfig() {
    }

    /** Reads and validates all tasks of {@code file} (UTF-8), by name in sorted order. */
    public static Map<String, TaskSpec> load(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return load(r, file.toString());
        }
    }

    /** Reads and validates all tasks from {@code reader}; {@code source} names it in errors. */
    public static Map<String, TaskSpec> load(Reader reader, String source) throws IOException {
        Properties props = new Properties();
        props.load(reader);
        return parse(props, source);
    }

    /** Validates all tasks of {@code props}, by name in sorted order. */
    public static Map<String, TaskSpec> parse(Properties props, String source) {
        Map<String, Map<String, String>> byTask = new TreeMap<>();
        for (String key : new TreeMap<>(toMap(props)).keySet()) {
            int dot = key.indexOf('.', PREFIX.length());
            if (!key.startsWith(PREFIX) || dot < 0 || dot == PREFIX.length() || dot == key.length() - 1) {
                throw new IllegalArgumentException(source + ": key '" + key + "' is not of the form task.<name>.<key>");
            }
            String name = key.substring(PREFIX.length(), dot);
            byTask.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(key.substring(dot + 1), props.getProperty(key));
        }
        Map<String, TaskSpec> out = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, String>> e : byTask.entrySet()) {
            try {
                out.put(e.getKey(), TaskSpec.fromProperties(e.getKey(), e.getValue()));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(source + ": " + ex.getMessage(), ex);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(source + ": defines no task (no task.<name>.<key> entries)");
        }
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, String> toMap(Properties props) {
        Map<String, String> m = new TreeMap<>();
        for (String k : props.stringPropertyNames()) {
            m.put(k, props.getProperty(k));
        }
        return m;
    }
}
