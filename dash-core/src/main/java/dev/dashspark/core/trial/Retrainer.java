package dev.dashspark.core.trial;

import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.train.LrSchedules;
import dev.dashspark.core.train.TrainLoop;
import dev.dashspark.core.train.Training;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The retraining (docs/algorithm.md, "Retraining"): the chosen configuration, the shared initial weights, every
 * training batch each epoch for {@code retrain-epochs} epochs, the validation metric after each epoch; the kept
 * network is the one of the epoch with the best validation error (the later epoch on ties, as the reference, which
 * saves whenever the current score equals the best so far). The test split is not touched here.
 *
 * <p>Checkpoint ({@code retrain}): the network's parameters and optimiser state, the epochs done, the best
 * validation error, its epoch and its parameters.
 */
final class Retrainer {
    static final String STAGE = "retrain";

    private Retrainer() {
    }

    /** The kept network (its parameters are the best epoch's) and its validation error. */
    record Outcome(ComputationGraph net, double bestValidationError, int bestEpoch) {
    }

    static Outcome run(TrialContext ctx, Architecture arch, Hyperparams h, INDArray init, long initSeed, long seed)
            throws IOException {
        int epochs = ctx.spec().retrainEpochs();
        ComputationGraph net = Networks.retrain(ctx, arch, h, initSeed, LrSchedules.Stage.RETRAIN, epochs);
        net.params().assign(init);
        Checkpoints store = ctx.checkpoints().store();
        double bestVal = Double.POSITIVE_INFINITY;
        int bestEpoch = -1;
        INDArray bestParams = net.params().dup();
        int start = 0;
        Optional<StageState> resumed = StageState.restore(store, STAGE, net);
        if (resumed.isPresent()) {
            start = resumed.get().epochs();
            bestVal = resumed.get().number("bestValidationError");
            bestEpoch = (int) resumed.get().number("bestEpoch");
            bestParams = resumed.get().arrays().get("best");
            ctx.progress().resumed(STAGE, "epoch " + (start + 1) + " of " + epochs);
        }
        int every = ctx.checkpoints().interval(epochs);
        long t0 = System.nanoTime();
        for (int e = start; e < epochs; e++) {
            double loss = Training.epoch(net, ctx.train().x(), ctx.train().y(), ctx.train().index(),
                    ctx.spec().batchSize(), 1.0,
                    TrainLoop.StepOptions.PLAIN, e, seed, STAGE);
            double err = ctx.metric().error(ctx.evaluate(net, ctx.val(), STAGE, "validation"));
            if (err <= bestVal) {
                bestVal = err;
                bestEpoch = e;
                bestParams = net.params().dup();
            }
            TrialRunner.report(ctx.progress(), STAGE, h.toString(), e, start, epochs, loss, t0);
            if ((e + 1) % every == 0 && e + 1 < epochs) {
                StageState.save(store, STAGE, net, Map.of("epochs", e + 1, "bestValidationError", bestVal,
                        "bestEpoch", bestEpoch), Map.of("best", bestParams));
            }
        }
        net.params().assign(bestParams);
        ctx.progress().kept(bestEpoch + 1, bestVal);
        return new Outcome(net, bestVal, bestEpoch);
    }
}
