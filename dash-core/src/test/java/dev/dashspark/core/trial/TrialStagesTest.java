package dev.dashspark.core.trial;

import dev.dashspark.core.task.SyntheticTasks;
import dev.dashspark.core.task.TaskConfig;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stages of a trial as a user sees them through its progress events: what is evaluated on which split and how
 * often, which checkpoint is kept, and a trial killed in the middle of a stage resuming from its checkpoints to the
 * same result as an uninterrupted run.
 */
class TrialStagesTest {

    static TaskSpec longLag(int search, int hpo, int retrain) throws Exception {
        Map<String, String> p = new HashMap<>(TaskConfig.load(Path.of("../conf/synthetic.conf")).get("long-lag").toProperties());
        p.put("search-epochs", Integer.toString(search));
        p.put("hpo-epochs", Integer.toString(hpo));
        p.put("retrain-epochs", Integer.toString(retrain));
        p.put("synthetic.train", "96");
        p.put("synthetic.val", "48");
        p.put("synthetic.test", "48");
        return TaskSpec.fromProperties("long-lag", p);
    }

    /** Records every event; throws at one reported epoch of one stage when asked (a killed trial). */
    static final class Recorder implements Progress {
        final List<String> events = new ArrayList<>();
        final Map<String, List<Double>> values = new HashMap<>();
        private final String killStage;
        private final int killEpoch;

        Recorder(String killStage, int killEpoch) {
            this.killStage = killStage;
            this.killEpoch = killEpoch;
        }

        @Override
        public void epoch(String stage, String detail, int epoch, int epochs, double loss, double eta) {
            events.add(stage + " epoch " + epoch);
            if (stage.equals(killStage) && epoch == killEpoch) {
                throw new IllegalStateException("killed in " + stage + " epoch " + epoch);
            }
        }

        @Override
        public void evaluated(String stage, String split, double value) {
            values.computeIfAbsent(stage + "/" + split, k -> new ArrayList<>()).add(value);
        }

        @Override
        public void kept(int epoch, double validationError) {
            events.add("kept epoch " + epoch);
            values.put("kept", List.of((double) epoch, validationError));
        }

        @Override
        public void resumed(String stage, String detail) {
            events.add("resumed " + stage + ": " + detail);
        }

        long count(String prefix) {
            return events.stream().filter(e -> e.startsWith(prefix)).count();
        }
    }

    @Test
    void testIsEvaluatedOnceAndTheKeptNetworkIsTheBestOnValidation() throws Exception {
        TaskSpec spec = longLag(2, 2, 5);
        TaskData data = SyntheticTasks.generate(spec, 3);
        Recorder r = new Recorder(null, -1);
        TrialResult result = new TrialRunner(spec, Method.BACKBONE, 3, new TrialRunner.Options(HpoGrid.LR, 0.1, 1), r).run(data);
        assertEquals(TrialStatus.OK, result.status(), result.message());
        assertEquals(List.of(result.metricValue()), r.values.get("test/test"), "test: once, and it is the result");
        List<Double> hpo = r.values.get("hpo/validation");
        assertTrue(hpo.size() >= 2 && hpo.size() <= 3, "one validation score per configuration tried: " + hpo);
        List<Double> retrain = r.values.get("retrain/validation");
        assertEquals(5, retrain.size(), "one validation score per retraining epoch");
        double best = retrain.stream().mapToDouble(v -> spec.metric().error(v)).min().orElseThrow();
        assertEquals(best, result.valError(), 0.0, "the kept network is the best epoch's on validation");
        int last = 0;
        for (int e = 0; e < retrain.size(); e++) {
            if (spec.metric().error(retrain.get(e)) == best) {
                last = e + 1;
            }
        }
        assertEquals(List.of((double) last, best), r.values.get("kept"), "the later of tied epochs, as the reference: "
                + retrain);
        // the chosen configuration is the first of the best HPO scores (accuracy: higher is better)
        List<Hyperparams> grid = HpoGrid.LR.configurations(false);
        int chosen = 0;
        for (int i = 1; i < hpo.size(); i++) {
            if (hpo.get(i) > hpo.get(chosen)) {
                chosen = i;
            }
        }
        assertEquals(grid.get(chosen), result.hyperparams());
    }

    @Test
    void aTrialKilledInEveryStageResumesFromItsCheckpointsToTheUninterruptedResult(@TempDir Path dir) throws Exception {
        TaskSpec spec = longLag(4, 1, 4);
        TaskData data = SyntheticTasks.generate(spec, 5);
        TrialRunner.Options options = new TrialRunner.Options(HpoGrid.LR, 0.1, 1);
        TrialResult uninterrupted = new TrialRunner(spec, Method.DASH, 5, options, new Recorder(null, -1)).run(data);
        assertEquals(TrialStatus.OK, uninterrupted.status(), uninterrupted.message());

        CheckpointPolicy policy = new CheckpointPolicy(new DirectoryCheckpoints(dir.resolve("t")), 1);
        // killed in search epoch 3: epochs 1 and 2 are checkpointed
        Recorder first = new Recorder("search", 3);
        assertThrows(IllegalStateException.class, () -> new TrialRunner(spec, Method.DASH, 5, options, first, policy).run(data));
        assertTrue(Files.exists(dir.resolve("t").resolve("search")));
        // resumed, killed in retraining epoch 3 (the search resumes at epoch 3, the HPO runs)
        Recorder second = new Recorder("retrain", 3);
        assertThrows(IllegalStateException.class, () -> new TrialRunner(spec, Method.DASH, 5, options, second, policy).run(data));
        assertTrue(second.events.contains("resumed search: epoch 3 of 4"), second.events.toString());
        assertEquals(2, second.count("search epoch"), "search epochs 3 and 4 only: " + second.events);
        // resumed again: nothing is searched or scored twice, retraining goes on from epoch 3
        Recorder third = new Recorder(null, -1);
        TrialResult resumed = new TrialRunner(spec, Method.DASH, 5, options, third, policy).run(data);
        assertTrue(third.events.contains("resumed search: architecture already found"), third.events.toString());
        assertTrue(third.events.stream().anyMatch(e -> e.startsWith("resumed hpo: ")), third.events.toString());
        assertTrue(third.events.contains("resumed retrain: epoch 3 of 4"), third.events.toString());
        assertEquals(0, third.count("search epoch") + third.count("hpo epoch"), third.events.toString());
        assertEquals(2, third.count("retrain epoch"), third.events.toString());
        assertFalse(third.values.containsKey("hpo/validation"), "no configuration scored twice");

        assertEquals(TrialStatus.OK, resumed.status(), resumed.message());
        assertEquals(uninterrupted.architecture(), resumed.architecture());
        assertEquals(uninterrupted.hyperparams(), resumed.hyperparams());
        assertEquals(uninterrupted.valError(), resumed.valError(), 1e-6);
        assertEquals(uninterrupted.metricValue(), resumed.metricValue(), 1e-6);
    }
}
