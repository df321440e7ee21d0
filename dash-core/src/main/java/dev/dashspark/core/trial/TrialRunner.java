package dev.dashspark.core.trial;

import dev.dashspark.core.train.TrainLoop;

import dev.dashspark.core.arch.LayerChoice;

import dev.dashspark.core.arch.Architecture;

import dev.dashspark.core.aggconv.SearchSpace;
import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.backbone.ConvFactory;
import dev.dashspark.core.backbone.Backbone;
import dev.dashspark.core.backbone.ResNet1D;
import dev.dashspark.core.backbone.WideResNet;
import dev.dashspark.core.layer.AggConvLayerImpl;
import dev.dashspark.core.metric.Metric;
import dev.dashspark.core.metric.Metrics;
import dev.dashspark.core.task.OutputKind;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskSpec;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One DASH trial on one machine (ALGORITHM.md §1), on the task's backbone (ResNet1D in 1D, WRN-16-w in 2D): search (for {@code dash} and {@code mixed-results}),
 * discretization, hyperparameter search on a validation split, retraining with checkpoint selection on validation,
 * and a single evaluation on test. Everything random derives from the trial seed.
 *
 * <p>Project choices over the reference: configurations and checkpoints are chosen on validation (the task's own,
 * or a split held out of train), never on test; the learning-rate milestones are fractions of the epoch budget.
 */
public final class TrialRunner {
    private static final Logger LOG = LoggerFactory.getLogger(TrialRunner.class);

    /** Reference milestones as fractions of the 100-epoch budget: 1D [30, 60, 90], 2D [60] (×0.2 each). */
    static final double[] MILESTONES_1D = {0.3, 0.6, 0.9};
    static final double[] MILESTONES_2D = {0.6};

    /**
     * Options of a trial beyond the task.
     *
     * @param hpoGrid        {@code reference}, {@code lr} or {@code none} (see {@link Hyperparams#grid})
     * @param validationFraction fraction of train held out when the task has no validation arrays
     * @param retrainWiden   w of the 2D retrain network WRN-16-w (the reference searches with w = 1 and retrains
     *                       with w = 4)
     */
    public record Options(String hpoGrid, double validationFraction, int retrainWiden) {
        public static final Options DEFAULT = new Options("reference", 0.1, 4);

        public Options(String hpoGrid, double validationFraction) {
            this(hpoGrid, validationFraction, DEFAULT.retrainWiden());
        }

        public Options {
            Hyperparams.grid(hpoGrid, false);
            if (retrainWiden < 1) {
                throw new IllegalArgumentException("retrainWiden: must be ≥ 1, got " + retrainWiden);
            }
            if (!(validationFraction > 0 && validationFraction < 1)) {
                throw new IllegalArgumentException("validationFraction: must be in (0, 1), got " + validationFraction);
            }
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
        if (spec.outputKind() == OutputKind.DENSE && !"mse".equals(spec.loss()) && !"rel-l2".equals(spec.loss())) {
            throw new IllegalArgumentException("task '" + spec.name() + "': loss '" + spec.loss()
                    + "' is not supported for dense outputs yet; expected mse or rel-l2");
        }
        this.spec = spec;
        this.method = method;
        this.seed = seed;
        this.options = options;
        this.progress = progress;
        this.metric = Metrics.parse(spec.metric());
        this.checkpoints = checkpoints;
    }

    /**
     * The data as the networks see them: 1D inputs as [N, C, L, 1], dense labels flattened to (N, n), FLOAT.
     * {@code target} is what the network is trained towards: the labels, or for dense tasks the labels standardised
     * with the training split's mean and standard deviation (as the reference normalises Darcy's targets); metrics
     * always compare decoded predictions with {@code y}.
     */
    record Split(INDArray x, INDArray y, INDArray target) {
        long size() {
            return x.size(0);
        }
    }

    /** Standardisation of dense targets: target = (y − shift)/scale; identity for other tasks. */
    record TargetScaling(double shift, double scale) {
        static final TargetScaling NONE = new TargetScaling(0, 1);

