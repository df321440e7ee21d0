package dev.dashspark.spark.data;

import dev.dashspark.core.io.Npy;
import dev.dashspark.core.task.OutputKind;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A small 1D, 3-class task and its arrays as .npy / .npz bytes, for the data tests. */
final class TaskFixtures {

    private TaskFixtures() {
    }

    /** Task {@code name}: 1 channel of length 4, 3 classes, reading {@code dataPath} ({@code null}: none). */
    static TaskSpec spec(String name, String dataPath) {
        return new TaskSpec(name, 1, 1, new int[]{4}, OutputKind.CLASSES, 3, dev.dashspark.core.loss.Loss.CE, dev.dashspark.core.metric.Metrics.parse("accuracy"),
                dev.dashspark.core.backbone.BackboneType.RESNET1D,
                new int[]{3}, new int[]{1}, 2, 1, 1, 1, 100, 1.0, dev.dashspark.core.trial.HpoGrid.REFERENCE,
                dev.dashspark.core.task.TargetNormalization.NONE, dataPath, null, null);
    }

    /** A small synthetic long-lag task (2 classes, length 16, lag 4; 8/2/4 samples). */
    static TaskSpec synthetic(String name) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("dims", "1");
        p.put("channels", "1");
        p.put("shape", "16");
        p.put("output", "classes");
        p.put("outputs", "2");
        p.put("loss", "ce");
        p.put("metric", "accuracy");
        p.put("backbone", "resnet1d");
        p.put("kernels", "3");
        p.put("dilations", "1");
        p.put("batch", "4");
        p.put("search-epochs", "1");
        p.put("hpo-epochs", "1");
        p.put("retrain-epochs", "1");
        p.put("synthetic", "long-lag");
        p.put("synthetic.length", "16");
        p.put("synthetic.lag", "4");
        p.put("synthetic.pairs", "1");
        p.put("synthetic.train", "8");
        p.put("synthetic.val", "2");
        p.put("synthetic.test", "4");
        return TaskSpec.fromProperties(name, p);
    }

    /**
     * The task's arrays as a file would hold them, distinct per {@code salt}: x (B, 1, L) float64, y_train int64
     * class indices, y_test one-hot float64; x_val/y_val present.
     */
    static Map<String, INDArray> arrays(int salt) {
        Map<String, INDArray> a = new LinkedHashMap<>();
        a.put("x_train", Nd4j.createFromArray(new double[][][]{
                {{1 + salt, 2, 3, 4}}, {{5, 6 + salt, 7, 8}}, {{9, 10, 11 + salt, 12.5}}}));
        a.put("y_train", Nd4j.createFromArray(new long[]{2, 0, 1}));
        a.put("x_val", Nd4j.createFromArray(new double[][][]{{{-1, -2, -3, -4 - salt}}}));
        a.put("y_val", Nd4j.createFromArray(new long[]{1}));
        a.put("x_test", Nd4j.createFromArray(new double[][][]{{{0.5, 0.25, salt, 0.125}}, {{100, 200, 300, 400}}}));
        a.put("y_test", Nd4j.createFromArray(new double[][]{{0, 1, 0}, {1, 0, 0}}));
        return a;
    }

    /** Writes {@code arrays} as {@code dir/<name>.npy}; returns {@code dir}. */
    static Path npyDir(Path dir, Map<String, INDArray> arrays) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            Files.write(dir.resolve(e.getKey() + ".npy"), Npy.toNpy(e.getValue()));
        }
        return dir;
    }

    /** Asserts that {@code d} holds exactly {@code arrays(salt)} as the reader converts them. */
    static void assertHolds(Map<String, INDArray> original, TaskData d) {
        assertSameValues(original.get("x_train"), d.xTrain());
        assertSameValues(original.get("x_val"), d.xVal());
        assertSameValues(original.get("x_test"), d.xTest());
        assertEquals(Nd4j.createFromArray(new float[][]{{0, 0, 1}, {1, 0, 0}, {0, 1, 0}}), d.yTrain());
        assertEquals(Nd4j.createFromArray(new float[][]{{0, 1, 0}}), d.yVal());
        assertEquals(Nd4j.createFromArray(new float[][]{{0, 1, 0}, {1, 0, 0}}), d.yTest());
    }

    /** x as written (B, 1, L) float64 versus x as read, float32: same shape and values. */
    private static void assertSameValues(INDArray written, INDArray read) {
        assertArrayEquals(written.shape(), read.shape());
        assertEquals(DataType.FLOAT, read.dataType());
        double[] w = written.dup('c').data().asDouble();
        double[] r = read.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        assertArrayEquals(w, r, 0.0);
    }
}
