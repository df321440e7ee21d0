package dev.dashspark.core.trial;

import dev.dashspark.core.aggconv.SearchSpace;
import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.arch.LayerChoice;
import dev.dashspark.core.backbone.Backbone;
import dev.dashspark.core.backbone.ConvFactory;
import dev.dashspark.core.backbone.ConvSlot;
import dev.dashspark.core.layer.AggConvLayer;
import dev.dashspark.core.layer.AggConvLayerImpl;
import dev.dashspark.core.train.LrSchedules;
import dev.dashspark.core.train.TorchSgd;
import dev.dashspark.core.train.TrainLoop;
import dev.dashspark.core.train.Training;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DASH's search (docs/algorithm.md, "Search"): every searchable convolution of the search backbone becomes an
 * AggConv over the task's K × D; weights and architecture logits α are trained jointly, single level, on the
 * training split (SGD with Nesterov momentum 0.9, learning rates 0.1 and 0.05, or 0.01 and 0.005 for dense tasks,
 * both dropped ×0.2 at the reference's milestones, weight decay 5e-4 on everything; ⌊0.2·n⌋ + 1 minibatches per
 * epoch; fresh Gumbel noise per pass; α's gradient normalised by {@code grad-scale} plus the receptive-field
 * penalty; all gradients clipped to norm 1); then argmax α per layer.
 *
 * <p>Checkpoints: the supernet's parameters (α included) and optimiser state every
 * {@link CheckpointPolicy#interval interval} epochs ({@code search}), and the architecture once found
 * ({@code architecture}); a resumed search continues at the next epoch, and a found architecture is never searched
 * again.
 *
 * @param strategy how the AggConvs compute ({@link Strategy#FFT} for DASH, {@link Strategy#MIXED_RESULTS} for the
 *                 same operator by the costlier route)
 */
public record DashSearch(Strategy strategy) implements Searcher {
    static final String STAGE = "search";
    static final String ARCHITECTURE = "architecture";
    /** Fraction of the training batches per search epoch. */
    static final double FRACTION = 0.2;

    /** The weights' and α's initial learning rates: {0.1, 0.05}, or {0.01, 0.005} with remain_shape. */
    static double[] learningRates(boolean remainShape) {
        return remainShape ? new double[]{0.01, 0.005} : new double[]{0.1, 0.05};
    }

    /** The supernet: every searchable convolution an AggConv of the task's space, α with its own schedule. */
    static ComputationGraph supernet(TrialContext ctx, Strategy strategy, long initSeed, boolean gumbel) {
        double[] lr = learningRates(ctx.remainShape());
        int[] drops = LrSchedules.dropEpochs(ctx.spec().dims(), LrSchedules.Stage.SEARCH, ctx.spec().searchEpochs(), lr[0]);
        SearchSpace space = ctx.spec().searchSpace();
        Backbone backbone = ctx.backbone(false);
        ConvFactory convs = slot -> {
            AggConvLayer layer = (AggConvLayer) backbone.supernetConvs(space, strategy, gumbel, initSeed).create(slot);
            layer.setAlphaUpdater(new TorchSgd(LrSchedules.schedule(lr[1], drops), 0.9, true));
            return layer;
        };
        double wd = 5e-4;
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder().seed(initSeed).dataType(DataType.FLOAT)
                .updater(new TorchSgd(LrSchedules.schedule(lr[0], drops), 0.9, true)).l2(wd).l2Bias(wd);
        ComputationGraph net = new ComputationGraph(backbone.graph(base, convs, 0.0));
        net.init();
        ctx.prepare(net, initSeed);
        return net;
    }

    /** argmax α of every AggConv layer (the first maximum), in the backbone's layer order. */
    static Architecture discretize(TrialContext ctx, ComputationGraph supernet) {
        SearchSpace space = ctx.spec().searchSpace();
        List<LayerChoice> layers = new ArrayList<>();
        for (ConvSlot slot : ctx.backbone(false).slots()) {
            double[] alpha = ((AggConvLayerImpl) supernet.getLayer(slot.name())).alpha();
            int best = 0;
            for (int i = 1; i < alpha.length; i++) {
                if (alpha[i] > alpha[best]) {
                    best = i;
                }
            }
            layers.add(new LayerChoice(slot.name(), space.kernel(best), space.dilation(best)));
        }
        return new Architecture(layers);
    }

    @Override
    public Architecture architecture(TrialContext ctx, long seed) throws IOException {
        Checkpoints store = ctx.checkpoints().store();
        Optional<Architecture> found = store.read(ARCHITECTURE,
                in -> Architecture.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        if (found.isPresent()) {
            ctx.progress().resumed(STAGE, "architecture already found");
            return found.get();
        }
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        long initSeed = rng.nextLong();
        long stageSeed = rng.nextLong();
        ComputationGraph net = supernet(ctx, strategy, initSeed, true);
        int epochs = ctx.spec().searchEpochs();
        int start = StageState.restore(store, STAGE, net).map(StageState::epochs).orElse(0);
        if (start > 0) {
            ctx.progress().resumed(STAGE, "epoch " + (start + 1) + " of " + epochs);
        }
        TrainLoop.StepOptions step = new TrainLoop.StepOptions(ctx.spec().gradScale(), ctx.remainShape(), 1.0);
        int every = ctx.checkpoints().interval(epochs);
        long t0 = System.nanoTime();
        for (int e = start; e < epochs; e++) {
            double loss = Training.epoch(net, ctx.train().x(), ctx.train().y(), ctx.train().index(),
                    ctx.spec().batchSize(), FRACTION, step,
                    e, stageSeed, STAGE);
            TrialRunner.report(ctx.progress(), STAGE, strategy.id(), e, start, epochs, loss, t0);
            if ((e + 1) % every == 0 && e + 1 < epochs) {
                StageState.save(store, STAGE, net, Map.of("epochs", e + 1), Map.of());
            }
        }
        Architecture arch = discretize(ctx, net);
        store.write(ARCHITECTURE, out -> out.write(arch.toJson().getBytes(StandardCharsets.UTF_8)));
        return arch;
    }
}
