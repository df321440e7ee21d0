package dev.dashspark.core.trial;

import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.metric.Clips;
import dev.dashspark.core.metric.ContactMae;
import dev.dashspark.core.metric.FalseNegativeRate;
import dev.dashspark.core.metric.MeanAveragePrecision;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskSpec;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The task extras inside trials: how validation and test are scored with each key on (against the same numbers
 * computed by hand from the network's own predictions), and a short trial with each key on.
 */
class TaskExtrasTrialTest {

    private static final TrialRunner.Options OPTIONS = new TrialRunner.Options(HpoGrid.NONE, 0.25, 1);

    /** A 2D WRN task with tiny budgets; {@code kv} sets or overrides keys. */
    private static TaskSpec task(String name, String... kv) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("dims", "2");
        p.put("backbone", "wrn");
        p.put("kernels", "3,5");
        p.put("dilations", "1,2");
        p.put("batch", "8");
        p.put("search-epochs", "1");
        p.put("hpo-epochs", "1");
        p.put("retrain-epochs", "2");
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return TaskSpec.fromProperties(name, p);
    }

    private static final TaskSpec CIFAR = task("cifar", "channels", "3", "shape", "8x8", "output", "classes",
            "outputs", "4", "loss", "ce", "metric", "accuracy", "augment", "crop-flip", "augment-fill", "-1.9,-1.9,-1.6");
    private static final TaskSpec FSD = task("fsd", "channels", "1", "shape", "8x8", "output", "multi-label",
            "outputs", "3", "loss", "bce", "pos-weight", "10", "metric", "map", "clip-average", "true");
    private static final TaskSpec COSMIC = task("cosmic", "channels", "1", "shape", "8x8", "output", "dense",
            "outputs", "1", "loss", "bce", "metric", "fnr", "ignore-mask", "true");
    private static final TaskSpec PSICOV = task("psicov", "channels", "2", "shape", "26x26", "output", "dense",
            "outputs", "1", "loss", "mse", "metric", "mae8", "kernels", "3", "batch", "4", "retrain-epochs", "1");

    private static INDArray uniform(SplittableRandom rng, long... shape) {
        double[] v = new double[(int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = 2 * rng.nextDouble() - 1;
        }
        return Nd4j.createFromArray(v).reshape(shape).castTo(DataType.FLOAT);
    }

    /** 0/1 values, 1 with probability {@code p}. */
    private static INDArray bits(SplittableRandom rng, double p, long... shape) {
        INDArray u = uniform(rng, shape).addi(1).divi(2);
        return u.lt(p).castTo(DataType.FLOAT);
    }

    /** The retrain network of the backbone's own architecture, freshly initialised. */
    private static ComputationGraph network(TaskSpec spec) {
        TrialRunner runner = new TrialRunner(spec, Method.BACKBONE, 1, OPTIONS, Progress.NONE);
        Architecture arch = runner.backbone(true).defaultArchitecture();
        return runner.retrainNet(arch, HpoGrid.NONE.configurations(spec.outputKind()
                == dev.dashspark.core.task.OutputKind.DENSE).get(0), 9);
    }

    private static TrialContext context(TaskSpec spec, TrialContext.Split eval) {
        return new TrialContext(spec, OPTIONS, spec.metric(), Progress.NONE, CheckpointPolicy.NONE, null, eval, eval,
                null);
    }

    /** FSD-like chunks: clip c of {@code clips} has 3 chunks, interleaved (rows c, c + clips, c + 2·clips). */
    private static TaskData chunks(SplittableRandom rng, int train, int clips) {
        INDArray[] xs = new INDArray[2];
        INDArray[] ys = new INDArray[2];
        INDArray[] ids = new INDArray[2];
        for (int s = 0; s < 2; s++) {
            INDArray clipLabels = bits(rng, 0.5, clips, 3);
            xs[s] = uniform(rng, 3L * clips, 1, 8, 8);
            ys[s] = Nd4j.concat(0, clipLabels, clipLabels, clipLabels);
            float[] id = new float[3 * clips];
            for (int r = 0; r < id.length; r++) {
                id[r] = 100 + r % clips;
            }
            ids[s] = Nd4j.createFromArray(id);
        }
        return new TaskData(uniform(rng, train, 1, 8, 8), bits(rng, 0.5, train, 3), xs[0], ys[0], xs[1], ys[1],
                Map.of("clip_val", ids[0], "clip_test", ids[1]));
    }

    @Test
    void clipAverageScoresTheSigmoidOfEachClipsMeanChunkLogit() {
        SplittableRandom rng = new SplittableRandom(1);
        TaskData d = chunks(rng, 8, 12);
        ComputationGraph net = network(FSD);
        TrialContext.Split test = new TrialContext.Split(d.xTest(), d.yTest(), null, null,
                d.extras().get("clip_test"));
        double value = context(FSD, test).evaluate(net, test, "test", "test");
        // by hand, from the network's probabilities: logit(p) per chunk, averaged per clip, sigmoid, mAP over clips
        INDArray p = net.outputSingle(false, d.xTest()).castTo(DataType.DOUBLE);
        INDArray logits = Transforms.log(p.div(p.rsub(1.0)));
        double[][] perClip = new double[12][3];
        for (int c = 0; c < 12; c++) {
            for (int k = 0; k < 3; k++) {
                double z = (logits.getDouble(c, k) + logits.getDouble(c + 12, k) + logits.getDouble(c + 24, k)) / 3;
                perClip[c][k] = 1 / (1 + Math.exp(-z));
            }
        }
        INDArray clipLabels = d.yTest().get(NDArrayIndex.interval(0, 12));
        MeanAveragePrecision map = new MeanAveragePrecision();
        assertEquals(map.compute(Nd4j.createFromArray(perClip), clipLabels), value, 1e-6);
        assertNotEquals(map.compute(p, d.yTest()), value, 1e-6, "chunk-level mAP is another number");
        assertEquals(value, map.compute(Clips.average(logits, d.yTest(), d.extras().get("clip_test")).probabilities(),
                clipLabels), 1e-6);
    }

    @Test
    void ignoreMaskZeroesIgnoredPredictionsAndLabelsBeforeTheMetric() {
        SplittableRandom rng = new SplittableRandom(2);
        INDArray x = uniform(rng, 6, 1, 8, 8);
        INDArray y = bits(rng, 0.5, 6, 64);
        INDArray ignore = bits(rng, 0.3, 6, 64);
        ComputationGraph net = network(COSMIC);
        TrialContext.Split s = new TrialContext.Split(x, y, null, ignore, null);
        double value = context(COSMIC, s).evaluate(net, s, "test", "test");
        INDArray p = net.outputSingle(false, x);
        long fn = 0;
        long tp = 0;
        for (int i = 0; i < 6 * 64; i++) {
            if (ignore.getDouble(i) == 0 && y.getDouble(i) == 1) {
                if (p.getDouble(i) > 0.5) {
                    tp++;
                } else {
                    fn++;
                }
            }
        }
        assertEquals((double) fn / (fn + tp), value, 0.0, "FN / (FN + TP) over the pixels not ignored");
        assertNotEquals(new FalseNegativeRate().compute(p, y), value, 1e-6, "unmasked, another number");
        TrialContext.Split unmasked = new TrialContext.Split(x, y, null, null, null);
        assertEquals(new FalseNegativeRate().compute(p, y), context(COSMIC, unmasked).evaluate(net, unmasked, "test",
                "test"), 0.0);
    }

    @Test
    void denseTestMapsLargerThanTrainingAreScoredAsTheNetworkBuiltForThemWouldScoreThem() {
        SplittableRandom rng = new SplittableRandom(3);
        INDArray x = uniform(rng, 3, 2, 30, 30);
        INDArray y = uniform(rng, 3, 1, 30, 30).addi(1).muli(6); // distances in [0, 12]
        ComputationGraph net = network(PSICOV);
        TrialContext.Split test = new TrialContext.Split(x, y.reshape(3, 900), null, null, null);
        double value = context(PSICOV, test).evaluate(net, test, "test", "test");
        Map<String, String> p = PSICOV.toProperties();
        p.put("shape", "30x30");
        ComputationGraph large = network(TaskSpec.fromProperties("psicov", p));
        large.params().assign(net.params());
        assertEquals(new ContactMae().compute(large.outputSingle(false, x).reshape(3, 1, 30, 30), y), value, 1e-6);
    }

    @Test
    void augmentationNeverReachesValidationOrTest() {
        SplittableRandom rng = new SplittableRandom(4);
        TrialContext.Split s = new TrialContext.Split(uniform(rng, 16, 3, 8, 8), Nd4j.eye(4).repeat(0, 4), null, null,
                null);
        ComputationGraph net = network(CIFAR);
        Map<String, String> plain = CIFAR.toProperties();
        plain.remove("augment");
        plain.remove("augment-fill");
        assertEquals(context(TaskSpec.fromProperties("cifar", plain), s).evaluate(net, s, "test", "test"),
                context(CIFAR, s).evaluate(net, s, "test", "test"), 0.0);
    }

    /** A trial of {@code method} on {@code data}, which must end OK with a finite value of the task's metric. */
    private static void runs(TaskSpec spec, Method method, TaskData data) {
        TrialResult r = new TrialRunner(spec, method, 1, OPTIONS, Progress.NONE).run(data.checkAgainst(spec));
        assertEquals(TrialStatus.OK, r.status(), spec.name() + ": " + r.message());
        assertTrue(Double.isFinite(r.metricValue()), spec.name() + ": " + r.toJson());
        assertEquals(spec.metric().name(), r.metricName());
    }

    @Test
    void aTrialRunsWithCropFlipAugmentation() {
        SplittableRandom rng = new SplittableRandom(5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 48, 4);
        for (int i = 0; i < 48; i++) {
            y.putScalar(i, i % 4, 1);
        }
        runs(CIFAR, Method.DASH, new TaskData(uniform(rng, 32, 3, 8, 8), y.get(NDArrayIndex.interval(0, 32)), null,
                null, uniform(rng, 16, 3, 8, 8), y.get(NDArrayIndex.interval(32, 48))));
    }

    @Test
    void aTrialRunsWithClipAverages() {
        runs(FSD, Method.BACKBONE, chunks(new SplittableRandom(6), 24, 4));
    }

    @Test
    void aTrialRunsWithIgnoreMapsAndAValidationSplitHeldOutOfTrain() {
        SplittableRandom rng = new SplittableRandom(7);
        TaskSpec small = TaskSpec.fromProperties("cosmic", withShape(COSMIC, "6x6"));
        runs(small, Method.DASH, new TaskData(uniform(rng, 16, 1, 6, 6), bits(rng, 0.3, 16, 1, 6, 6), null, null,
                uniform(rng, 4, 1, 6, 6), bits(rng, 0.3, 4, 1, 6, 6), Map.of("ignore_train", bits(rng, 0.2, 16, 1, 6, 6),
                "ignore_test", bits(rng, 0.2, 4, 1, 6, 6))));
    }

    @Test
    void aTrialRunsWithMae8AndLargerTestMaps() {
        SplittableRandom rng = new SplittableRandom(8);
        // distances in [0, 8]: every pair at separation ≥ 24 is a contact
        runs(PSICOV, Method.BACKBONE, new TaskData(uniform(rng, 4, 2, 26, 26), uniform(rng, 4, 1, 26, 26).addi(1)
                .muli(4), null, null, uniform(rng, 2, 2, 32, 32), uniform(rng, 2, 1, 32, 32).addi(1).muli(4)));
    }

    private static Map<String, String> withShape(TaskSpec spec, String shape) {
        Map<String, String> p = spec.toProperties();
        p.put("shape", shape);
        return p;
    }
}
