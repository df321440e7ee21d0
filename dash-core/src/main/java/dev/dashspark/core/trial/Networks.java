package dev.dashspark.core.trial;

import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.backbone.Backbone;
import dev.dashspark.core.train.LrSchedules;
import dev.dashspark.core.train.TorchSgd;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The retrain network of an architecture, as the HPO and the retraining train it (docs/algorithm.md, "Retraining"):
 * the backbone's retrain variant with ordinary convolutions of the found (k, d), the configuration's dropout, PyTorch's
 * SGD with the configuration's learning rate (dropped ×0.2 at the stage's milestones), momentum (Nesterov when
 * non-zero) and weight decay on every parameter (weights, biases, batch-norm scales and shifts).
 */
final class Networks {
    private Networks() {
    }

    /**
     * A fresh retrain network for {@code h} in {@code stage} of {@code epochs} epochs; its parameters start from
     * {@code initSeed} (callers that need the reference's shared initial weights assign them).
     */
    static ComputationGraph retrain(TrialContext ctx, Architecture arch, Hyperparams h, long initSeed,
                                    LrSchedules.Stage stage, int epochs) {
        TorchSgd sgd = new TorchSgd(LrSchedules.schedule(ctx.spec().dims(), stage, epochs, h.lr(), h.lr()), h.momentum(),
                h.momentum() > 0);
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder().seed(initSeed).dataType(DataType.FLOAT)
                .updater(sgd).l2(h.weightDecay()).l2Bias(h.weightDecay());
        Backbone backbone = ctx.backbone(true);
        ComputationGraph net = new ComputationGraph(backbone.graph(base, backbone.retrainConvs(arch), h.dropout()));
        net.init();
        ctx.prepare(net, initSeed);
        return net;
    }
}
