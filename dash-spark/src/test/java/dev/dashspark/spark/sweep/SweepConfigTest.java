package dev.dashspark.spark.sweep;

import dev.dashspark.core.trial.Method;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sweep configuration: what is accepted, how it resolves, and the errors for every kind of bad input. */
class SweepConfigTest {
    @TempDir
    Path dir;

    private SweepConfig load(String body, String spark) throws Exception {
        SweepFixtures.tasks(dir, false);
        return SweepConfig.load(SweepFixtures.sweep(dir, body, spark));
    }

    private String error(String body, String spark) throws Exception {
        SweepFixtures.tasks(dir, false);
        Path f = SweepFixtures.sweep(dir, body, spark);
        return assertThrows(IllegalArgumentException.class, () -> SweepConfig.load(f)).getMessage();
    }

    private String valid(String extra) {
        return SweepFixtures.body(dir, "tiny", "dash, backbone", "0, 1", extra);
    }

    @Test
    void resolvesTasksSettingsBudgetsAndSpark() throws Exception {
        SweepConfig c = load(valid("budget { retrain-epochs = 7 }"),
                "master = \"local[2]\"\ntask-cpus = 2\nconf { spark.executor.memory = 3g, \"spark.ui.enabled\" = false }");
        assertEquals("test", c.name());
        assertEquals(List.of(Method.DASH, Method.BACKBONE), c.methods());
        assertEquals(List.of(0L, 1L), c.seeds());
        assertEquals(Map.of("hpo", "none"), c.settings().get("quick"));
        SweepConfig.ResolvedTask t = c.task("tiny", "quick");
        assertEquals(7, t.spec().retrainEpochs());
        assertEquals(1, t.spec().searchEpochs());
        assertEquals(dev.dashspark.core.trial.HpoGrid.NONE, t.options().hpoGrid());
        assertEquals(dir.resolve("out").toString(), c.output());
        assertEquals(4, c.trialCount());
        assertEquals("local[2]", c.spark().master());
        assertEquals(2, c.spark().taskCpus());
        assertEquals(Map.of("spark.executor.memory", "3g", "spark.ui.enabled", "false"), c.spark().conf());
    }

    @Test
    void settingsOverrideTheSearchSpace() throws Exception {
        SweepConfig c = load(SweepFixtures.body(dir, "tiny", "dash", "0", null).replace(
                "settings { quick { hpo = none } }", "settings { small { hpo = none }, wide { hpo = lr, kernels = [3, 5, 7], dilations = [1, 2, 4] } }"), null);
        assertEquals(List.of("small", "wide"), List.copyOf(c.settings().keySet()));
        assertEquals(3, c.task("tiny", "wide").spec().kernels().length);
        assertEquals(2, c.task("tiny", "small").spec().kernels().length);
        assertEquals(dev.dashspark.core.trial.HpoGrid.LR, c.task("tiny", "wide").options().hpoGrid());
    }

    @Test
    void settingsOverrideTheTasksExtrasAndAMisfitNamesTheSettingAndTheKey() throws Exception {
        SweepConfig c = load(SweepFixtures.body(dir, "tiny", "dash", "0", null).replace(
                "settings { quick { hpo = none } }", "settings { quick { hpo = none, augment = none } }"), null);
        assertEquals(dev.dashspark.core.task.Augmentation.NONE, c.task("tiny", "quick").spec().extras().augment());
        String m = error(SweepFixtures.body(dir, "tiny", "dash", "0", null).replace(
                "settings { quick { hpo = none } }", "settings { quick { hpo = none, augment = crop-flip } }"), null);
        assertTrue(m.contains("sweep.settings.quick") && m.contains("augment: 'crop-flip'"), m);
    }

    @Test
    void rejectsUnknownKeysAtEveryLevel() throws Exception {
        assertTrue(error(valid("methds = [dash]"), null).matches(".*sweep.conf:\\d+: sweep.methds: unknown key; expected one of \\[name, .*"),
                "sweep level");
        assertTrue(error(valid("budget { retrain = 3 }"), null).contains("sweep.budget.retrain: unknown key"), "budget");
        assertTrue(error(valid(""), "cores = 3").contains("spark.cores: unknown key"), "spark");
        assertTrue(error(valid("").replace("hpo = none", "hpo = none, lr = 0.1"), null)
                .contains("sweep.settings.quick.lr: unknown key"), "setting");
        assertTrue(error(valid(""), "conf { executor.memory = 3g }").contains("spark.conf.executor.memory: Spark settings start with 'spark.'"));
    }

