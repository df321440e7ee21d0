package dev.dashspark.core.util;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --name value} command-line flags. Errors name the flag and the bad value and list the accepted flags.
 */
public final class Flags {
    private final Map<String, String> values;

    private Flags(Map<String, String> values) {
        this.values = values;
    }

    /** Parses {@code args} as pairs; every flag must be in {@code accepted} (written with their leading dashes). */
    public static Flags parse(String[] args, List<String> accepted) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (!accepted.contains(flag)) {
                throw new IllegalArgumentException("unknown flag '" + flag + "'; expected " + String.join(", ", accepted));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + ": missing value");
            }
            values.put(flag, args[++i]);
        }
        return new Flags(values);
    }

    public String string(String flag, String fallback) {
        return values.getOrDefault(flag, fallback);
    }

    /** The value of a required flag. */
    public String required(String flag) {
        String v = values.get(flag);
        if (v == null) {
            throw new IllegalArgumentException(flag + ": required");
        }
        return v;
    }

    public long integer(String flag, long fallback) {
        String v = values.get(flag);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": expected an integer, got '" + v + "'");
        }
    }

    /** An integer flag ≥ {@code min}. */
    public int integer(String flag, int fallback, int min) {
        long v = integer(flag, fallback);
        if (v < min || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(flag + ": expected an integer ≥ " + min + ", got '" + values.get(flag) + "'");
        }
        return (int) v;
    }
}
