package dev.dashspark.core.trial;

import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.layer.ChannelBatchNorm;
import dev.dashspark.core.layer.ChannelBatchNormParamInitializer;
import dev.dashspark.core.task.TaskConfig;
import dev.dashspark.core.task.TaskSpec;
import dev.dashspark.core.train.TorchSgd;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The networks the stages train, as the reference builds them: weight decay on every trained parameter (PyTorch's
 * {@code weight_decay} over {@code model.parameters()}: weights, biases, batch-norm scales and shifts, and α in the
 * search) but never on batch-norm running statistics; PyTorch's SGD; PyTorch's {@code nn.Linear} initialisation of the
 * heads; the WRN's final batch norm with momentum 0.9.
 */
class NetworksTest {
    private static TaskSpec task(String name) throws Exception {
        return TaskConfig.load(Path.of("../conf/synthetic.conf")).get(name);
    }

    private static double l2(List<Regularization> regs) {
        assertEquals(1, regs.size(), "one regularization: " + regs);
        assertInstanceOf(L2Regularization.class, regs.get(0));
        return ((L2Regularization) regs.get(0)).getL2().valueAt(0, 0);
    }

    /** Every trained parameter decays with {@code wd}; running statistics and constants do not. */
    private static void assertDecay(ComputationGraph net, double wd) {
        int decayed = 0;
        for (Layer layer : net.getLayers()) {
            if (!(layer.conf().getLayer() instanceof BaseLayer conf)) {
                continue;
            }
            for (String p : layer.paramTable().keySet()) {
                List<Regularization> regs = conf.getRegularizationByParam(p);
                boolean statistic = conf instanceof ChannelBatchNorm && ChannelBatchNormParamInitializer.isStatistic(p);
                if (statistic) {
                    assertTrue(regs == null || regs.isEmpty(), conf.getLayerName() + "_" + p);
                } else {
                    assertEquals(wd, l2(regs), 0.0, conf.getLayerName() + "_" + p);
                    decayed++;
                }
            }
        }
        assertTrue(decayed > 20, "decayed parameters: " + decayed);
    }

    @Test
    void retrainNetworksDecayEveryTrainedParameterAndUsePyTorchsSgd() throws Exception {
        TaskSpec spec = task("long-lag");
        TrialRunner runner = new TrialRunner(spec, Method.BACKBONE, 0, TrialRunner.Options.DEFAULT, Progress.NONE);
        Architecture arch = runner.backbone(true).defaultArchitecture();
        ComputationGraph net = runner.retrainNet(arch, new Hyperparams(0.01, 0.05, 5e-6, 0.99), 3);
        assertDecay(net, 5e-6);
        BaseLayer conv = (BaseLayer) net.getLayer("b2c1").conf().getLayer();
        TorchSgd sgd = assertInstanceOf(TorchSgd.class, conv.getIUpdater());
        assertEquals(0.99, sgd.getMomentum());
        assertTrue(sgd.isNesterov());
        assertEquals(0.01, sgd.getLearningRate(0, 0), 0.0);
        // 20 retraining epochs: drops in epochs 4, 7, 10, 13 and 17 (the fifth from 1.6e-5, still above 5e-6)
        assertEquals(0.01 * Math.pow(0.2, 5), sgd.getLearningRate(0, spec.retrainEpochs() - 1), 1e-18);
    }

    @Test
    void theSupernetDecaysWeightsAndArchitectureLogitsAlike() throws Exception {
        TaskSpec spec = task("long-lag");
        ComputationGraph net = new TrialRunner(spec, Method.DASH, 0, TrialRunner.Options.DEFAULT, Progress.NONE)
                .supernet(Strategy.FFT, 1, true);
        assertDecay(net, 5e-4);
        BaseLayer agg = (BaseLayer) net.getLayer("b1c1").conf().getLayer();
        assertEquals(0.05, agg.getUpdaterByParam("alpha").getLearningRate(0, 0), 0.0);
        assertEquals(0.1, agg.getUpdaterByParam("W0").getLearningRate(0, 0), 0.0);
        for (var slot : new TrialRunner(spec, Method.DASH, 0, TrialRunner.Options.DEFAULT, Progress.NONE).backbone(false).slots()) {
            assertEquals(0.0, net.getLayer(slot.name()).getParam("b").amaxNumber().doubleValue(), 0.0,
                    slot.name() + ": AggConv biases start at 0 (docs/algorithm.md, Deviations)");
        }
    }

    @Test
    void headsStartAsPyTorchsLinearAndTheWrnHeadBatchNormHasMomentumNineTenths() throws Exception {
        TaskSpec spec = task("texture");
        TrialRunner runner = new TrialRunner(spec, Method.BACKBONE, 0, new TrialRunner.Options(null, 0.1, 2), Progress.NONE);
        ComputationGraph net = runner.retrainNet(runner.backbone(true).defaultArchitecture(), new Hyperparams(0.1, 0, 5e-4, 0.9), 5);
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> out = net.getLayer("out").paramTable();
        double bound = 1 / Math.sqrt(128); // WRN-16-2: 64·2 features into the linear layer
        for (String key : List.of("W", "b")) {
            double max = out.get(key).amaxNumber().doubleValue();
            assertTrue(max <= bound && max > 0.5 * bound, key + ": max |value| " + max + " for bound " + bound);
        }
        assertEquals(0.9, ((ChannelBatchNorm) net.getLayer("headbn").conf().getLayer()).getMomentum(), 0.0);
        assertEquals(0.1, ((ChannelBatchNorm) net.getLayer("s1b1bn1").conf().getLayer()).getMomentum(), 0.0);
    }
}