    @Test
    void rejectsUnknownTaskAndMethodNamesWithTheirPosition() throws Exception {
        String m = error(SweepFixtures.body(dir, "tiny, ecg", "dash", "0", null), null);
        assertTrue(m.contains("sweep.tasks[1]: unknown task 'ecg';") && m.contains("defines [tiny]"), m);
        m = error(SweepFixtures.body(dir, "tiny", "dash, dahs", "0", null), null);
        assertTrue(m.contains("sweep.methods[1]: unknown method 'dahs'; expected one of dash, mixed-results, backbone, random"), m);
        m = error(SweepFixtures.body(dir, "tiny", "dash, dash", "0", null), null);
        assertTrue(m.contains("sweep.methods[1]: 'dash' is listed twice"), m);
    }

    @Test
    void rejectsEvenKernelsEmptySpacesAndBadBudgets() throws Exception {
        String withSetting = SweepFixtures.body(dir, "tiny", "dash", "0", null);
        String m = error(withSetting.replace("hpo = none", "kernels = [3, 4]"), null);
        assertTrue(m.contains("sweep.settings.quick") && m.contains("kernels") && m.contains("4"), m);
        m = error(withSetting.replace("hpo = none", "dilations = []"), null);
        assertTrue(m.contains("sweep.settings.quick.dilations: is empty"), m);
        m = error(valid("budget { search-epochs = 0 }"), null);
        assertTrue(m.contains("sweep.budget.search-epochs: '0' must be a positive integer"), m);
        m = error(valid("budget { hpo-epochs = -2 }"), null);
        assertTrue(m.contains("sweep.budget.hpo-epochs: '-2' must be a positive integer"), m);
        m = error(valid(""), "task-cpus = 0");
        assertTrue(m.contains("spark.task-cpus: '0' must be a positive integer"), m);
        m = error(SweepFixtures.body(dir, "tiny", "dash", "", null), null);
        assertTrue(m.contains("sweep.seeds: is empty; the sweep would plan no trial"), m);
        m = error(SweepFixtures.body(dir, "tiny", "dash", "0.5", null), null);
        assertTrue(m.contains("sweep.seeds[0]: '0.5' is not an integer seed"), m);
        m = error(withSetting.replace("hpo = none", "hpo = fancy"), null);
        assertTrue(m.contains("sweep.settings.quick.hpo: 'fancy'"), m);
    }

    @Test
    void rejectsMissingFilesAndSections() throws Exception {
        String m = error(valid("").replace("tasks-file = tasks.conf", "tasks-file = nowhere.conf"), null);
        assertTrue(m.contains("sweep.tasks-file: cannot read") && m.contains("nowhere.conf"), m);
        Path f = dir.resolve("empty.conf");
        Files.writeString(f, "spark { task-cpus = 1 }\n");
        m = assertThrows(IllegalArgumentException.class, () -> SweepConfig.load(f)).getMessage();
        assertTrue(m.contains("sweep: missing section"), m);
        m = assertThrows(IllegalArgumentException.class, () -> SweepConfig.load(dir.resolve("absent.conf"))).getMessage();
        assertTrue(m.contains("cannot read") && m.contains("absent.conf"), m);
        Path syntax = dir.resolve("syntax.conf");
        Files.writeString(syntax, "sweep { name = \n");
        m = assertThrows(IllegalArgumentException.class, () -> SweepConfig.load(syntax)).getMessage();
        assertTrue(m.startsWith(syntax.toString()), m);
    }

    @Test
    void trialIdsAreStableAndDependOnWhatDeterminesTheOutcome() throws Exception {
        SweepPlan a = SweepPlan.expand(load(valid(""), null), "rev");
        SweepPlan b = SweepPlan.expand(load(valid(""), null), "rev");
        assertEquals(4, a.trials().size());
        assertEquals(a.trials().stream().map(PlannedTrial::trialId).toList(),
                b.trials().stream().map(PlannedTrial::trialId).toList());
        Set<String> ids = new HashSet<>(a.trials().stream().map(PlannedTrial::trialId).toList());
        assertEquals(4, ids.size());
        // renaming the sweep or the setting keeps the ids; a budget change makes new trials
        SweepPlan renamed = SweepPlan.expand(load(valid("").replace("name = test", "name = other")
                .replace("quick {", "fast {"), null), "rev");
        assertEquals(ids, new HashSet<>(renamed.trials().stream().map(PlannedTrial::trialId).toList()));
        SweepPlan budget = SweepPlan.expand(load(valid("budget { retrain-epochs = 2 }"), null), "rev");
        for (PlannedTrial t : budget.trials()) {
            assertTrue(!ids.contains(t.trialId()), t.label());
        }
        assertNotEquals(a.trials().get(0).trialId(), a.trials().get(1).trialId());
    }

