package dev.dashspark.core.trial;

import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.backbone.Backbone;
import dev.dashspark.core.metric.Metric;
import dev.dashspark.core.task.OutputKind;
import dev.dashspark.core.task.TargetNormalization;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskSpec;
import dev.dashspark.core.train.Diverged;
import dev.dashspark.core.train.LrSchedules;
import dev.dashspark.core.train.TrainLoop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One DASH trial on one machine (docs/algorithm.md): the architecture from the method's {@link Searcher} (DASH's
 * search, the backbone's kernels, or a random draw), the hyperparameter search ({@link Hpo}) and the retraining
 * ({@link Retrainer}) of that architecture from shared initial weights, and a single evaluation of the kept network
 * on test. Everything random derives from the trial seed, stage by stage, so a trial resumed from its checkpoints
 * ends where the uninterrupted one does.
 *
 * <p>Project choices over the reference (docs/algorithm.md, "Deviations"): configurations and checkpoints are chosen
 * on validation (the task's own, or a split held out of train), never on test; the learning-rate milestones scale
 * with the epoch budgets; {@code backbone} and {@code random} go through the same HPO and retraining as {@code dash}.
 */
public final class TrialRunner {
    private static final Logger LOG = LoggerFactory.getLogger(TrialRunner.class);

    /**
     * Options of a trial beyond the task.
     *
     * @param hpoGrid            the grid to search, or null for the task's own ({@link TaskSpec#hpoGrid()})
     * @param validationFraction fraction of train held out when the task has no validation arrays
     * @param retrainWiden       w of the 2D retrain network WRN-16-w (the reference searches with w = 1 and retrains
     *                           with w = 4)
     */
    public record Options(HpoGrid hpoGrid, double validationFraction, int retrainWiden) {
        public static final Options DEFAULT = new Options(null, 0.1, 4);

        public Options(HpoGrid hpoGrid, double validationFraction) {
            this(hpoGrid, validationFraction, DEFAULT.retrainWiden());
        }

        public Options {
            if (retrainWiden < 1) {
                throw new IllegalArgumentException("retrainWiden: must be ≥ 1, got " + retrainWiden);
            }
            if (!(validationFraction > 0 && validationFraction < 1)) {
                throw new IllegalArgumentException("validationFraction: must be in (0, 1), got " + validationFraction);
            }
        }

        /** The grid a trial of {@code spec} searches. */
        public List<Hyperparams> grid(TaskSpec spec) {
            return (hpoGrid == null ? spec.hpoGrid() : hpoGrid).configurations(spec.outputKind() == OutputKind.DENSE);
        }
    }

    private final TaskSpec spec;
    private final Method method;
    private final long seed;
    private final Options options;
    private final Progress progress;
    private final Metric metric;
    private final CheckpointPolicy checkpoints;

    public TrialRunner(TaskSpec spec, Method method, long seed, Options options, Progress progress) {
        this(spec, method, seed, options, progress, CheckpointPolicy.NONE);
    }

    /** A trial that saves its stages' state to {@code checkpoints} and resumes from what it finds there. */
    public TrialRunner(TaskSpec spec, Method method, long seed, Options options, Progress progress,
                       CheckpointPolicy checkpoints) {
        this.spec = spec;
        this.method = method;
        this.seed = seed;
        this.options = options;
        this.progress = progress;
        this.metric = spec.metric();
        this.checkpoints = checkpoints;
    }

    /** The data as the networks see them: FLOAT, 1D inputs as [N, C, L, 1], dense labels flattened to (N, n). */
    private TrialContext.Split split(INDArray x, INDArray y, int[] index) {
        INDArray xf = x.castTo(DataType.FLOAT);
        if (spec.dims() == 1 && xf.rank() == 3) {
            xf = xf.reshape('c', xf.size(0), xf.size(1), xf.size(2), 1);
        }
        INDArray yf = y.castTo(DataType.FLOAT);
        if (spec.outputKind() == OutputKind.DENSE) {
            yf = yf.reshape('c', yf.size(0), yf.length() / yf.size(0));
        }
        return new TrialContext.Split(xf, yf, index);
    }

    /** Per-position (σ + 1e-5, μ) of the training targets, the reference's UnitGaussianNormalizer. */
    private static INDArray[] decoder(INDArray yTrain) {
        INDArray y = yTrain.castTo(DataType.DOUBLE);
        INDArray mean = y.mean(0);
        INDArray std = y.size(0) > 1 ? y.std(true, 0) : mean.mul(0);
        return new INDArray[]{std.addi(1e-5).castTo(DataType.FLOAT), mean.castTo(DataType.FLOAT)};
    }

    /**
     * The trial's shared context: the task's own validation split, or one held out of train with {@code splitSeed}
     * (its rows copied; the training rows only listed, so that the task's arrays are not copied).
     */
    private TrialContext context(TaskData d, long splitSeed) {
        TrialContext.Split train;
        TrialContext.Split val;
        if (d.hasValidation()) {
            train = split(d.xTrain(), d.yTrain(), null);
            val = split(d.xVal(), d.yVal(), null);
        } else {
            TaskData.Holdout h = d.holdout(options.validationFraction(), splitSeed);
            train = split(d.xTrain(), d.yTrain(), h.train());
            int[] v = h.val();
            val = split(TrainLoop.rows(d.xTrain(), v), TrainLoop.rows(d.yTrain(), v), null);
        }
        INDArray[] decoder = spec.targetNormalization() == TargetNormalization.PER_POSITION ? decoder(train.labels()) : null;
        return new TrialContext(spec, options, metric, progress, checkpoints, train, val,
                split(d.xTest(), d.yTest(), null), decoder);
    }

    /** A context without data, for building networks outside a run (benchmarks, tests). */
    private TrialContext networksOnly() {
        return new TrialContext(spec, options, metric, progress, checkpoints, null, null, null, null);
    }

    /** The backbone of the task: the search network, or the retrain network (2D: WRN-16-w with the retrain w). */
    public Backbone backbone(boolean retrain) {
        return networksOnly().backbone(retrain);
    }

    /** The supernet of the search: every searchable conv an AggConv of the task's space. */
    public ComputationGraph supernet(Strategy strategy, long initSeed, boolean gumbel) {
        return DashSearch.supernet(networksOnly(), strategy, initSeed, gumbel);
    }

    /** The retrain network of an architecture with the given hyperparameters (initial weights by seed). */
    public ComputationGraph retrainNet(Architecture arch, Hyperparams h, long initSeed) {
        return Networks.retrain(networksOnly(), arch, h, initSeed, LrSchedules.Stage.RETRAIN, spec.retrainEpochs());
    }

    /** argmax α of every AggConv layer of a supernet, in the backbone's layer order. */
    public Architecture discretize(ComputationGraph supernet) {
        return DashSearch.discretize(networksOnly(), supernet);
    }

    public TrialResult run(TaskData data) {
        long t0 = System.nanoTime();
        SplittableRandom root = new SplittableRandom(seed);
        long splitSeed = root.nextLong();
        long searchSeed = root.nextLong();
        long initSeed = root.nextLong();
        long hpoSeed = root.nextLong();
        long retrainSeed = root.nextLong();
        TrialContext ctx = context(data, splitSeed);
        double searchS = 0;
        double hpoS = 0;
        double retrainS = 0;
        Architecture arch = null;
        Hyperparams best = null;
        try {
            long s0 = System.nanoTime();
            arch = method.searcher().architecture(ctx, searchSeed);
            searchS = (System.nanoTime() - s0) / 1e9;
            LOG.info("task {} method {} seed {}: architecture\n{}", spec.name(), method, seed, arch.table());
            List<Hyperparams> grid = options.grid(spec);
            // the reference saves the retrain network's initial weights once; every configuration starts from them
            INDArray init = Networks.retrain(ctx, arch, grid.get(0), initSeed, LrSchedules.Stage.RETRAIN,
                    spec.retrainEpochs()).params().dup();
            long h0 = System.nanoTime();
            best = Hpo.run(ctx, arch, grid, init, initSeed, hpoSeed).best();
            hpoS = (System.nanoTime() - h0) / 1e9;
            long r0 = System.nanoTime();
            Retrainer.Outcome kept = Retrainer.run(ctx, arch, best, init, initSeed, retrainSeed);
            retrainS = (System.nanoTime() - r0) / 1e9;
            double value = ctx.evaluate(kept.net(), ctx.test(), "test", "test");
            return new TrialResult(spec.name(), method.id(), seed, TrialStatus.OK, null, arch, best, metric.name(), value,
                    metric.error(value), kept.bestValidationError(), searchS, hpoS, retrainS, (System.nanoTime() - t0) / 1e9);
        } catch (Diverged e) {
            LOG.warn("task {} method {} seed {}: {}", spec.name(), method, seed, e.getMessage());
            return new TrialResult(spec.name(), method.id(), seed, TrialStatus.DIVERGED, e.getMessage(), arch, best,
                    metric.name(), Double.NaN, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, searchS, hpoS,
                    retrainS, (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException("task " + spec.name() + " method " + method + " seed " + seed
                    + ": checkpoints: " + e.getMessage(), e);
        }
    }

    /** Reports epoch {@code e} (0-based) of a stage that started (or resumed) at {@code start}, with an ETA. */
    static void report(Progress progress, String stage, String detail, int e, int start, int epochs, double loss, long t0) {
        double elapsed = (System.nanoTime() - t0) / 1e9;
        progress.epoch(stage, detail, e + 1, epochs, loss, elapsed / (e + 1 - start) * (epochs - e - 1));
    }
}
