package dev.dashspark.core.task;

import dev.dashspark.core.io.DataFileException;
import dev.dashspark.core.io.Npy;
import dev.dashspark.core.io.NpyDtype;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.dashspark.core.task.TaskDataReaderTest.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The task keys of the NAS-Bench-360 extras ({@link TaskExtras}, metric {@code mae8}): what each suits, the arrays
 * each needs in a task file ({@link TaskLayout}), how they are read ({@link TaskDataReader}) and carried
 * ({@link TaskData}).
 */
class TaskExtrasTest {

    @TempDir
    Path tmp;

    /** A 2D task: 3 × 8 × 8 images into 4 classes (CIFAR-like). */
    static Map<String, String> images() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("dims", "2");
        p.put("channels", "3");
        p.put("shape", "8x8");
        p.put("output", "classes");
        p.put("outputs", "4");
        p.put("loss", "ce");
        p.put("metric", "accuracy");
        p.put("backbone", "wrn");
        p.put("kernels", "3");
        p.put("dilations", "1");
        p.put("batch", "8");
        p.put("search-epochs", "1");
        p.put("hpo-epochs", "1");
        p.put("retrain-epochs", "1");
        return p;
    }

    /** {@link #images()} changed by {@code kv} (key, value, key, value...; a null value removes the key). */
    static Map<String, String> images(String... kv) {
        Map<String, String> p = images();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                p.remove(kv[i]);
            } else {
                p.put(kv[i], kv[i + 1]);
            }
        }
        return p;
    }

    /** A Cosmic-like task: 1 × 4 × 4 inputs, one dense output, bce, fnr, ignore maps on. */
    static TaskSpec masks() {
        return TaskSpec.fromProperties("m", images("channels", "1", "shape", "4x4", "output", "dense", "outputs", "1",
                "loss", "bce", "metric", "fnr", "ignore-mask", "true"));
    }

    /** An FSD-like task: 1 × 4 × 4 chunks, 2 labels, clip-level scores. */
    static TaskSpec chunks() {
        return TaskSpec.fromProperties("c", images("channels", "1", "shape", "4x4", "output", "multi-label", "outputs",
                "2", "loss", "bce", "metric", "map", "clip-average", "true"));
    }

    private static String rejected(Map<String, String> p) {
        return assertThrows(IllegalArgumentException.class, () -> TaskSpec.fromProperties("t", p), p.toString())
                .getMessage();
    }

    @Test
    void keysParseToTheirDefaultsAndRoundTrip() {
        TaskSpec plain = TaskSpec.fromProperties("t", images());
        assertEquals(TaskExtras.NONE, plain.extras());
        for (String key : List.of("augment", "augment-fill", "clip-average", "ignore-mask")) {
            assertFalse(plain.toProperties().containsKey(key), key + " at its default is not written (trial ids stay)");
        }
        TaskSpec cifar = TaskSpec.fromProperties("t", images("augment", "crop-flip", "augment-fill", "-1.5, -2,0.25"));
        assertEquals(Augmentation.CROP_FLIP, cifar.extras().augment());
        assertArrayEquals(new double[]{-1.5, -2, 0.25}, cifar.extras().augmentFill());
        assertEquals(cifar, TaskSpec.fromProperties("t", cifar.toProperties()));
        assertEquals("crop-flip", cifar.toProperties().get("augment"));
        TaskSpec sameFill = TaskSpec.fromProperties("t", images("augment", "crop-flip", "augment-fill", "0.5,0.5,0.5"));
        assertEquals(TaskSpec.fromProperties("t", images("augment", "crop-flip", "augment-fill", "0.5")), sameFill,
                "one value for every channel is the same fill");
        for (TaskSpec t : List.of(masks(), chunks())) {
            assertEquals(t, TaskSpec.fromProperties(t.name(), t.toProperties()));
            assertEquals(t.hashCode(), TaskSpec.fromProperties(t.name(), t.toProperties()).hashCode());
        }
        assertTrue(masks().extras().ignoreMask());
        assertTrue(chunks().extras().clipAverage());
        TaskSpec psicov = TaskSpec.fromProperties("p", images("channels", "2", "shape", "26x26", "output", "dense",
                "outputs", "1", "loss", "mse", "metric", "mae8"));
        assertEquals("mae8", psicov.metric().name());
    }

    @Test
    void eachKeyIsRefusedWhereItDoesNotSuitTheTaskNamingTaskKeyAndValue() {
        assertEquals("task 't': augment: unknown augmentation 'flip'; expected one of [none, crop-flip]",
                rejected(images("augment", "flip")));
        assertEquals("task 't': augment: 'crop-flip' crops and flips images: it needs dims 2, not 1",
                rejected(images("dims", "1", "shape", "64", "backbone", "resnet1d", "augment", "crop-flip")));
        assertEquals("task 't': augment: 'crop-flip' moves the input but not a dense output's labels: it applies to"
                + " output classes or multi-label only", rejected(images("output", "dense", "outputs", "1", "loss",
                "mse", "metric", "mae", "augment", "crop-flip")));
        assertEquals("task 't': augment-fill: 1.0 applies with an augmentation only (augment is 'none')",
                rejected(images("augment-fill", "1")));
        assertEquals("task 't': augment-fill: 2 values 1.0,2.0 for 3 input channels; give one value, or one per channel",
                rejected(images("augment", "crop-flip", "augment-fill", "1,2")));
        assertEquals("task 't': augment-fill: '1,x' is not a comma-separated list of numbers",
                rejected(images("augment", "crop-flip", "augment-fill", "1,x")));
        assertEquals("task 't': augment-fill: [NaN] must be finite",
                rejected(images("augment", "crop-flip", "augment-fill", "NaN")));
        assertEquals("task 't': clip-average: true applies to output multi-label only (chunk logits averaged per clip),"
                + " not classes", rejected(images("clip-average", "true")));
        assertEquals("task 't': clip-average: 'yes' is not true or false", rejected(images("clip-average", "yes")));
        assertEquals("task 't': ignore-mask: true applies to output dense with loss bce or mse (an element-wise loss),"
                + " not output classes with loss ce", rejected(images("ignore-mask", "true")));
        assertEquals("task 't': ignore-mask: true applies to output dense with loss bce or mse (an element-wise loss),"
                + " not output dense with loss rel-l2", rejected(images("output", "dense", "outputs", "1", "loss",
                "rel-l2", "metric", "rel-l2", "ignore-mask", "true")));
        assertEquals("task 't': ignore-mask: 'TRUE' is not true or false", rejected(images("ignore-mask", "TRUE")));
        Map<String, String> psicov = images("output", "dense", "outputs", "1", "loss", "mse", "metric", "mae8");
        assertEquals("task 't': metric: 'mae8' scores 2D distance maps, not dims 1", rejected(images("output", "dense",
                "outputs", "1", "loss", "mse", "metric", "mae8", "dims", "1", "shape", "64", "backbone", "resnet1d")));
        psicov.put("shape", "8x6");
        assertEquals("task 't': metric: 'mae8' scores square residue × residue maps, not shape 8x6", rejected(psicov));
        psicov.put("shape", "8x8");
        psicov.put("outputs", "2");
        assertEquals("task 't': metric: 'mae8' scores one output channel (a distance map), not 2", rejected(psicov));
    }

    /** The arrays of {@link #masks()}: x (B, 1, 4, 4), y and ignore flags (B, 1, 4, 4), train 3, test 2. */
    private static Map<String, byte[]> maskArrays() {
        Map<String, byte[]> a = new LinkedHashMap<>();
        a.put("x_train", npy(NpyDtype.FLOAT32, i -> i, 3, 1, 4, 4));
        a.put("y_train", npy(NpyDtype.UINT8, i -> i % 3 == 0 ? 1 : 0, 3, 1, 4, 4));
        a.put("ignore_train", npy(NpyDtype.BOOL, i -> i % 5 == 0 ? 1 : 0, 3, 1, 4, 4));
        a.put("x_test", npy(NpyDtype.FLOAT32, i -> -i, 2, 1, 4, 4));
        a.put("y_test", npy(NpyDtype.UINT8, i -> i % 2, 2, 1, 4, 4));
        a.put("ignore_test", npy(NpyDtype.UINT8, i -> i < 4 ? 1 : 0, 2, 1, 4, 4));
        return a;
    }

    /** The arrays of {@link #chunks()}: 6 validation chunks of clips 7, 3, 7, 9, 3, 9; 4 test chunks of 2 clips. */
    private static Map<String, byte[]> chunkArrays() {
        Map<String, byte[]> a = new LinkedHashMap<>();
        a.put("x_train", npy(NpyDtype.FLOAT32, i -> i, 4, 1, 4, 4));
        a.put("y_train", npy(NpyDtype.UINT8, i -> i % 2, 4, 2));
        long[] valClips = {7, 3, 7, 9, 3, 9};
        a.put("x_val", npy(NpyDtype.FLOAT32, i -> i, 6, 1, 4, 4));
        // the labels of clip 7 are (1, 0), of 3 (0, 1), of 9 (1, 1): row r holds its clip's
        a.put("y_val", npy(NpyDtype.UINT8, i -> {
            long clip = valClips[(int) (i / 2)];
            return clip == 9 || (clip == 7) == (i % 2 == 0) ? 1 : 0;
        }, 6, 2));
        a.put("clip_val", npy(NpyDtype.INT64, i -> valClips[(int) i], 6));
        a.put("x_test", npy(NpyDtype.FLOAT32, i -> -i, 4, 1, 4, 4));
        a.put("y_test", npy(NpyDtype.UINT8, i -> i < 4 ? i % 2 : 1 - i % 2, 4, 2));
        a.put("clip_test", npy(NpyDtype.INT32, i -> i / 2, 4, 1));
        return a;
    }

    private Path npz(Map<String, byte[]> arrays) throws IOException {
        return Files.write(Files.createTempFile(tmp, "task", ".npz"), Npy.zip(arrays, true));
    }

    private TaskData read(TaskSpec spec, Map<String, byte[]> arrays) throws IOException {
        return TaskDataReader.load(spec.withDataPath(npz(arrays).toString()));
    }

    private String refused(TaskSpec spec, Map<String, byte[]> arrays) throws IOException {
        Path file = npz(arrays);
        return assertThrows(DataFileException.class, () -> TaskDataReader.load(spec.withDataPath(file.toString())))
                .getMessage().replace(file.toString(), "F");
    }

    @Test
    void ignoreMapsAreReadWhenTheKeyIsOnAndIgnoredWhenItIsOff() throws IOException {
        TaskData d = read(masks(), maskArrays());
        assertArrayEquals(new long[]{3, 1, 4, 4}, d.extra(TaskLayout.Extra.IGNORE, "train").shape());
        assertEquals(1.0, d.extra(TaskLayout.Extra.IGNORE, "train").getDouble(0, 0, 1, 1), 0.0, "element 5");
        assertEquals(0.0, d.extra(TaskLayout.Extra.IGNORE, "train").getDouble(0, 0, 1, 2), 0.0, "element 6");
        assertEquals(4.0, d.extra(TaskLayout.Extra.IGNORE, "test").sumNumber().doubleValue(), 0.0);
        assertNull(d.extra(TaskLayout.Extra.IGNORE, "val"));
        Map<String, String> off = masks().toProperties();
        off.remove("ignore-mask");
        assertEquals(Map.of(), read(TaskSpec.fromProperties("m", off), maskArrays()).extras(),
                "the key off: the maps are not read");
    }

    @Test
    void ignoreMapsMustBeThereShapedLikeTheirLabelsAndHoldZerosAndOnes() throws IOException {
        Map<String, byte[]> a = maskArrays();
        a.remove("ignore_test");
        assertEquals("task 'm': data: F: missing array ignore_test: ignore-mask = true needs ignore_train, ignore_test"
                + " and, with x_val, ignore_val", refused(masks(), a));
        a = maskArrays();
        a.put("x_val", npy(NpyDtype.FLOAT32, i -> i, 2, 1, 4, 4));
        a.put("y_val", npy(NpyDtype.FLOAT32, i -> 0, 2, 1, 4, 4));
        assertTrue(refused(masks(), a).startsWith("task 'm': data: F: missing array ignore_val"));
        a = maskArrays();
        a.put("ignore_train", npy(NpyDtype.UINT8, i -> 0, 3, 4, 4));
        assertEquals("task 'm': data: F[ignore_train]: shape [3, 4, 4] (uint8), expected [3, 1, 4, 4], the shape of"
                + " its labels", refused(masks(), a));
        a = maskArrays();
        a.put("ignore_train", npy(NpyDtype.FLOAT32, i -> i == 7 ? 0.5 : 0, 3, 1, 4, 4));
        assertEquals("task 'm': data: F[ignore_train]: value 0.5 at [0, 0, 1, 3] (sample 0); ignore flags must be 0"
                + " or 1", refused(masks(), a));
    }

    @Test
    void clipIdsAreReadAsIntegersAndEveryChunkMustCarryItsClipsLabels() throws IOException {
        TaskData d = read(chunks(), chunkArrays());
        assertArrayEquals(new double[]{7, 3, 7, 9, 3, 9}, d.extra(TaskLayout.Extra.CLIP, "val").toDoubleVector());
        assertArrayEquals(new long[]{4}, d.extra(TaskLayout.Extra.CLIP, "test").shape(), "(B, 1) is held as (B)");
        Map<String, byte[]> a = chunkArrays();
        a.put("y_val", npy(NpyDtype.UINT8, i -> i == 9 ? 1 : 0, 6, 2));
        assertEquals("task 'c': data: F[clip_val]: samples 1 and 4 are chunks of clip 3 but have different labels;"
                + " every chunk of a clip carries the clip's labels", refused(chunks(), a));
        a = chunkArrays();
        a.put("clip_val", npy(NpyDtype.INT64, i -> i == 2 ? 1L << 24 : 1, 6));
        assertEquals("task 'c': data: F[clip_val]: clip id 16777216 at [2] (sample 2); clip ids must lie in"
                + " [0, 16777216)", refused(chunks(), a));
        a = chunkArrays();
        a.put("clip_val", npy(NpyDtype.FLOAT32, i -> 1, 6));
        assertEquals("task 'c': data: F[clip_val]: clip ids must have an integer dtype, found float32 (shape [6])",
                refused(chunks(), a));
        a = chunkArrays();
        a.put("clip_test", npy(NpyDtype.INT32, i -> 1, 3));
        assertEquals("task 'c': data: F[clip_test]: shape [3] (int32), expected [4] or [4, 1]: one clip id per sample"
                + " of its x", refused(chunks(), a));
        a = chunkArrays();
        a.remove("x_val");
        a.remove("y_val");
        assertEquals("task 'c': data: F: clip-average = true needs the task's own validation split (x_val, y_val,"
                + " clip_val): chunks of one clip would otherwise land on both sides of a split held out of train",
                refused(chunks(), a));
    }

    @Test
    void validationAndTestOfADenseTaskMayBeLargerUnlessNormalisedPerPositionAndMustSuitTheMetric() {
        TaskSpec psicov = TaskSpec.fromProperties("p", images("channels", "2", "shape", "26x26", "output", "dense",
                "outputs", "1", "loss", "mse", "metric", "mae8"));
        TaskData big = new TaskData(Nd4j.zeros(4, 2, 26, 26), Nd4j.zeros(4, 1, 26, 26), Nd4j.zeros(2, 2, 40, 40),
                Nd4j.zeros(2, 1, 40, 40), Nd4j.zeros(3, 2, 64, 64), Nd4j.zeros(3, 1, 64, 64));
        big.checkAgainst(psicov);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TaskData(
                Nd4j.zeros(4, 2, 26, 26), Nd4j.zeros(4, 1, 26, 26), null, null, Nd4j.zeros(3, 2, 64, 60),
                Nd4j.zeros(3, 1, 64, 60)).checkAgainst(psicov));
        assertEquals("task 'p': data: x_test: shape [3, 2, 64, 60]: metric 'mae8' scores square residue × residue"
                + " maps, not shape 64x60", e.getMessage());
        Map<String, String> darcy = psicov.toProperties();
        darcy.put("metric", "mae");
        darcy.put("target-normalization", "per-position");
        e = assertThrows(IllegalArgumentException.class, () -> big.checkAgainst(TaskSpec.fromProperties("d", darcy)));
        assertEquals("task 'd': data: x_val: shape [2, 2, 40, 40] (float32), expected [B, 2, 26, 26] for channels 2,"
                + " shape 26x26", e.getMessage());
        TaskSpec classes = TaskSpec.fromProperties("t", images());
        e = assertThrows(IllegalArgumentException.class, () -> new TaskData(Nd4j.zeros(4, 3, 8, 8), Nd4j.zeros(4, 4),
                Nd4j.zeros(2, 3, 9, 9), Nd4j.zeros(2, 4), Nd4j.zeros(2, 3, 8, 8), Nd4j.zeros(2, 4)).checkAgainst(classes));
        assertEquals("task 't': data: x_val: shape [2, 3, 9, 9] (float32), expected [B, 3, 8, 8] for channels 3, shape"
                + " 8x8", e.getMessage());
    }

    @Test
    void taskDataCarriesExtrasPerSplitAndHoldsOutTheirRowsWithTheValidationSplit() {
        float[] ids = new float[10 * 16];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i / 16;
        }
        TaskData d = new TaskData(Nd4j.createFromArray(ids).reshape(10, 1, 4, 4), Nd4j.createFromArray(ids)
                .reshape(10, 1, 4, 4).mul(10), null, null, Nd4j.zeros(2, 1, 4, 4), Nd4j.zeros(2, 1, 4, 4),
                Map.of("ignore_train", Nd4j.createFromArray(ids).reshape(10, 1, 4, 4).mul(100),
                        "ignore_test", Nd4j.zeros(2, 1, 4, 4)));
        d.checkAgainst(masks());
        TaskData split = d.withValidationSplit(0.3, 5);
        for (String s : List.of("train", "val")) {
            INDArrayRows x = new INDArrayRows(s.equals("train") ? split.xTrain() : split.xVal());
            INDArrayRows flags = new INDArrayRows(split.extra(TaskLayout.Extra.IGNORE, s));
            assertEquals(x.size(), flags.size(), s);
            for (int r = 0; r < x.size(); r++) {
                assertEquals(100 * x.first(r), flags.first(r), 0.0, s + " row " + r + ": the flags of the same sample");
            }
        }
        assertEquals(Nd4j.zeros(2, 1, 4, 4), split.extra(TaskLayout.Extra.IGNORE, "test"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TaskData(
                Nd4j.zeros(4, 1, 8), Nd4j.zeros(4, 1, 8), null, null, Nd4j.zeros(2, 1, 8), Nd4j.zeros(2, 1, 8),
                Map.of("ignore_train", Nd4j.zeros(4, 8))));
        assertEquals("ignore_train: shape [4, 8] must be y_train's [4, 1, 8]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TaskData(Nd4j.zeros(4, 1, 8), Nd4j.zeros(4, 2),
                null, null, Nd4j.zeros(2, 1, 8), Nd4j.zeros(2, 2), Map.of("clip_val", Nd4j.zeros(4))));
        assertEquals("clip_val is given without x_val", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TaskData(Nd4j.zeros(4, 1, 8), Nd4j.zeros(4, 2),
                null, null, Nd4j.zeros(2, 1, 8), Nd4j.zeros(2, 2), Map.of("clip_test", Nd4j.zeros(3))));
        assertEquals("clip_test: shape [3] must be (2) or (2, 1), one clip id per sample of x_test", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TaskData(Nd4j.zeros(4, 1, 8), Nd4j.zeros(4, 2),
                null, null, Nd4j.zeros(2, 1, 8), Nd4j.zeros(2, 2), Map.of("clip_train", Nd4j.zeros(4))));
        assertTrue(e.getMessage().startsWith("extras: 'clip_train' is not an extra array; expected one of"),
                e.getMessage());
    }

    /** The first value of each sample of a (B, ...) array. */
    private record INDArrayRows(org.nd4j.linalg.api.ndarray.INDArray a) {
        long size() {
            return a.size(0);
        }

        double first(int r) {
            return a.getDouble((long) r * (a.length() / a.size(0)));
        }
    }
}
