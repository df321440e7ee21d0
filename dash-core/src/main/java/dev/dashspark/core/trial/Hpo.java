package dev.dashspark.core.trial;

import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.train.Diverged;
import dev.dashspark.core.train.LrSchedules;
import dev.dashspark.core.train.TrainLoop;
import dev.dashspark.core.train.Training;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.core.type.TypeReference;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hyperparameter search (docs/algorithm.md, "Hyperparameter search"): the configurations of the grid in order,
 * each a retrain network started from the same initial weights, trained {@code hpo-epochs} epochs of
 * {@code int(r·n) + 1} minibatches (r = 0.2, 0.1, 0.05 or 0.01 for < 50, < 100, < 500 or more training batches)
 * and scored once on validation; the best (first on ties) wins. Early stop: at each change of learning rate, if the
 * best error so far equals the best at the previous change, the search stops. A configuration whose loss diverges
 * scores +∞. A one-configuration grid trains nothing: there is nothing to choose.
 *
 * <p>Checkpoint ({@code hpo}): the validation error of every finished configuration; a resumed search scores only
 * the others.
 */
final class Hpo {
    private static final Logger LOG = LoggerFactory.getLogger(Hpo.class);
    static final String STAGE = "hpo";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Hpo() {
    }

    /** One scored configuration. */
    record Tried(Hyperparams config, double validationError) {
    }

    /** The chosen configuration and every configuration scored, in order. */
    record Outcome(Hyperparams best, List<Tried> tried) {
    }

    /** Scores a configuration (lower is better). */
    @FunctionalInterface
    interface Scorer {
        double validationError(Hyperparams h) throws IOException;
    }

    /** The reference's selection over {@code grid} with the early-stop rule; scores configurations in order. */
    static Outcome select(List<Hyperparams> grid, Scorer scorer) throws IOException {
        List<Tried> tried = new ArrayList<>();
        Hyperparams best = null;
        double bestError = Double.POSITIVE_INFINITY;
        Double bestAtLastChange = null;
        double lr = grid.get(0).lr();
        for (Hyperparams h : grid) {
            if (h.lr() != lr) {
                if (bestAtLastChange != null && bestError == bestAtLastChange) {
                    LOG.info("hpo: no improvement since the last learning-rate change; stopping before lr {}", h.lr());
                    break;
                }
                bestAtLastChange = bestError;
                lr = h.lr();
            }
            double error = scorer.validationError(h);
            tried.add(new Tried(h, error));
            if (best == null || error < bestError) {
                best = h;
                bestError = error;
            }
        }
        return new Outcome(best, List.copyOf(tried));
    }

    /** Fraction r of the batches per HPO epoch. */
    static double fraction(long batches) {
        return batches < 50 ? 0.2 : batches < 100 ? 0.1 : batches < 500 ? 0.05 : 0.01;
    }

    /** The search for {@code arch}; {@code init} are the shared initial weights. */
    static Outcome run(TrialContext ctx, Architecture arch, List<Hyperparams> grid, INDArray init, long initSeed,
                       long seed) throws IOException {
        if (grid.size() == 1) {
            return new Outcome(grid.get(0), List.of());
        }
        Checkpoints store = ctx.checkpoints().store();
        Map<String, Double> done = new LinkedHashMap<>(store.read(STAGE,
                in -> JSON.<Map<String, Double>>readValue(in.readAllBytes(), new TypeReference<Map<String, Double>>() {
                })).orElse(Map.of()));
        if (!done.isEmpty()) {
            ctx.progress().resumed(STAGE, done.size() + " configurations already scored");
        }
        int batches = (int) ((ctx.train().size() + ctx.spec().batchSize() - 1) / ctx.spec().batchSize());
        double fraction = fraction(batches);
        int epochs = ctx.spec().hpoEpochs();
        return select(grid, h -> {
            Double known = done.get(h.toString());
            if (known != null) {
                return known;
            }
            ComputationGraph net = Networks.retrain(ctx, arch, h, initSeed, LrSchedules.Stage.HPO, epochs);
            net.params().assign(init);
            double error;
            try {
                long t0 = System.nanoTime();
                long stageSeed = seed + 0x9E3779B97F4A7C15L * (grid.indexOf(h) + 1);
                for (int e = 0; e < epochs; e++) {
                    double loss = Training.epoch(net, ctx.train().x(), ctx.train().y(), ctx.train().index(),
                    ctx.spec().batchSize(), fraction,
                            TrainLoop.StepOptions.PLAIN, e, stageSeed, STAGE);
                    TrialRunner.report(ctx.progress(), STAGE, h.toString(), e, 0, epochs, loss, t0);
                }
                error = ctx.metric().error(ctx.evaluate(net, ctx.val(), STAGE, "validation"));
            } catch (Diverged d) {
                error = Double.POSITIVE_INFINITY;
            }
            LOG.info("hpo: {} → validation error {}", h, error);
            done.put(h.toString(), error);
            store.write(STAGE, out -> out.write(JSON.writeValueAsBytes(done)));
            return error;
        });
    }
}
