package dev.dashspark.core.trial;

import dev.dashspark.core.arch.LayerChoice;

import dev.dashspark.core.arch.Architecture;

import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.backbone.ResNet1D;
import dev.dashspark.core.layer.AggConvLayerImpl;
import dev.dashspark.core.task.SyntheticTasks;
import dev.dashspark.core.task.TaskConfig;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskSpec;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one-machine pipeline on the synthetic tasks, with tiny budgets. */
class TrialRunnerTest {
    private static Map<String, TaskSpec> tasks;

    @BeforeAll
    static void load() throws Exception {
        tasks = TaskConfig.load(Path.of("../conf/synthetic.conf"));
    }

    /** A task of synthetic.conf with small budgets and sizes for tests. */
    static TaskSpec tiny(String name) {
        Map<String, String> p = new HashMap<>(tasks.get(name).toProperties());
        p.put("search-epochs", "3");
        p.put("hpo-epochs", "1");
        p.put("retrain-epochs", "2");
        p.put("synthetic.train", "128");
        p.put("synthetic.val", "64");
        p.put("synthetic.test", "64");
        return TaskSpec.fromProperties(name, p);
    }

    static TrialResult run(TaskSpec spec, Method m, long seed) {
        TaskData data = SyntheticTasks.generate(spec, seed);
        return new TrialRunner(spec, m, seed, new TrialRunner.Options(HpoGrid.NONE, 0.1, 1), Progress.NONE).run(data);
    }

    @Test
    void aSingleConfigurationGridSkipsTheHpoTraining() {
        TrialResult r = run(tiny("long-lag"), Method.BACKBONE, 4);
        assertEquals(TrialStatus.OK, r.status());
        assertEquals(HpoGrid.NONE.configurations(false).get(0), r.hyperparams());
        assertTrue(r.hpoSeconds() < 0.05, "hpo took " + r.hpoSeconds() + " s for one configuration");
    }

    @ParameterizedTest
    @EnumSource(Method.class)
    void everyMethodRunsOnEverySyntheticTask(Method m) {
        for (String task : new String[]{"long-lag", "motifs", "texture", "darcy"}) {
            TaskSpec spec = tiny(task);
            TrialResult r = run(spec, m, 1);
            assertEquals(TrialStatus.OK, r.status(), task + " " + m + ": " + r.message());
            assertEquals(spec.dims() == 1 ? 9 : 13, r.architecture().layers().size(), task);
            assertTrue(Double.isFinite(r.metricValue()) && r.metricValue() >= 0, r.toJson());
            assertEquals(spec.metric().error(r.metricValue()), r.error(), 1e-12);
            if (spec.outputKind() != dev.dashspark.core.task.OutputKind.DENSE) {
                assertTrue(r.metricValue() <= 1, r.toJson());
            }
            if (m == Method.BACKBONE) {
                assertEquals(new TrialRunner(spec, m, 1, new TrialRunner.Options(HpoGrid.NONE, 0.1, 1), Progress.NONE).backbone(true)
                        .defaultArchitecture(), r.architecture());
            } else {
                var space = spec.searchSpace();
                for (LayerChoice c : r.architecture().layers()) {
                    space.index(c.kernel(), c.dilation()); // throws unless (k, d) is in the space
                }
            }
            assertTrue(r.toJson().contains("\"status\" : \"OK\""), r.toJson());
        }
    }

    @Test
    void mixedResultsFindsTheArchitectureDashFinds() {
        // the same operator by two routes (docs/algorithm.md, "Deviations"): the same search, the same choice
        TaskSpec spec = tiny("long-lag");
        assertEquals(run(spec, Method.DASH, 6).architecture(), run(spec, Method.MIXED_RESULTS, 6).architecture());
    }

    @Test
    void theSameSeedGivesTheSameArchitectureAndMetricTwice() {
        TaskSpec spec = tiny("long-lag");
        TrialResult a = run(spec, Method.DASH, 7);
        TrialResult b = run(spec, Method.DASH, 7);
        assertEquals(a.architecture(), b.architecture());
        assertEquals(a.metricValue(), b.metricValue(), 0.0);
        assertEquals(a.valError(), b.valError(), 0.0);
    }

    @Test
    void supernetWithOneHotAlphaAndNoNoiseComputesTheDiscretizedNetwork() {
        TaskSpec spec = tiny("long-lag");
        TrialRunner runner = new TrialRunner(spec, Method.DASH, 3, TrialRunner.Options.DEFAULT, Progress.NONE);
        ComputationGraph supernet = runner.supernet(Strategy.FFT, 11, false);
        var space = spec.searchSpace();
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        int mid = ResNet1D.midChannels(spec.numOutputs());
        for (var slot : ResNet1D.slots(1, mid)) {
            INDArray alpha = supernet.getLayer(slot.name()).getParam("alpha");
            double[] a = new double[space.size()];
            java.util.Arrays.fill(a, -1e4);
            a[rng.nextInt(space.size())] = 0;
            alpha.assign(Nd4j.createFromArray(a).castTo(alpha.dataType()));
        }
        Architecture arch = runner.discretize(supernet);
        ResNet1D backbone = ResNet1D.forTask(1, spec.inputShape()[0], spec.numOutputs(), ResNet1D.HeadSpec.classes());
        ComputationGraph discrete = new ComputationGraph(backbone.graph(new NeuralNetConfiguration.Builder().seed(11)
                .dataType(DataType.FLOAT).updater(new NoOp()), backbone.searchedConvs(arch), 0.0));
        discrete.init();
        for (var layer : discrete.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            for (var e : layer.paramTable().entrySet()) {
                INDArray src;
                if (layer instanceof AggConvLayerImpl && e.getKey().equals("W0")) {
                    LayerChoice c = arch.get(name);
                    src = supernet.getLayer(name).getParam("W" + space.index(c.kernel(), c.dilation()));
                } else if (layer instanceof AggConvLayerImpl && e.getKey().equals("alpha")) {
                    continue;
                } else {
                    src = supernet.getLayer(name).getParam(e.getKey());
                }
                e.getValue().assign(src);
            }
        }
        INDArray x = SyntheticTasks.generate(spec, 2).xTest().castTo(DataType.FLOAT);
        x = x.reshape(x.size(0), x.size(1), x.size(2), 1).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 16)).dup();
        Map<String, INDArray> as = supernet.feedForward(new INDArray[]{x}, false);
        Map<String, INDArray> ad = discrete.feedForward(new INDArray[]{x}, false);
        java.util.List<String> compared = new java.util.ArrayList<>();
        for (var slot : ResNet1D.slots(1, mid)) {
            compared.add(slot.name());
        }
        compared.add("out");
        for (String name : compared) {
            INDArray ys = as.get(name);
            INDArray yd = ad.get(name);
            double scale = ys.amaxNumber().doubleValue();
            assertTrue(scale > 0, name);
            assertEquals(0.0, ys.sub(yd).amaxNumber().doubleValue() / scale, 1e-5, name);
        }
    }
}