    @Test
    void twoSettingsThatResolveToTheSameTrialAreRejected() throws Exception {
        SweepConfig c = load(SweepFixtures.body(dir, "tiny", "dash", "0", null)
                .replace("settings { quick { hpo = none } }", "settings { a { hpo = none }, b { hpo = none } }"), null);
        String m = assertThrows(IllegalArgumentException.class, () -> SweepPlan.expand(c, "rev")).getMessage();
        assertTrue(m.contains("settings 'a' and 'b' resolve to the same trial"), m);
    }

    @Test
    void theDemoConfigurationPlansItsEighteenTrials() {
        SweepConfig c = SweepConfig.load(Path.of("../conf/demo.conf"), Map.of("sweep.output", dir.toString()));
        assertEquals(List.of("spacing", "texture", "darcy"), List.copyOf(c.tasks().keySet()));
        assertEquals(List.of(Method.DASH, Method.BACKBONE, Method.RANDOM), c.methods());
        assertEquals(18, SweepPlan.expand(c, "rev").trials().size());
        assertEquals(dir.toString(), c.output());
        String fromEnv = System.getenv("DASH_OUTPUT");
        SweepConfig plain = SweepConfig.load(Path.of("../conf/demo.conf"));
        assertEquals(fromEnv != null ? Path.of(fromEnv).toAbsolutePath().normalize().toString()
                : Path.of("runs/demo").toAbsolutePath().toString(), plain.output());
    }

    @Test
    void unresolvedSubstitutionsNameTheFileAndKey() throws Exception {
        String m = error(valid("").replace("output = ", "output = ${NO_SUCH_VARIABLE_DASH}\nx = "), null);
        assertTrue(m.startsWith(dir.resolve("sweep.conf").toString()) && m.contains("NO_SUCH_VARIABLE_DASH"), m);
    }

