package dev.dashspark.core.task;

import dev.dashspark.core.trial.HpoGrid;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code conf/nb360.conf} and {@code conf/synthetic.conf} load and validate; malformed files are rejected. */
class TaskConfigTest {

    private static final Path CONF = Path.of("..", "conf");

    @Test
    void nasBench360ConfDefinesTheTenTasksOfTheTable() throws IOException {
        Map<String, TaskSpec> tasks = TaskConfig.load(CONF.resolve("nb360.conf"));
        assertEquals(List.of("cifar100", "cosmic", "darcy", "deepsea", "ecg", "fsd50k", "ninapro", "psicov",
                "satellite", "spherical"), List.copyOf(tasks.keySet()));
        // name → dims, channels, outputs, batch, grad scale (docs/algorithm.md, "Tasks")
        Object[][] table = {
                {"cifar100", 2, 3, new int[]{32, 32}, 100, 64, 5000.0, "accuracy"},
                {"spherical", 2, 3, new int[]{60, 60}, 100, 64, 500.0, "accuracy"},
                {"ninapro", 2, 1, new int[]{16, 52}, 18, 128, 100.0, "accuracy"},
                {"fsd50k", 2, 1, new int[]{96, 102}, 200, 128, 100.0, "map"},
                {"darcy", 2, 3, new int[]{85, 85}, 1, 10, 100.0, "rel-l2"},
                {"psicov", 2, 57, new int[]{128, 128}, 1, 8, 100.0, "mae"},
                {"cosmic", 2, 1, new int[]{128, 128}, 1, 4, 1000.0, "fnr"},
                {"ecg", 1, 1, new int[]{1000}, 4, 1024, 100.0, "macro-f1"},
                {"satellite", 1, 1, new int[]{46}, 24, 256, 100.0, "accuracy"},
                {"deepsea", 1, 4, new int[]{1000}, 36, 256, 10.0, "auroc"}};
        for (Object[] row : table) {
            TaskSpec t = tasks.get((String) row[0]);
            String n = t.name();
            assertEquals(row[1], t.dims(), n);
            assertEquals(row[2], t.inputChannels(), n);
            assertArrayEquals((int[]) row[3], t.inputShape(), n);
            assertEquals(row[4], t.numOutputs(), n);
            assertEquals(row[5], t.batchSize(), n);
            assertEquals((double) row[6], t.gradScale(), 0.0, n);
            assertEquals(row[7], t.metric().name(), n);
            assertEquals(t.dims() == 1 ? "resnet1d" : "wrn", t.backbone().configName(), n);
            assertEquals(100, t.searchEpochs(), n);
            assertEquals(80, t.hpoEpochs(), n);
            assertEquals(200, t.retrainEpochs(), n);
            assertNull(t.dataPath(), n + ": data paths are commented placeholders");
            int[] k = t.dims() == 1 ? new int[]{3, 7, 11, 15, 19} : n.equals("ninapro") ? new int[]{3, 5, 7}
                    : new int[]{3, 5, 7, 9};
            int[] d = n.equals("ninapro") ? new int[]{1, 3, 7} : new int[]{1, 3, 7, 15};
            assertArrayEquals(k, t.kernels(), n);
            assertArrayEquals(d, t.dilations(), n);
        }
        assertEquals(OutputKind.MULTI_LABEL, tasks.get("fsd50k").outputKind());
        assertEquals(10.0, tasks.get("fsd50k").posWeight());
        assertEquals(4.0, tasks.get("deepsea").posWeight());
        assertEquals(1.0, tasks.get("ecg").posWeight());
        assertEquals(OutputKind.DENSE, tasks.get("darcy").outputKind());
        assertEquals("rel-l2", tasks.get("darcy").loss().configName());
        assertEquals("mse", tasks.get("psicov").loss().configName());
        assertEquals("bce", tasks.get("cosmic").loss().configName());
        // the reference's HPO grids: 3 configurations for PSICOV, Cosmic and FSD50K, 24 for the others, Darcy included
        for (String n : tasks.keySet()) {
            HpoGrid expected = List.of("psicov", "cosmic", "fsd50k").contains(n) ? HpoGrid.REFERENCE_SMALL : HpoGrid.REFERENCE;
            assertEquals(expected, tasks.get(n).hpoGrid(), n);
            assertEquals(n.equals("darcy") ? TargetNormalization.PER_POSITION : TargetNormalization.NONE,
                    tasks.get(n).targetNormalization(), n + ": only Darcy's targets are standardised (UnitGaussianNormalizer)");
        }
        assertEquals(271, tasks.get("ecg").searchSpace().span());
        assertEquals(43, tasks.get("ninapro").searchSpace().span());
    }

    @Test
    void syntheticConfGeneratesDataMatchingEachSpec() throws IOException {
        Map<String, TaskSpec> tasks = TaskConfig.load(CONF.resolve("synthetic.conf"));
        assertEquals(List.of("darcy", "long-lag", "motifs", "spacing", "texture"), List.copyOf(tasks.keySet()));
        for (TaskSpec t : tasks.values()) {
            Map<String, String> small = new java.util.TreeMap<>(t.toProperties());
            small.put("synthetic.train", "6");
            small.put("synthetic.val", "3");
            small.put("synthetic.test", "3");
            TaskSpec s = TaskSpec.fromProperties(t.name(), small);
            TaskData data = SyntheticTasks.generate(s, 1);
            assertEquals(6, data.trainSize(), t.name());
            assertArrayEquals(s.inputShapeFor(3), data.xTest().shape(), t.name());
        }
    }

    @Test
    void malformedFilesAreRejectedNamingSourceAndKey() {
        assertTrue(reject("task.ecg = 1\n").startsWith("x.conf: key 'task.ecg' is not of the form task.<name>.<key>"));
        assertTrue(reject("ecg.dims = 1\n").startsWith("x.conf: key 'ecg.dims' is not of the form"));
        assertTrue(reject("task..dims = 1\n").startsWith("x.conf: key 'task..dims' is not of the form"));
        assertTrue(reject("task.ecg. = 1\n").startsWith("x.conf: key 'task.ecg.' is not of the form"));
        assertTrue(reject("# nothing\n").startsWith("x.conf: defines no task"));
        String m = reject("task.ecg.dims = 1\ntask.ecg.colour = red\n");
        assertTrue(m.startsWith("x.conf: task 'ecg': unknown key 'colour'"), m);
        m = reject("task.ecg.dims = 1\n");
        assertTrue(m.startsWith("x.conf: task 'ecg': missing key 'channels'"), m);
    }

    private static String reject(String text) {
        return assertThrows(IllegalArgumentException.class, () -> TaskConfig.load(new StringReader(text), "x.conf"))
                .getMessage();
    }
}
