package dev.dashspark.spark.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import dev.dashspark.core.cli.ConfigError;
import dev.dashspark.core.trial.HpoGrid;
import dev.dashspark.core.trial.Method;
import dev.dashspark.core.trial.TrialRunner;
import dev.dashspark.core.task.TaskConfig;
import dev.dashspark.core.task.TaskSpec;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A sweep: tasks × methods × hyperparameter settings × seeds, with budgets, an output location and Spark
 * resources, read from a HOCON file (see {@code conf/demo.conf} and README's configuration reference). The file is
 * validated completely here, before any Spark job starts: every error names the file, line, key and value, e.g.
 * {@code conf/x.conf:7: sweep.methods[1]: unknown method 'dahs'; expected one of dash, mixed-results, backbone, random}.
 *
 * @param file        the configuration file
 * @param name        the sweep id ({@code sweep.name})
 * @param tasks       the resolved task of every (task, setting), by task name then setting name
 * @param methods     the methods, in configuration order
 * @param settings    the named settings: what each overrides (task keys, {@code hpo}, {@code validation-fraction},
 *                    {@code retrain-widen})
 * @param seeds       the seeds
 * @param output      where results and the report go: a local path, {@code file:}, {@code hdfs:} or {@code s3a:} URI
 * @param report      whether the sweep ends by writing the report
 * @param spark       Spark resources and settings
 * @param configHash  SHA-256 (hex, 16 chars) of the resolved configuration including the task definitions, secrets
 *                    redacted first
 * @param operations  how the sweep runs under a scheduler: timeouts, reruns, checkpoints, the output lease
 * @param redaction   what must never be printed: every logged value and error passes through it
 */
public record SweepConfig(Path file, String name, Map<String, Map<String, ResolvedTask>> tasks, List<Method> methods,
                          Map<String, Map<String, String>> settings, List<Long> seeds, String output, boolean report,
                          SparkSettings spark, String configHash, Operations operations, Redaction redaction) {

    /**
     * How a sweep behaves under a scheduler.
     *
     * @param trialTimeout    a trial running longer is cancelled (its job with interrupt) and gets a FAILED row
     *                        saying so; null: no limit ({@code sweep.trial-timeout})
     * @param maxAttempts     runs of one trial across sweep runs, the first included; a FAILED trial is rerun while
     *                        it has had fewer ({@code sweep.max-attempts}, default 3)
     * @param rerunDiverged   whether DIVERGED trials are rerun too (within maxAttempts); the same seed usually
     *                        diverges again ({@code sweep.rerun-diverged}, default false)
     * @param checkpointEvery each stage of a trial saves its state every this many epochs; 0: a tenth of the stage
     *                        ({@code sweep.checkpoint-every})
     * @param keepCheckpoints whether a trial's checkpoints stay after its row is committed
     *                        ({@code sweep.keep-checkpoints}, default false)
     * @param leaseTimeout    a lease on the output whose heartbeat is older is taken over
     *                        ({@code sweep.lease-timeout}, default 5 minutes)
     */
    public record Operations(Duration trialTimeout, int maxAttempts, boolean rerunDiverged, int checkpointEvery,
                             boolean keepCheckpoints, Duration leaseTimeout) {
        public static final Operations DEFAULT = new Operations(null, 3, false, 0, false, Duration.ofMinutes(5));
    }

    /** A task as one setting runs it: the validated spec and the trial options. */
    public record ResolvedTask(TaskSpec spec, TrialRunner.Options options) {
    }

    /**
     * Spark resources.
     *
     * @param master       the master used when the application is not launched by {@code spark-submit}
     * @param taskCpus     cores per trial ({@code spark.task.cpus}, and the ND4J/OpenMP threads of each trial)
     * @param taskGpus     GPUs per trial ({@code spark.task.resource.gpu.amount}); 0 for CPU only
     * @param conf         further {@code spark.*} settings, passed as they are
     */
    public record SparkSettings(String master, int taskCpus, double taskGpus, Map<String, String> conf) {
    }

    static final List<String> SWEEP_KEYS = List.of("name", "tasks-file", "tasks", "methods", "settings", "seeds",
            "budget", "output", "report", "trial-timeout", "max-attempts", "rerun-diverged", "checkpoint-every",
            "keep-checkpoints", "lease-timeout");
    static final List<String> BUDGET_KEYS = List.of("search-epochs", "hpo-epochs", "retrain-epochs");
    /** Task keys a setting may override, and the trial options. */
    static final List<String> SETTING_TASK_KEYS = List.of("kernels", "dilations", "batch", "search-epochs",
            "hpo-epochs", "retrain-epochs", "grad-scale", "pos-weight", "augment", "augment-fill",
            "target-normalization");
    static final List<String> SETTING_OPTION_KEYS = List.of("hpo", "validation-fraction", "retrain-widen");
    static final List<String> SPARK_KEYS = List.of("master", "task-cpus", "task-gpus", "conf");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    /** Reads and validates {@code file}; environment variables may be substituted ({@code ${?DASH_OUTPUT}}). */
    public static SweepConfig load(Path file) {
        return load(file, Map.of());
    }

    /**
     * Reads and validates {@code file} with {@code overrides} (dotted keys such as {@code sweep.output} or
     * {@code spark.master}, from the command line) taking precedence over the file.
     */
    public static SweepConfig load(Path file, Map<String, String> overrides) {
        return load(file, overrides, System.getenv());
    }

    /**
     * Reads and validates {@code file} with {@code env} as the environment its {@code ${?VAR}} substitutions see.
     * Values of environment variables whose names look like secrets ({@link Redaction#SECRET_KEYS}), and of
     * settings whose keys do, never appear in an error or a log line.
     */
    public static SweepConfig load(Path file, Map<String, String> overrides, Map<String, String> env) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigError("--conf: cannot read '" + file + "'");
        }
        Set<String> envSecrets = secretEnvironment(read(file), env);
        Redaction redaction = Redaction.of(Map.of(), envSecrets);
        Config root;
        Config parsed;
        try {
            parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults()
                    .setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
            if (!overrides.isEmpty()) {
                parsed = ConfigFactory.parseMap(overrides, "command line").withFallback(parsed);
            }
            // the environment as a fallback of the file, for substitutions only: then the file's own keys again
            Config resolved = parsed.withFallback(ConfigValueFactory.fromMap(new TreeMap<>(env), "environment"))
                    .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
            Config own = ConfigFactory.empty();
            for (String key : parsed.root().keySet()) {
                own = own.withFallback(resolved.root().withOnlyKey(key).toConfig());
            }
            root = own;
        } catch (ConfigException e) {
            throw new ConfigError(redaction.scrub(file + ": " + e.getMessage()), e);
        }
        Map<String, String> sparkConf = new TreeMap<>();
        Set<String> secrets = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : root.entrySet()) {
            String key = e.getKey().replace("\"", "");
            Object v = e.getValue().unwrapped();
            if (key.startsWith("spark.conf.") && !(v instanceof Map || v instanceof List)) {
                sparkConf.put(key.substring("spark.conf.".length()), String.valueOf(v));
            }
            if (redaction.secretKey(key)) {
                secrets.add(String.valueOf(v));
                if (v instanceof List<?> l) {
                    l.forEach(x -> secrets.add(String.valueOf(x)));
                }
            }
        }
        secrets.addAll(envSecrets);
        return new Reader(file, root, parsed.root(), Redaction.of(sparkConf, secrets)).read();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigError("--conf: cannot read '" + file + "': " + e.getMessage(), e);
        }
    }

    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{\\??\\s*\"?([^}\"\\s]+)\"?\\s*}");

    /** The values of the environment variables that {@code text} substitutes and whose names look like secrets. */
    static Set<String> secretEnvironment(String text, Map<String, String> env) {
        Set<String> out = new TreeSet<>();
        Redaction names = Redaction.of(Map.of(), Set.of());
        java.util.regex.Matcher m = SUBSTITUTION.matcher(text);
        while (m.find()) {
            String name = m.group(1);
            String value = env.get(name);
            if (value != null && !value.isEmpty() && names.secretKey(name)) {
                out.add(value);
            }
        }
        return out;
    }

    /** The resolved task of one (task, setting). */
    public ResolvedTask task(String task, String setting) {
        return tasks.get(task).get(setting);
    }

    /** The number of trials the sweep plans. */
    public int trialCount() {
        return tasks.size() * methods.size() * settings.size() * seeds.size();
    }

    /** Reads one file, remembering where each key came from for errors. */
    private static final class Reader {
        private final Path file;
        private final Config root;
        private final Redaction redaction;
        /** The file as parsed, before substitutions: where a substituted value's line is. */
        private final ConfigObject unresolved;

        Reader(Path file, Config root, ConfigObject unresolved, Redaction redaction) {
            this.file = file;
            this.root = root;
            this.unresolved = unresolved;
            this.redaction = redaction;
        }

        SweepConfig read() {
            known(root, "", List.of("sweep", "spark"));
            if (!root.hasPath("sweep")) {
                throw fail(root.root(), "sweep", "missing section; expected sweep { name, tasks-file, tasks, methods, seeds, output }");
            }
            Config sweep = object(root, "sweep");
            known(sweep, "sweep.", SWEEP_KEYS);
            String name = string(sweep, "sweep.", "name");
            if (!NAME.matcher(name).matches()) {
                throw fail(sweep.getValue("name"), "sweep.name", "'" + name + "' must be letters, digits, '_' or '-'");
            }
            String tasksFile = string(sweep, "sweep.", "tasks-file");
            Path tasksPath = resolveLocal(tasksFile);
            Map<String, TaskSpec> defined;
            try {
                if (!Files.isReadable(tasksPath)) {
                    throw fail(sweep.getValue("tasks-file"), "sweep.tasks-file", "cannot read '" + tasksPath + "'");
                }
                defined = TaskConfig.load(tasksPath);
            } catch (IOException | IllegalArgumentException e) {
                if (e instanceof ConfigError ce) {
                    throw ce;
                }
                throw fail(sweep.getValue("tasks-file"), "sweep.tasks-file", e.getMessage());
            }
            List<String> taskNames = stringList(sweep, "sweep.", "tasks");
            for (int i = 0; i < taskNames.size(); i++) {
                if (!defined.containsKey(taskNames.get(i))) {
                    throw fail(sweep.getList("tasks").get(i), "sweep.tasks[" + i + "]", "unknown task '" + taskNames.get(i)
                            + "'; " + tasksPath + " defines " + defined.keySet());
                }
            }
            List<Method> methods = new ArrayList<>();
            List<String> methodNames = stringList(sweep, "sweep.", "methods");
            for (int i = 0; i < methodNames.size(); i++) {
                try {
                    methods.add(Method.parse(methodNames.get(i)));
                } catch (IllegalArgumentException e) {
                    throw fail(sweep.getList("methods").get(i), "sweep.methods[" + i + "]", e.getMessage());
                }
            }
            List<Long> seeds = new ArrayList<>();
            ConfigList seedList = list(sweep, "sweep.", "seeds");
            for (int i = 0; i < seedList.size(); i++) {
                ConfigValue v = seedList.get(i);
                if (v.valueType() != ConfigValueType.NUMBER || !(v.unwrapped() instanceof Integer || v.unwrapped() instanceof Long)) {
                    throw fail(v, "sweep.seeds[" + i + "]", "'" + v.unwrapped() + "' is not an integer seed");
                }
                seeds.add(((Number) v.unwrapped()).longValue());
            }
            duplicates(seedList, "sweep.seeds", seeds);
            duplicates(sweep.getList("tasks"), "sweep.tasks", taskNames);
            duplicates(sweep.getList("methods"), "sweep.methods", methods);

            Map<String, String> budget = new TreeMap<>();
            if (sweep.hasPath("budget")) {
                Config b = object(sweep, "budget");
                known(b, "sweep.budget.", BUDGET_KEYS);
                for (String key : BUDGET_KEYS) {
                    if (b.hasPath(key)) {
                        budget.put(key, Integer.toString(positiveInt(b, "sweep.budget.", key)));
                    }
                }
            }
            Map<String, Map<String, String>> settings = settings(sweep);
            Map<String, Map<String, ResolvedTask>> tasks = new LinkedHashMap<>();
            for (String t : taskNames) {
                Map<String, ResolvedTask> bySetting = new LinkedHashMap<>();
                for (Map.Entry<String, Map<String, String>> s : settings.entrySet()) {
                    bySetting.put(s.getKey(), resolve(defined.get(t), budget, s.getKey(), s.getValue(), tasksPath));
                }
                tasks.put(t, bySetting);
            }
            String output = string(sweep, "sweep.", "output");
            if (output.isBlank()) {
                throw fail(sweep.getValue("output"), "sweep.output", "must not be empty");
            }
            output = normaliseOutput(output);
            boolean report = !sweep.hasPath("report") || bool(sweep, "sweep.", "report");
            SparkSettings spark = spark();
            String hash = hash(root, defined, taskNames);
            Operations operations = operations(sweep);
            return new SweepConfig(file, name, tasks, List.copyOf(methods), settings, List.copyOf(seeds), output,
                    report, spark, hash, operations, redaction);
        }

        private Operations operations(Config sweep) {
            Operations d = Operations.DEFAULT;
            Duration timeout = sweep.hasPath("trial-timeout") ? duration(sweep, "trial-timeout") : d.trialTimeout();
            int attempts = sweep.hasPath("max-attempts") ? positiveInt(sweep, "sweep.", "max-attempts") : d.maxAttempts();
            boolean diverged = sweep.hasPath("rerun-diverged") ? bool(sweep, "sweep.", "rerun-diverged") : d.rerunDiverged();
            int every = d.checkpointEvery();
            if (sweep.hasPath("checkpoint-every")) {
                ConfigValue v = sweep.getValue("checkpoint-every");
                if (v.valueType() != ConfigValueType.NUMBER || !(v.unwrapped() instanceof Integer) || (Integer) v.unwrapped() < 0) {
                    throw fail(v, "sweep.checkpoint-every", "must be an integer number of epochs ≥ 0 (0: a tenth of each stage)");
                }
                every = (Integer) v.unwrapped();
            }
            boolean keep = sweep.hasPath("keep-checkpoints") ? bool(sweep, "sweep.", "keep-checkpoints") : d.keepCheckpoints();
            Duration lease = sweep.hasPath("lease-timeout") ? duration(sweep, "lease-timeout") : d.leaseTimeout();
            return new Operations(timeout, attempts, diverged, every, keep, lease);
        }

        /** A positive duration with its unit ({@code 90s}, {@code 30m}, {@code 2h}). */
        private Duration duration(Config c, String key) {
            ConfigValue v = c.getValue(key);
            String at = "sweep." + key;
            if (v.valueType() != ConfigValueType.STRING) {
                throw fail(v, at, "expected a duration with its unit, e.g. 30m or 2h");
            }
            Duration d;
            try {
                d = c.getDuration(key);
            } catch (ConfigException e) {
                throw fail(v, at, "expected a duration with its unit, e.g. 30m or 2h");
            }
            if (d.isNegative() || d.isZero()) {
                throw fail(v, at, "must be longer than zero");
            }
            return d;
        }

        private Map<String, Map<String, String>> settings(Config sweep) {
            Map<String, Map<String, String>> out = new LinkedHashMap<>();
            if (!sweep.hasPath("settings")) {
                out.put("default", Map.of());
                return out;
            }
            ConfigValue v = sweep.getValue("settings");
            if (v.valueType() != ConfigValueType.OBJECT) {
                throw fail(v, "sweep.settings", "expected an object of named settings, e.g. settings { default { hpo = lr } }");
            }
            ConfigObject obj = (ConfigObject) v;
            if (obj.isEmpty()) {
                throw fail(v, "sweep.settings", "is empty; leave it out for one default setting");
            }
            List<String> allowed = new ArrayList<>(SETTING_TASK_KEYS);
            allowed.addAll(SETTING_OPTION_KEYS);
            for (String settingName : new TreeMap<>(obj).keySet()) {
                String at = "sweep.settings." + settingName;
                if (!NAME.matcher(settingName).matches()) {
                    throw fail(obj.get(settingName), at, "setting name '" + settingName + "' must be letters, digits, '_' or '-'");
                }
                ConfigValue sv = obj.get(settingName);
                if (sv.valueType() != ConfigValueType.OBJECT) {
                    throw fail(sv, at, "expected an object of overrides, e.g. { hpo = lr, kernels = [3, 5] }");
                }
                Config sc = ((ConfigObject) sv).toConfig();
                known(sc, at + ".", allowed);
                Map<String, String> overrides = new TreeMap<>();
                for (Map.Entry<String, ConfigValue> e : sc.entrySet()) {
                    overrides.put(e.getKey(), scalarOrList(e.getValue(), at + "." + e.getKey()));
                }
                out.put(settingName, overrides);
            }
            return out;
        }

        private ResolvedTask resolve(TaskSpec base, Map<String, String> budget, String settingName,
                                     Map<String, String> overrides, Path tasksPath) {
            Map<String, String> p = new LinkedHashMap<>(base.toProperties());
            p.putAll(budget);
            HpoGrid hpo = TrialRunner.Options.DEFAULT.hpoGrid();
            double valFraction = TrialRunner.Options.DEFAULT.validationFraction();
            int widen = TrialRunner.Options.DEFAULT.retrainWiden();
            String at = "sweep.settings." + settingName;
            for (Map.Entry<String, String> e : overrides.entrySet()) {
                String key = e.getKey();
                String value = e.getValue();
                String path = "sweep.settings." + settingName + "." + key;
                ConfigValue origin = root.getValue(root.hasPath(path) ? path : "sweep.settings");
                try {
                    switch (key) {
                        case "hpo" -> hpo = HpoGrid.parse(value);
                        case "validation-fraction" -> valFraction = Double.parseDouble(value);
                        case "retrain-widen" -> widen = Integer.parseInt(value);
                        default -> p.put(key, value);
                    }
                } catch (IllegalArgumentException e2) {
                    throw fail(origin, at + "." + key, "'" + value + "': " + e2.getMessage());
                }
            }
            if (p.containsKey("data")) {
                p.put("data", resolveData(p.get("data"), tasksPath));
            }
            TaskSpec spec;
            try {
                spec = TaskSpec.fromProperties(base.name(), p);
            } catch (IllegalArgumentException e) {
                String where = overrides.isEmpty() && budget.isEmpty() ? "sweep.tasks-file" : at + " (with sweep.budget)";
                throw fail(root.getValue(overrides.isEmpty() ? "sweep.tasks" : "sweep.settings"), where, e.getMessage());
            }
            TrialRunner.Options options;
            try {
                options = new TrialRunner.Options(hpo, valFraction, widen);
            } catch (IllegalArgumentException e) {
                throw fail(root.getValue("sweep.settings"), at, e.getMessage());
            }
            return new ResolvedTask(spec, options);
        }

        private SparkSettings spark() {
            String master = "local[*]";
            int cpus = 1;
            double gpus = 0;
            Map<String, String> conf = new TreeMap<>();
            if (root.hasPath("spark")) {
                Config s = object(root, "spark");
                known(s, "spark.", SPARK_KEYS);
                if (s.hasPath("master")) {
                    master = string(s, "spark.", "master");
                }
                if (s.hasPath("task-cpus")) {
                    cpus = positiveInt(s, "spark.", "task-cpus");
                }
                if (s.hasPath("task-gpus")) {
                    ConfigValue v = s.getValue("task-gpus");
                    if (v.valueType() != ConfigValueType.NUMBER || ((Number) v.unwrapped()).doubleValue() < 0) {
                        throw fail(v, "spark.task-gpus", "'" + v.unwrapped() + "' must be a number ≥ 0 (e.g. 1, or 0.5 to share a GPU)");
                    }
                    gpus = ((Number) v.unwrapped()).doubleValue();
                }
                if (s.hasPath("conf")) {
                    sparkConf(object(s, "conf").root(), "", conf);
                }
            }
            return new SparkSettings(master, cpus, gpus, conf);
        }

        /**
         * Every value under {@code spark.conf} is a string, a number or a boolean, as Spark takes them; a list, a
         * null, or an object under a quoted key ({@code "spark.a.b" { v = 1 }}, which would silently become another
         * key) is refused. Unquoted dotted keys are nested objects in HOCON and read as the dotted key.
         */
        private void sparkConf(ConfigObject obj, String prefix, Map<String, String> out) {
            for (Map.Entry<String, ConfigValue> e : new TreeMap<>(obj).entrySet()) {
                String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
                ConfigValue v = e.getValue();
                String at = "spark.conf.\"" + key + "\"";
                switch (v.valueType()) {
                    case OBJECT -> {
                        if (e.getKey().contains(".")) {
                            throw fail(v, at, "expected a string, a number or a boolean, got an object");
                        }
                        sparkConf((ConfigObject) v, key, out);
                    }
                    case LIST -> throw fail(v, at, "expected a string, a number or a boolean, got a list;"
                            + " write a list setting as one string, e.g. \"a,b\"");
                    case NULL -> throw fail(v, at, "expected a string, a number or a boolean, got null");
                    default -> {
                        if (!key.startsWith("spark.")) {
                            throw fail(v, "spark.conf." + key, "Spark settings start with 'spark.'");
                        }
                        out.put(key, String.valueOf(v.unwrapped()));
                    }
                }
            }
        }

        private Path resolveLocal(String path) {
            Path p = Path.of(path);
            return p.isAbsolute() ? p : file.toAbsolutePath().getParent().resolve(p).normalize();
        }

        /** Relative local data paths are relative to the tasks file; URIs (s3a:, hdfs:, file:) stay as they are. */
        private String resolveData(String data, Path tasksPath) {
            if (hasScheme(data) || Path.of(data).isAbsolute()) {
                return data;
            }
            return tasksPath.toAbsolutePath().getParent().resolve(data).normalize().toString();
        }

        private String normaliseOutput(String output) {
            if (hasScheme(output)) {
                return output.replaceAll("/+$", "");
            }
            return Path.of(output).toAbsolutePath().normalize().toString();
        }

        private void known(Config c, String prefix, List<String> allowed) {
            for (Map.Entry<String, ConfigValue> e : c.root().entrySet()) {
                if (!allowed.contains(e.getKey())) {
                    throw fail(e.getValue(), prefix + e.getKey(), "unknown key; expected one of " + allowed);
                }
            }
        }

        private Config object(Config c, String key) {
            ConfigValue v = c.getValue(key);
            if (v.valueType() != ConfigValueType.OBJECT) {
                throw fail(v, key, "expected an object { ... }, got " + v.valueType().name().toLowerCase());
            }
            return c.getConfig(key);
        }

        private String string(Config c, String prefix, String key) {
            if (!c.hasPath(key)) {
                throw fail(c.root(), prefix + key, "missing");
            }
            ConfigValue v = c.getValue(key);
            if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
                throw fail(v, prefix + key, "expected a single value, got " + v.render(ConfigRenderOptions.concise()));
            }
            return String.valueOf(v.unwrapped()).trim();
        }

        private boolean bool(Config c, String prefix, String key) {
            ConfigValue v = c.getValue(key);
            if (v.valueType() != ConfigValueType.BOOLEAN) {
                throw fail(v, prefix + key, "'" + v.unwrapped() + "' must be true or false");
            }
            return (Boolean) v.unwrapped();
        }

        private int positiveInt(Config c, String prefix, String key) {
            ConfigValue v = c.getValue(key);
            Object u = v.unwrapped();
            if (v.valueType() != ConfigValueType.NUMBER || !(u instanceof Integer) || (Integer) u <= 0) {
                throw fail(v, prefix + key, "'" + u + "' must be a positive integer");
            }
            return (Integer) u;
        }

        private ConfigList list(Config c, String prefix, String key) {
            if (!c.hasPath(key)) {
                throw fail(c.root(), prefix + key, "missing");
            }
            ConfigValue v = c.getValue(key);
            if (v.valueType() != ConfigValueType.LIST) {
                throw fail(v, prefix + key, "expected a list [ ... ], got " + v.render(ConfigRenderOptions.concise()));
            }
            ConfigList l = (ConfigList) v;
            if (l.isEmpty()) {
                throw fail(v, prefix + key, "is empty; the sweep would plan no trial");
            }
            return l;
        }

        private List<String> stringList(Config c, String prefix, String key) {
            List<String> out = new ArrayList<>();
            ConfigList l = list(c, prefix, key);
            for (int i = 0; i < l.size(); i++) {
                ConfigValue v = l.get(i);
                if (v.valueType() != ConfigValueType.STRING) {
                    throw fail(v, prefix + key + "[" + i + "]", "expected a name, got " + v.render(ConfigRenderOptions.concise()));
                }
                out.add(((String) v.unwrapped()).trim());
            }
            return out;
        }

        private <T> void duplicates(ConfigList l, String key, List<T> values) {
            Set<T> seen = new LinkedHashSet<>();
            for (int i = 0; i < values.size(); i++) {
                if (!seen.add(values.get(i))) {
                    throw fail(l.get(i), key + "[" + i + "]", "'" + values.get(i) + "' is listed twice");
                }
            }
        }

        /** A scalar as its string, a list of scalars as "a,b,c" (the task file syntax). */
        private String scalarOrList(ConfigValue v, String key) {
            if (v.valueType() == ConfigValueType.LIST) {
                List<String> parts = new ArrayList<>();
                for (ConfigValue e : (ConfigList) v) {
                    if (e.valueType() == ConfigValueType.LIST || e.valueType() == ConfigValueType.OBJECT) {
                        throw fail(e, key, "expected a list of values, got " + v.render(ConfigRenderOptions.concise()));
                    }
                    parts.add(String.valueOf(e.unwrapped()));
                }
                if (parts.isEmpty()) {
                    throw fail(v, key, "is empty");
                }
                return String.join(",", parts);
            }
            if (v.valueType() == ConfigValueType.OBJECT) {
                throw fail(v, key, "expected a value, got " + v.render(ConfigRenderOptions.concise()));
            }
            if (v.valueType() == ConfigValueType.NULL) {
                throw fail(v, key, "is null");
            }
            return String.valueOf(v.unwrapped());
        }

        /** The error for {@code key}: file, line, key and message, with every secret redacted. */
        private ConfigError fail(ConfigValue v, String key, String message) {
            int line = v == null || v.origin() == null ? -1 : v.origin().lineNumber();
            if (line <= 0) {
                line = unresolvedLine(key);
            }
            return new ConfigError(redaction.scrub(file + (line > 0 ? ":" + line : "") + ": " + key + ": " + message));
        }

        /** The line of {@code key} in the file as written (a substitution from the environment has no other). */
        private int unresolvedLine(String key) {
            try {
                ConfigValue v = unresolved;
                for (String part : com.typesafe.config.ConfigUtil.splitPath(key)) {
                    if (!(v instanceof ConfigObject o) || !o.containsKey(part)) {
                        return -1;
                    }
                    v = o.get(part);
                }
                return v.origin() == null ? -1 : v.origin().lineNumber();
            } catch (ConfigException e) {
                return -1;
            }
        }

        /** Over the configuration as it resolved, secrets replaced first: the hash never depends on a credential. */
        private String hash(Config root, Map<String, TaskSpec> defined, List<String> taskNames) {
            Config shown = root;
            for (Map.Entry<String, ConfigValue> e : root.entrySet()) {
                if (redaction.secretKey(e.getKey())) {
                    shown = shown.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(Redaction.REPLACEMENT));
                }
            }
            StringBuilder sb = new StringBuilder(redaction.scrub(shown.root().render(ConfigRenderOptions.concise().setJson(true))));
            for (String t : taskNames) {
                sb.append('\n').append(t).append('=').append(new TreeMap<>(defined.get(t).toProperties()));
            }
            return sha256(sb.toString());
        }
    }

    /** Whether {@code path} is a URI with a scheme ({@code s3a:}, {@code hdfs:}, {@code file:}), not a plain path. */
    public static boolean hasScheme(String path) {
        try {
            URI u = new URI(path);
            return u.getScheme() != null && u.getScheme().length() > 1;
        } catch (Exception e) {
            return false;
        }
    }

    /** First 16 hex digits of the SHA-256 of {@code s} (UTF-8). */
    public static String sha256(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