        static TargetScaling of(INDArray trainLabels) {
            double mean = trainLabels.meanNumber().doubleValue();
            double std = trainLabels.stdNumber().doubleValue();
            return new TargetScaling(mean, std > 0 && Double.isFinite(std) ? std : 1.0);
        }

        INDArray encode(INDArray y) {
            return this == NONE ? y : y.sub(shift).divi(scale);
        }

        INDArray decode(INDArray p) {
            return this == NONE ? p : p.mul(scale).addi(shift);
        }
    }

    private TargetScaling scaling = TargetScaling.NONE;

    private Split split(INDArray x, INDArray y) {
        INDArray xf = x.castTo(DataType.FLOAT);
        if (spec.dims() == 1 && xf.rank() == 3) {
            xf = xf.reshape('c', xf.size(0), xf.size(1), xf.size(2), 1);
        }
        INDArray yf = y.castTo(DataType.FLOAT);
        if (spec.outputKind() == OutputKind.DENSE) {
            yf = yf.reshape('c', yf.size(0), yf.length() / yf.size(0));
        }
        yf = yf.dup('c');
        return new Split(xf.dup('c'), yf, scaling.encode(yf));
    }

    /** The backbone of the task: the search network, or the retrain network (2D: WRN-16-w with the retrain w). */
    public Backbone backbone(boolean retrain) {
        Backbone.Head kind = switch (spec.outputKind()) {
            case CLASSES -> Backbone.Head.CLASSES;
            case MULTI_LABEL -> Backbone.Head.MULTI_LABEL;
            case DENSE -> Backbone.Head.DENSE;
        };
        Backbone.HeadSpec head = new Backbone.HeadSpec(kind, kind == Backbone.Head.DENSE ? spec.loss() : null, spec.posWeight());
        if ("resnet1d".equals(spec.backbone())) {
            return ResNet1D.forTask(spec.inputChannels(), spec.inputShape()[0], spec.numOutputs(), head);
        }
        return new WideResNet(spec.inputChannels(), spec.inputShape()[0], spec.inputShape()[1], spec.numOutputs(),
                retrain ? options.retrainWiden() : 1, head);
    }