    @Test
    void planPrintsOneLinePerTrial() throws Exception {
        SweepPlan p = SweepPlan.expand(load(valid(""), null), "rev");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        p.print(new java.io.PrintWriter(new java.io.OutputStreamWriter(bytes, StandardCharsets.UTF_8), true));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2 + 4, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("# sweep test: 4 trials (1 tasks x 2 methods x 1 settings x 2 seeds)"), lines.get(0));
        for (PlannedTrial t : p.trials()) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(t.trialId()) && l.contains(t.method())), t.label());
        }
    }

    @Test
    void operationsHaveDefaultsAndAreValidated() throws Exception {
        SweepConfig.Operations d = load(valid(""), null).operations();
        assertEquals(SweepConfig.Operations.DEFAULT, d);
        assertEquals(null, d.trialTimeout());
        assertEquals(3, d.maxAttempts());
        SweepConfig.Operations o = load(valid("trial-timeout = 90m\nmax-attempts = 5\nrerun-diverged = true\n"
                + "checkpoint-every = 4\nkeep-checkpoints = true\nlease-timeout = 30s"), null).operations();
        assertEquals(new SweepConfig.Operations(java.time.Duration.ofMinutes(90), 5, true, 4, true,
                java.time.Duration.ofSeconds(30)), o);
        assertTrue(error(valid("trial-timeout = 30"), null).matches(".*sweep.conf:\\d+: sweep.trial-timeout: expected a"
                + " duration with its unit, e.g. 30m or 2h"), "a bare number has no unit");
        assertTrue(error(valid("trial-timeout = \"0s\""), null).contains("sweep.trial-timeout: must be longer than zero"));
        assertTrue(error(valid("max-attempts = 0"), null).contains("sweep.max-attempts: '0' must be a positive integer"));
        assertTrue(error(valid("checkpoint-every = -1"), null).contains("sweep.checkpoint-every: must be an integer"));
        assertTrue(error(valid("rerun-diverged = sometimes"), null).contains("sweep.rerun-diverged: 'sometimes' must be true or false"));
    }

    @Test
    void sparkConfTakesStringsNumbersAndBooleansAndRefusesEverythingElseWithFileLineAndKey() throws Exception {
        SweepConfig c = load(valid(""), "conf {\n spark.a.b = x\n \"spark.c.d\" = 2\n spark { e = true }\n}");
        assertEquals(Map.of("spark.a.b", "x", "spark.c.d", "2", "spark.e", "true"), c.spark().conf());
        Path f = dir.resolve("sweep.conf");
        String m = error(valid(""), "conf {\n  \"spark.x.list\" = [1, 2]\n}");
        assertEquals(f + ":" + line(f, "spark.x.list") + ": spark.conf.\"spark.x.list\": expected a string, a number or a boolean, got a list;"
                + " write a list setting as one string, e.g. \"a,b\"", m);
        m = error(valid(""), "conf {\n  \"spark.hadoop.fs.s3a.secret.key\" { v = 1 }\n}");
        assertEquals(f + ":" + line(f, "secret.key") + ": spark.conf.\"spark.hadoop.fs.s3a.secret.key\": expected a string, a number or a boolean,"
                + " got an object", m);
        m = error(valid(""), "conf {\n  \"spark.y\" = null\n}");
        assertTrue(m.startsWith(f + ":" + line(f, "spark.y") + ": spark.conf.\"spark.y\": expected a string, a number or a boolean, got null"), m);
    }

    @Test
    void secretsFromTheEnvironmentNeverAppearInErrorsLogsOrTheHash() throws Exception {
        String secret = "s3cr3t-Value-4711";
        Map<String, String> env = Map.of("DASH_TEST_SECRET", secret, "DASH_OTHER", "7");
        SweepFixtures.tasks(dir, false);
        // a secret-looking variable used where a number belongs: the error has file, line and key, never the value
        Path f = SweepFixtures.sweep(dir, valid(""), "task-cpus = ${?DASH_TEST_SECRET}");
        String m = assertThrows(IllegalArgumentException.class, () -> SweepConfig.load(f, Map.of(), env)).getMessage();
        assertEquals(f + ":" + line(f, "task-cpus") + ": spark.task-cpus: '" + Redaction.REPLACEMENT + "' must be a positive integer", m);
        assertTrue(assertThrows(dev.dashspark.core.cli.ConfigError.class, () -> SweepConfig.load(f, Map.of(), env))
                .getMessage().contains("spark.task-cpus"), "a ConfigError: exit status 2");
        // a credential under a secret-looking key: redacted wherever the configuration is shown, not in the hash
        Path ok = SweepFixtures.sweep(dir, valid(""), "conf {\n \"spark.hadoop.fs.s3a.secret.key\" = ${?DASH_TEST_SECRET}\n"
                + " \"spark.hadoop.fs.s3a.access.key\" = \"AKIA-literal-key\"\n \"spark.other\" = ${?DASH_OTHER}\n}");
        SweepConfig c = SweepConfig.load(ok, Map.of(), env);
        assertEquals(secret, c.spark().conf().get("spark.hadoop.fs.s3a.secret.key"), "Spark still gets the value");
        Map<String, String> shown = c.redaction().map(c.spark().conf());
        assertEquals(Map.of("spark.hadoop.fs.s3a.secret.key", Redaction.REPLACEMENT,
                "spark.hadoop.fs.s3a.access.key", Redaction.REPLACEMENT, "spark.other", "7"), shown);
        assertEquals("key " + Redaction.REPLACEMENT + " and " + Redaction.REPLACEMENT,
                c.redaction().scrub("key " + secret + " and AKIA-literal-key"));
        SweepConfig other = SweepConfig.load(ok, Map.of(), Map.of("DASH_TEST_SECRET", "another-secret", "DASH_OTHER", "7"));
        assertEquals(c.configHash(), other.configHash(), "the hash does not depend on a credential");
        SweepConfig changed = SweepConfig.load(ok, Map.of(), Map.of("DASH_TEST_SECRET", secret, "DASH_OTHER", "8"));
        assertNotEquals(c.configHash(), changed.configHash(), "it does on everything else");
    }

    /** The 1-based line of {@code file} that contains {@code text}. */
    private static int line(Path file, String text) throws java.io.IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }
}
