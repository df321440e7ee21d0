package dev.dashspark.core.task;

import dev.dashspark.core.backbone.BackboneType;
import dev.dashspark.core.loss.Loss;
import dev.dashspark.core.metric.Metrics;
import dev.dashspark.core.trial.HpoGrid;

import dev.dashspark.core.aggconv.SearchSpace;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TaskSpec}: construction from properties, every rejection path with its message, and the round trip. */
class TaskSpecTest {

    /** An ECG-like 1D task. */
    static Map<String, String> ecg() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("dims", "1");
        p.put("channels", "1");
        p.put("shape", "1000");
        p.put("output", "classes");
        p.put("outputs", "4");
        p.put("loss", "ce");
        p.put("metric", "macro-f1");
        p.put("backbone", "resnet1d");
        p.put("kernels", "3, 7,11,15,19");
        p.put("dilations", "1,3,7,15");
        p.put("batch", "1024");
        p.put("search-epochs", "100");
        p.put("hpo-epochs", "80");
        p.put("retrain-epochs", "200");
        return p;
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> p = ecg();
        if (value == null) {
            p.remove(key);
        } else {
            p.put(key, value);
        }
        return p;
    }

    private static void rejects(Map<String, String> p, String expectedMessage) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskSpec.fromProperties("ecg", p), p.toString());
        assertTrue(e.getMessage().startsWith(expectedMessage), "expected '" + expectedMessage + "…', got '"
                + e.getMessage() + "'");
    }

    @Test
    void parsesAllFieldsWithDefaults() {
        TaskSpec t = TaskSpec.fromProperties("ecg", ecg());
        assertEquals("ecg", t.name());
        assertEquals(1, t.dims());
        assertEquals(1, t.inputChannels());
        assertArrayEquals(new int[]{1000}, t.inputShape());
        assertEquals(OutputKind.CLASSES, t.outputKind());
        assertEquals(4, t.numOutputs());
        assertEquals(Loss.CE, t.loss());
        assertEquals("macro-f1", t.metric().name());
        assertEquals(BackboneType.RESNET1D, t.backbone());
        assertArrayEquals(new int[]{3, 7, 11, 15, 19}, t.kernels());
        assertArrayEquals(new int[]{1, 3, 7, 15}, t.dilations());
        assertEquals(SearchSpace.of(new int[]{3, 7, 11, 15, 19}, new int[]{1, 3, 7, 15}), t.searchSpace());
        assertEquals(1024, t.batchSize());
        assertEquals(100, t.searchEpochs());
        assertEquals(80, t.hpoEpochs());
        assertEquals(200, t.retrainEpochs());
        assertEquals(100.0, t.gradScale(), 0.0);
        assertNull(t.dataPath());
        assertNull(t.synthetic());
        assertEquals(Map.of(), t.syntheticParams());
        assertArrayEquals(new long[]{8, 1, 1000}, t.inputShapeFor(8));
    }

    @Test
    void parsesTwoDimensionalShapeGradScaleAndData() {
        Map<String, String> p = ecg();
        p.put("dims", "2");
        p.put("shape", "16x52");
        p.put("backbone", "wrn");
        p.put("grad-scale", "5000");
        p.put("data", " /data/ninapro.npz ");
        TaskSpec t = TaskSpec.fromProperties("ninapro", p);
        assertArrayEquals(new int[]{16, 52}, t.inputShape());
        assertEquals(5000.0, t.gradScale(), 0.0);
        assertEquals("/data/ninapro.npz", t.dataPath());
        assertArrayEquals(new long[]{2, 1, 16, 52}, t.inputShapeFor(2));
    }

    @Test
    void roundTripsThroughProperties() {
        Map<String, String> p = ecg();
        p.put("grad-scale", "10");
        p.put("data", "/d/ecg");
        TaskSpec t = TaskSpec.fromProperties("ecg", p);
        assertEquals(t, TaskSpec.fromProperties("ecg", t.toProperties()));
        assertEquals(t.hashCode(), TaskSpec.fromProperties("ecg", t.toProperties()).hashCode());
        assertEquals("/elsewhere", t.withDataPath("/elsewhere").dataPath());
        assertNotEquals(t, t.withDataPath("/elsewhere"));
        assertEquals(t, t.withDataPath("/elsewhere").withDataPath("/d/ecg"));
    }

    @Test
    void arraysAreCopiedInAndOut() {
        int[] k = {3, 5};
        TaskSpec t = new TaskSpec("t", 1, 1, new int[]{64}, OutputKind.CLASSES, 2, Loss.CE, Metrics.parse("accuracy"),
                BackboneType.RESNET1D, k, new int[]{1}, 8, 1, 1, 1, 100, 1.0, HpoGrid.REFERENCE, TargetNormalization.NONE,
                null, null, null);
        k[0] = 4;
        t.kernels()[1] = 6;
        assertArrayEquals(new int[]{3, 5}, t.kernels());
    }

    @Test
    void kernelAndDilationErrorsNameTaskFieldAndValue() {
        rejects(with("kernels", "3,4"), "task 'ecg': kernels: kernel size 4 in [3, 4] is even");
        rejects(with("kernels", "3,3"), "task 'ecg': kernels: values must be distinct, got [3, 3]");
        rejects(with("dilations", "1,0"), "task 'ecg': dilations: value 0 in [1, 0] must be ≥ 1");
        rejects(with("dilations", "1,1"), "task 'ecg': dilations: values must be distinct");
        rejects(with("kernels", "3;5"), "task 'ecg': kernels: '3;5' is not a comma-separated list of integers");
        rejects(with("kernels", ""), "task 'ecg': kernels: '' is not a comma-separated list");
    }

    @Test
    void fieldRangeErrorsNameTaskFieldAndValue() {
        rejects(with("dims", "3"), "task 'ecg': dims: 3 must be 1 or 2");
        rejects(with("channels", "0"), "task 'ecg': channels: 0 must be ≥ 1");
        rejects(with("shape", "16x52"), "task 'ecg': shape: [16, 52] must have 1 dimension");
        rejects(with("shape", "0"), "task 'ecg': shape: [0] must be positive");
        rejects(with("shape", "16*52"), "task 'ecg': shape: '16*52' is not L or HxW");
        rejects(with("shape", "2x3x4"), "task 'ecg': shape: '2x3x4' is not L or HxW");
        rejects(with("outputs", "1"), "task 'ecg': outputs: 1 must be ≥ 2 for output classes");
        rejects(with("output", "class"), "task 'ecg': output: unknown output kind 'class'; expected one of "
                + "[classes, multi-label, dense]");
        rejects(with("loss", "hinge"), "task 'ecg': loss: unknown loss 'hinge'; expected one of [ce, bce, mse, rel-l2]");
        rejects(with("loss", "mse"), "task 'ecg': loss: 'mse' does not suit output classes; expected one of [ce]");
        rejects(with("metric", "f1"), "task 'ecg': metric: unknown metric 'f1'; expected one of [accuracy, macro-f1,");
        rejects(with("metric", "auroc"), "task 'ecg': metric: 'auroc' does not suit output classes");
        rejects(with("backbone", "tcn"), "task 'ecg': backbone: unknown backbone 'tcn'");
        rejects(with("backbone", "wrn"), "task 'ecg': backbone: 'wrn' does not suit dims 1; expected 'resnet1d'");
        rejects(with("batch", "0"), "task 'ecg': batch: 0 must be > 0");
        rejects(with("search-epochs", "-1"), "task 'ecg': search-epochs: -1 must be > 0");
        rejects(with("hpo-epochs", "0"), "task 'ecg': hpo-epochs: 0 must be > 0");
        rejects(with("retrain-epochs", "0"), "task 'ecg': retrain-epochs: 0 must be > 0");
        rejects(with("grad-scale", "0"), "task 'ecg': grad-scale: 0.0 must be finite and > 0");
        rejects(with("grad-scale", "NaN"), "task 'ecg': grad-scale: NaN must be finite and > 0");
        rejects(with("grad-scale", "big"), "task 'ecg': grad-scale: 'big' is not a number");
        rejects(with("data", " "), "task 'ecg': data: must not be blank");
    }

    @Test
    void keyErrorsNameTheKey() {
        rejects(with("kernel", "3"), "task 'ecg': unknown key 'kernel'; expected one of [dims, channels,");
        rejects(with("batch", null), "task 'ecg': missing key 'batch'");
        rejects(with("batch", "lots"), "task 'ecg': batch: 'lots' is not an integer");
        rejects(with("dims", "1.0"), "task 'ecg': dims: '1.0' is not an integer");
        rejects(with("synthetic.", "x"), "task 'ecg': key 'synthetic.' names no synthetic parameter");
        rejects(with("synthetic.lag", "3"), "task 'ecg': synthetic parameters {lag=3} given without a synthetic");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskSpec.fromProperties("bad.name", ecg()));
        assertTrue(e.getMessage().startsWith("task name: 'bad.name'"), e.getMessage());
    }

    @Test
    void syntheticTasksAreCheckedAgainstTheGeneratorLayout() {
        Map<String, String> p = with("outputs", "2");
        p.put("shape", "256");
        p.put("metric", "accuracy");
        p.put("synthetic", "long-lag");
        TaskSpec t = TaskSpec.fromProperties("lag", p);
        assertEquals("long-lag", t.synthetic());
        p.put("synthetic.length", "128");
        p.put("synthetic.lag", "100");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TaskSpec.fromProperties("lag", p));
        assertEquals("task 'lag': declares dims 1, channels 1, shape [256], output classes, outputs 2 but synthetic "
                + "'long-lag' with {lag=100, length=128} produces dims 1, channels 1, shape [128], output classes, "
                + "outputs 2", e.getMessage());
        p.put("shape", "128");
        assertEquals(Map.of("length", "128", "lag", "100"), TaskSpec.fromProperties("lag", p).syntheticParams());
        p.put("synthetic.lag", "128");
        e = assertThrows(IllegalArgumentException.class, () -> TaskSpec.fromProperties("lag", p));
        assertTrue(e.getMessage().startsWith("task 'lag': synthetic 'long-lag': lag: 128 must be in [1, 127]"),
                e.getMessage());
        p.put("synthetic.lag", "100");
        p.put("synthetic.tau", "3");
        e = assertThrows(IllegalArgumentException.class, () -> TaskSpec.fromProperties("lag", p));
        assertTrue(e.getMessage().startsWith("task 'lag': synthetic 'long-lag': unknown parameter 'tau'"), e.getMessage());
        p.remove("synthetic.tau");
        p.put("synthetic", "spirals");
        e = assertThrows(IllegalArgumentException.class, () -> TaskSpec.fromProperties("lag", p));
        assertTrue(e.getMessage().startsWith("task 'lag': synthetic: unknown generator 'spirals'"), e.getMessage());
        p.put("synthetic", "long-lag");
        p.put("data", "/x.npz");
        e = assertThrows(IllegalArgumentException.class, () -> TaskSpec.fromProperties("lag", p));
        assertTrue(e.getMessage().startsWith("task 'lag': data: '/x.npz' and synthetic: 'long-lag' exclude each other"),
                e.getMessage());
    }

    @Test
    void posWeightIsOptionalAndOnlyForBinaryCrossEntropy() {
        java.util.Map<String, String> p = new java.util.HashMap<>(java.util.Map.of("dims", "1", "channels", "4",
                "shape", "100", "output", "multi-label", "outputs", "3", "loss", "bce", "metric", "auroc",
                "backbone", "resnet1d", "kernels", "3", "dilations", "1"));
        p.putAll(java.util.Map.of("batch", "8", "search-epochs", "1", "hpo-epochs", "1", "retrain-epochs", "1"));
        assertEquals(1.0, TaskSpec.fromProperties("m", p).posWeight());
        p.put("pos-weight", "4");
        TaskSpec weighted = TaskSpec.fromProperties("m", p);
        assertEquals(4.0, weighted.posWeight());
        assertEquals(weighted, TaskSpec.fromProperties("m", weighted.toProperties()));
        p.put("pos-weight", "-1");
        assertEquals("task 'm': pos-weight: -1.0 must be finite and > 0",
                assertThrows(IllegalArgumentException.class, () -> TaskSpec.fromProperties("m", p)).getMessage());
        p.put("pos-weight", "x");
        assertEquals("task 'm': pos-weight: 'x' is not a number",
                assertThrows(IllegalArgumentException.class, () -> TaskSpec.fromProperties("m", p)).getMessage());
        p.put("pos-weight", "2");
        p.put("output", "classes");
        p.put("loss", "ce");
        p.put("metric", "accuracy");
        assertEquals("task 'm': pos-weight: 2.0 applies to loss bce only, not 'ce'",
                assertThrows(IllegalArgumentException.class, () -> TaskSpec.fromProperties("m", p)).getMessage());
    }
}