    public TrialResult run(TaskData data) {
        long t0 = System.nanoTime();
        SplittableRandom root = new SplittableRandom(seed);
        TaskData d = data.hasValidation() ? data : data.withValidationSplit(options.validationFraction(), root.nextLong());
        scaling = spec.outputKind() == OutputKind.DENSE ? TargetScaling.of(d.yTrain().castTo(DataType.DOUBLE)) : TargetScaling.NONE;
        Split train = split(d.xTrain(), d.yTrain());
        Split val = split(d.xVal(), d.yVal());
        Split test = split(d.xTest(), d.yTest());
        double searchS = 0;
        double hpoS = 0;
        double retrainS = 0;
        Architecture arch = null;
        Hyperparams best = null;
        try {
            long s0 = System.nanoTime();
            arch = switch (method) {
                case DASH -> search(train, Strategy.FFT, root.split());
                case MIXED_RESULTS -> search(train, Strategy.MIXED_RESULTS, root.split());
                case BACKBONE -> backbone(true).defaultArchitecture();
                case RANDOM -> random(root.split());
            };
            searchS = (System.nanoTime() - s0) / 1e9;
            LOG.info("task {} method {} seed {}: architecture\n{}", spec.name(), method, seed, arch.table());
            long h0 = System.nanoTime();
            long initSeed = root.nextLong();
            best = hyperparameterSearch(arch, train, val, initSeed, root.split());
            hpoS = (System.nanoTime() - h0) / 1e9;
            long r0 = System.nanoTime();
            double[] outcome = retrain(arch, best, train, val, test, initSeed, root.split());
            retrainS = (System.nanoTime() - r0) / 1e9;
            double value = outcome[1];
            return new TrialResult(spec.name(), method.id(), seed, TrialStatus.OK, null, arch, best, metric.name(), value,
                    metric.error(value), outcome[0], searchS, hpoS, retrainS, (System.nanoTime() - t0) / 1e9);
        } catch (Diverged e) {
            LOG.warn("task {} method {} seed {}: {}", spec.name(), method, seed, e.getMessage());
            return new TrialResult(spec.name(), method.id(), seed, TrialStatus.DIVERGED, e.getMessage(), arch, best, metric.name(),
                    Double.NaN, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, searchS, hpoS, retrainS,
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    /** A random (k, d) per searchable layer, uniform over the space. */
    Architecture random(SplittableRandom rng) {
        SearchSpace space = spec.searchSpace();
        List<LayerChoice> layers = new ArrayList<>();
        for (var slot : backbone(false).slots()) {
            int i = rng.nextInt(space.size());
            layers.add(new LayerChoice(slot.name(), space.kernel(i), space.dilation(i)));
        }
        return new Architecture(layers);
    }

    /** The supernet of the search: every searchable conv an AggConv of the task's space. */
    public ComputationGraph supernet(Strategy strategy, long initSeed, boolean gumbel) {
        boolean remain = spec.outputKind() == OutputKind.DENSE;
        double lrW = remain ? 0.01 : 0.1;
        double lrA = remain ? 0.005 : 0.05;
        double[] milestones = spec.dims() == 1 ? MILESTONES_1D : MILESTONES_2D;
        SearchSpace space = spec.searchSpace();
        Backbone backbone = backbone(false);
        ConvFactory convs = slot -> {
            var layer = backbone.supernetConvs(space, strategy, gumbel, initSeed).create(slot);
            ((dev.dashspark.core.layer.AggConvLayer) layer).setAlphaUpdater(new Nesterovs(schedule(lrA, milestones), 0.9));
            return layer;
        };
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder().seed(initSeed).dataType(DataType.FLOAT)
                .updater(new Nesterovs(schedule(lrW, milestones), 0.9)).l2(5e-4);
        ComputationGraph net = new ComputationGraph(backbone.graph(base, convs, 0.0));
        net.init();
        return net;
    }

    /** lr0·0.2^(number of milestones ≤ epoch), milestones as fractions of the search budget. */
    MapSchedule schedule(double lr0, double[] fractions) {
        MapSchedule.Builder b = new MapSchedule.Builder(ScheduleType.EPOCH).add(0, lr0);
        double lr = lr0;
        int last = 0;
        for (double f : fractions) {
            int e = (int) Math.round(f * spec.searchEpochs());
            if (e > last && e < spec.searchEpochs()) {
                lr *= 0.2;
                b.add(e, lr);
                last = e;
            }
        }
        return b.build();
    }

    /** Joint single-level search of weights and α, then argmax α per layer (ALGORITHM.md §1.2–1.4). */
    Architecture search(Split train, Strategy strategy, SplittableRandom rng) {
        ComputationGraph net = supernet(strategy, rng.nextLong(), true);
        TrainLoop.StepOptions step = new TrainLoop.StepOptions(spec.gradScale(), spec.outputKind() == OutputKind.DENSE, 1.0);
        train(net, train, spec.searchEpochs(), 0.2, step, "search", strategy.id(), rng);
        return discretize(net);
    }

    /** argmax α of every AggConv layer, in the backbone's layer order. */
    public Architecture discretize(ComputationGraph supernet) {
        SearchSpace space = spec.searchSpace();
        List<LayerChoice> layers = new ArrayList<>();
        for (var slot : backbone(false).slots()) {
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

    /** The retrain network of an architecture with the given hyperparameters (fixed initial weights by seed). */
    public ComputationGraph retrainNet(Architecture arch, Hyperparams h, long initSeed) {
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder().seed(initSeed).dataType(DataType.FLOAT)
                .updater(h.momentum() > 0 ? new Nesterovs(h.lr(), h.momentum()) : new Sgd(h.lr())).l2(h.weightDecay());
        Backbone backbone = backbone(true);
        ComputationGraph net = new ComputationGraph(backbone.graph(base, backbone.retrainConvs(arch), h.dropout()));
        net.init();
        return net;
    }

    /** Fraction r of the batches per HPO epoch: 0.2, 0.1, 0.05 or 0.01 for < 50, < 100, < 500 or more batches. */
    static double hpoFraction(long batches) {
        return batches < 50 ? 0.2 : batches < 100 ? 0.1 : batches < 500 ? 0.05 : 0.01;
    }

    /**
     * The grid, all configurations from the same initial weights, each scored once on validation after a short
     * budget; best first (ties: the first); stops early when a learning-rate change brought no improvement.
     */
    Hyperparams hyperparameterSearch(Architecture arch, Split train, Split val, long initSeed, SplittableRandom rng) {
        List<Hyperparams> grid = Hyperparams.grid(options.hpoGrid(), spec.outputKind() == OutputKind.DENSE);
        if (grid.size() == 1) {
            return grid.get(0); // nothing to choose between: no HPO training
        }
        double fraction = hpoFraction((train.size() + spec.batchSize() - 1) / spec.batchSize());
        Hyperparams best = null;
        double bestError = Double.POSITIVE_INFINITY;
        double bestAtLastLrChange = Double.NaN;
        Double currentLr = null;
        for (Hyperparams h : grid) {
            if (currentLr != null && h.lr() != currentLr) {
                if (bestError == bestAtLastLrChange) {
                    LOG.info("hpo: no improvement since the last learning-rate change; stopping at lr {}", h.lr());
                    break;
                }
                bestAtLastLrChange = bestError;
            }
            currentLr = h.lr();
            ComputationGraph net = retrainNet(arch, h, initSeed);
            double error;
            try {
                train(net, train, spec.hpoEpochs(), fraction, TrainLoop.StepOptions.PLAIN, "hpo", h.toString(), rng.split());
                error = metric.error(TrainLoop.evaluate(net, val.x(), val.y(), spec.batchSize(), metric, scaling::decode));
            } catch (Diverged e) {
                error = Double.POSITIVE_INFINITY;
            }
            LOG.info("hpo: {} → validation error {}", h, error);
            if (best == null || error < bestError) { // strictly better: the first wins ties
                best = h;
                bestError = error;
            }
        }
        return best;
    }

    /** Retrains with h; returns {best validation error, test metric of the best-on-validation checkpoint}. */
    double[] retrain(Architecture arch, Hyperparams h, Split train, Split val, Split test, long initSeed,
                     SplittableRandom rng) {
        ComputationGraph net = retrainNet(arch, h, initSeed);
        double bestVal = Double.POSITIVE_INFINITY;
        INDArray bestParams = net.params().dup();
        long start = System.nanoTime();
        for (int e = 0; e < spec.retrainEpochs(); e++) {
            double loss = epoch(net, train, 1.0, TrainLoop.StepOptions.PLAIN, e, rng, "retrain");
            double err = metric.error(TrainLoop.evaluate(net, val.x(), val.y(), spec.batchSize(), metric, scaling::decode));
            if (err < bestVal) {
                bestVal = err;
                bestParams = net.params().dup();
            }
            report("retrain", h.toString(), e, spec.retrainEpochs(), loss, start);
        }
        net.setParams(bestParams);
        double testValue = TrainLoop.evaluate(net, test.x(), test.y(), spec.batchSize(), metric, scaling::decode);
        return new double[]{bestVal, testValue};
    }

    private void train(ComputationGraph net, Split data, int epochs, double fraction, TrainLoop.StepOptions o,
                       String stage, String detail, SplittableRandom rng) {
        long start = System.nanoTime();
        for (int e = 0; e < epochs; e++) {
            double loss = epoch(net, data, fraction, o, e, rng, stage);
            report(stage, detail, e, epochs, loss, start);
        }
    }

    private double epoch(ComputationGraph net, Split data, double fraction, TrainLoop.StepOptions o, int e,
                         SplittableRandom rng, String stage) {
        net.getConfiguration().setEpochCount(e);
        double sum = 0;
        int n = 0;
        for (int[] idx : TrainLoop.batches(data.size(), spec.batchSize(), fraction, rng)) {
            double loss = TrainLoop.step(net, TrainLoop.rows(data.x(), idx), TrainLoop.rows(data.target(), idx), o, e);
            if (!Double.isFinite(loss)) {
                throw new Diverged(stage, e + 1, loss);
            }
            sum += loss;
            n++;
        }
        return sum / Math.max(1, n);
    }

    private void report(String stage, String detail, int e, int epochs, double loss, long start) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        progress.epoch(stage, detail, e + 1, epochs, loss, elapsed / (e + 1) * (epochs - e - 1));
    }
}
