package dev.dashspark.spark.sweep;

import org.apache.spark.SparkConf;

import java.io.Serializable;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a sweep never prints: Spark's own redaction ({@code spark.redaction.regex}: a setting whose key or value
 * matches is hidden; {@code spark.redaction.string.regex}: matching text is hidden anywhere), plus keys that look
 * like secrets ({@link #SECRET_KEYS}), plus the literal values of every such setting and of every environment
 * variable with a secret-looking name that the sweep file substitutes ({@code ${?AWS_SECRET_ACCESS_KEY}}). Every
 * configuration value the sweep logs, every error message about the configuration, and the input of
 * {@code config_hash} pass through it.
 */
public final class Redaction implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What Spark writes instead of a redacted value. */
    public static final String REPLACEMENT = org.apache.spark.util.Utils$.MODULE$.REDACTION_REPLACEMENT_TEXT();

    /** Keys (and environment variable names) that look like secrets, beyond Spark's own pattern. */
    public static final Pattern SECRET_KEYS = Pattern.compile(
            "(?i)secret|passw(or)?d|token|access[._-]?key|private[._-]?key|credential(?!s?[._-]?provider)");

    /** Literal values shorter than this are not hidden inside other text (their keys still are). */
    static final int MIN_SECRET = 4;

    private final Pattern sparkKeys;
    private final Pattern sparkText;
    private final List<String> secrets;

    private Redaction(Pattern sparkKeys, Pattern sparkText, Set<String> secrets) {
        this.sparkKeys = sparkKeys;
        this.sparkText = sparkText;
        // longest first, so that a secret containing another is hidden whole; values shorter than MIN_SECRET are no
        // credentials, and hiding them everywhere would garble every message (a line number, a "1")
        this.secrets = secrets.stream().filter(s -> s.length() >= MIN_SECRET).sorted(Comparator.comparingInt(String::length)
                .reversed().thenComparing(Comparator.naturalOrder())).toList();
    }

    /**
     * The redaction of a sweep: Spark's patterns from {@code settings} (the sweep's {@code spark.conf}), else from
     * the {@code spark-submit} settings of this JVM, else Spark's defaults; {@code secrets} are literal values to
     * hide wherever they appear.
     */
    public static Redaction of(Map<String, String> settings, Set<String> secrets) {
        SparkConf submitted = new SparkConf();
        String keyRegex = settings.getOrDefault("spark.redaction.regex", submitted.get("spark.redaction.regex",
                org.apache.spark.internal.config.package$.MODULE$.SECRET_REDACTION_PATTERN().defaultValueString()));
        String textRegex = settings.getOrDefault("spark.redaction.string.regex",
                submitted.get("spark.redaction.string.regex", null));
        return new Redaction(Pattern.compile(keyRegex), textRegex == null ? null : Pattern.compile(textRegex),
                new TreeSet<>(secrets));
    }

    /** Whether a setting named {@code key} is a secret (Spark's pattern or {@link #SECRET_KEYS}). */
    public boolean secretKey(String key) {
        return sparkKeys.matcher(key).find() || SECRET_KEYS.matcher(key).find();
    }

    /** {@code value} as it may be shown for {@code key}: {@link #REPLACEMENT} when either is a secret, else scrubbed. */
    public String value(String key, String value) {
        if (value == null) {
            return null;
        }
        if (secretKey(key) || sparkKeys.matcher(value).find()) {
            return REPLACEMENT;
        }
        return scrub(value);
    }

    /** Every value of {@code settings} as {@link #value} shows it, in the same order. */
    public Map<String, String> map(Map<String, String> settings) {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((k, v) -> out.put(k, value(k, v)));
        return out;
    }

    /** {@code text} with every known secret, and whatever {@code spark.redaction.string.regex} matches, replaced. */
    public String scrub(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, REPLACEMENT);
        }
        return sparkText == null ? out : sparkText.matcher(out).replaceAll(Matcher.quoteReplacement(REPLACEMENT));
    }

    /** A copy that also hides {@code more}. */
    Redaction with(Set<String> more) {
        Set<String> all = new TreeSet<>(secrets);
        all.addAll(more);
        return new Redaction(sparkKeys, sparkText, all);
    }
}
