package dev.dashspark.core.bench;

import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.arch.LayerChoice;
import dev.dashspark.core.backbone.Backbone;
import dev.dashspark.core.backbone.ConvSlot;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskSpec;
import dev.dashspark.core.train.TrainLoop;
import dev.dashspark.core.trial.HpoGrid;
import dev.dashspark.core.trial.Hyperparams;
import dev.dashspark.core.trial.Method;
import dev.dashspark.core.trial.Progress;
import dev.dashspark.core.trial.TrialResult;
import dev.dashspark.core.trial.TrialRunner;
import dev.dashspark.core.util.Parallel;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code bench trial}: what a DASH trial costs on realistic shapes, on random data.
 *
 * <pre>
 * bench trial [--tasks 1d,2d] [--seed N] [--steps N] [--search-steps N] [--stock-steps N] [--profile-reps N]
 *             [--budget SEARCH,HPO,RETRAIN] [--grid reference|lr|none] [--train2d N] [--trials S,H,R]
 * </pre>
 * Tasks: {@code 1d} is issue 9's (5,400 training and 600 validation inputs of 1 × 784, 10 classes, batch 256,
 * ResNet1D with m = 16, K {3,5,7,9} × D {1,3,7,15,31,63,127}); {@code 2d} is 3 × 32 × 32 images, 10 classes,
 * batch 64, WRN-16-1 search and WRN-16-4 retraining, K {3,5,7,9} × D {1,3,7,15}, {@code --train2d} training inputs
 * (default 1,280) and a fifth as many for validation.
 *
 * <p>Per task, through {@link TrialRunner#supernet}, {@link TrialRunner#retrainNet} and {@link TrainLoop}: seconds
 * per search step and search epoch (the supernet); for the backbone and for a found network with large dilations
 * ({@link #FOUND_1D}, {@link #FOUND_2D}): seconds per step, per HPO epoch and per retraining epoch (its steps plus
 * the validation pass), peak heap and peak resident memory of the process while it is timed (resident memory only
 * grows within a JVM: compare it between runs, not between rows), and the per-vertex profile of one step ({@link StepProfile}); then the
 * same networks on DL4J's stock layers ({@link StockLayers}), timed over {@code --stock-steps} steps (0: skipped),
 * and the ratios.
 * Finally the whole-trial times these imply for {@code --budget} epochs (default the paper's 100, 80, 200) and the
 * HPO {@code --grid}, dash against backbone; with {@code --trials S,H,R}, also real {@code backbone} and
 * {@code dash} trials with those epochs (grid {@code lr}).
 *
 * <p>Stdout: CSV {@code task,network,layers,measure,value,unit}; progress on stderr. Epoch times are the mean step
 * time of {@code --steps} timed steps (default: one whole 1D epoch, 22) times the steps of an epoch, plus the
 * validation pass.
 */
public final class TrialBench {
    private static final Logger LOG = LoggerFactory.getLogger(TrialBench.class);
    static final String HEADER = "task,network,layers,measure,value,unit";

    /** The 1D found network: dense causal convolutions with k ≤ 9 and dilations up to 127 (slot order). */
    static final int[][] FOUND_1D = {{9, 1}, {7, 15}, {9, 127}, {5, 7}, {9, 63}, {7, 31}, {3, 127}, {9, 3}, {5, 63}};
    /** The 2D found network: k ≤ 7, dilations up to 15 (slot order: stem, then conv1 and conv2 of six blocks). */
    static final int[][] FOUND_2D = {{3, 1}, {5, 3}, {3, 7}, {3, 1}, {3, 15}, {5, 3}, {3, 7}, {7, 1}, {3, 15},
            {5, 3}, {3, 7}, {3, 1}, {5, 7}};

    private TrialBench() {
    }

    /**
     * What to run (parsed and checked by the {@code bench trial} command): {@code budget} and {@code trials} are
     * SEARCH, HPO and RETRAIN epochs ({@code trials} null: no real trials).
     */
    public record Options(List<String> tasks, long seed, int steps, int searchSteps, int stockSteps, int profileReps,
                          int[] budget, HpoGrid grid, int train2d, int[] trials) {
    }

    /** A bench task: its properties (as a task file declares them), data sizes and found architecture. */
    record BenchTask(String id, Map<String, String> properties, int train, int val, int[][] found) {
        static BenchTask of(String id, Options o) {
            return id.equals("1d")
                    ? new BenchTask(id, properties("1", "1", "784", "resnet1d", "1,3,7,15,31,63,127", 256), 5400, 600,
                    FOUND_1D)
                    : new BenchTask(id, properties("2", "3", "32x32", "wrn", "1,3,7,15", 64), o.train2d(),
                    Math.max(64, o.train2d() / 5), FOUND_2D);
        }

        private static Map<String, String> properties(String dims, String channels, String shape, String backbone,
                                                      String dilations, int batch) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("dims", dims);
            p.put("channels", channels);
            p.put("shape", shape);
            p.put("output", "classes");
            p.put("outputs", "10");
            p.put("loss", "ce");
            p.put("metric", "accuracy");
            p.put("backbone", backbone);
            p.put("kernels", "3,5,7,9");
            p.put("dilations", dilations);
            p.put("batch", Integer.toString(batch));
            return p;
        }

        /** The task with the paper's budgets (search 100, HPO 80, retraining 200 epochs), validated by TaskSpec. */
        TaskSpec spec() {
            return withEpochs(new int[]{100, 80, 200});
        }

        /** The task with other epoch budgets. */
        TaskSpec withEpochs(int[] epochs) {
            Map<String, String> p = new LinkedHashMap<>(properties);
            p.put("search-epochs", Integer.toString(epochs[0]));
            p.put("hpo-epochs", Integer.toString(epochs[1]));
            p.put("retrain-epochs", Integer.toString(epochs[2]));
            return TaskSpec.fromProperties("bench-" + id, p);
        }

        int batches() {
            int batch = Integer.parseInt(properties.get("batch"));
            return (train + batch - 1) / batch;
        }

        Architecture found(Backbone b) {
            List<ConvSlot> slots = b.slots();
            List<LayerChoice> layers = new ArrayList<>();
            for (int i = 0; i < slots.size(); i++) {
                layers.add(new LayerChoice(slots.get(i).name(), found[i][0], found[i][1]));
            }
            return new Architecture(layers);
        }
    }

    public static void run(Options o, PrintStream out) {
        LOG.info("bench trial: tasks {}, dash-core threads {}, OPENBLAS_CORETYPE {}", o.tasks(), Parallel.threads(),
                System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(OpenBLAS's choice)"));
        out.println(HEADER);
        for (String id : o.tasks()) {
            new TaskRun(BenchTask.of(id, o), o, out).run();
        }
        out.flush();
    }

    /** The measurements of one task. */
    private static final class TaskRun {
        private final BenchTask task;
        private final Options o;
        private final PrintStream out;
        private final TrialRunner runner;
        private final TaskData data;
        private final INDArray xTrain;
        private final INDArray yTrain;
        private final INDArray xVal;
        private final INDArray yVal;

        TaskRun(BenchTask task, Options o, PrintStream out) {
            this.task = task;
            this.o = o;
            this.out = out;
            this.runner = new TrialRunner(task.spec(), Method.DASH, o.seed(), new TrialRunner.Options(o.grid(), 0.1),
                    Progress.NONE);
            this.data = randomData(task, o.seed());
            this.xTrain = input(data.xTrain());
            this.yTrain = data.yTrain();
            this.xVal = input(data.xVal());
            this.yVal = data.yVal();
        }

        /** The networks' layout: 1D inputs as [N, C, L, 1]. */
        private INDArray input(INDArray x) {
            return x.rank() == 3 ? x.reshape('c', x.size(0), x.size(1), x.size(2), 1) : x;
        }

        void run() {
            TaskSpec spec = task.spec();
            LOG.info("task {}: {} train, {} validation, batch {}, {} batches per epoch", task.id(), task.train(),
                    task.val(), spec.batchSize(), task.batches());
            double searchStep = searchStep();
            int searchStepsPerEpoch = stepsPerEpoch(0.2);
            row("supernet", "dash", "search_step", searchStep, "s");
            row("supernet", "dash", "search_epoch", searchStep * searchStepsPerEpoch, "s");
            Backbone retrain = runner.backbone(true);
            Hyperparams h = HpoGrid.NONE.configurations(false).get(0);
            Architecture[] archs = {retrain.defaultArchitecture(), task.found(retrain)};
            String[] names = {"backbone", "found"};
            double[][] epochs = new double[2][];
            for (int i = 0; i < 2; i++) {
                ComputationGraph net = runner.retrainNet(archs[i], h, o.seed());
                epochs[i] = network(names[i], "dash", net, o.steps(), true);
                if (o.stockSteps() > 0) {
                    double stockEpoch = network(names[i], "stock", stock(net), o.stockSteps(), false)[1];
                    row(names[i], "ratio", "stock_over_dash_retrain_epoch", stockEpoch / epochs[i][1], "x");
                }
            }
            projection(searchStep * searchStepsPerEpoch, epochs[1], epochs[0]);
            if (o.trials() != null) {
                trials();
            }
        }

        /** Steps of an epoch that trains on a fraction of the batches (TrainLoop.batches). */
        private int stepsPerEpoch(double fraction) {
            return TrainLoop.batches(task.train(), task.spec().batchSize(), fraction, new SplittableRandom(0)).size();
        }

        /** Mean seconds of a search step of the supernet (after one warm-up step). */
        private double searchStep() {
            ComputationGraph net = runner.supernet(Strategy.FFT, o.seed(), true);
            TaskSpec spec = task.spec();
            TrainLoop.StepOptions step = new TrainLoop.StepOptions(spec.gradScale(), false, 1.0);
            List<int[]> batches = TrainLoop.batches(task.train(), spec.batchSize(), 1.0, new SplittableRandom(o.seed()));
            return timeSteps(net, batches, o.searchSteps(), step);
        }

        /**
         * Times one network: steps, HPO and retraining epochs, memory, and (when {@code profile}) the per-vertex
         * profile; returns {step s, retrain epoch s, HPO epoch s, validation pass s}.
         */
        private double[] network(String name, String layers, ComputationGraph net, int steps, boolean profile) {
            List<int[]> batches = TrainLoop.batches(task.train(), task.spec().batchSize(), 1.0,
                    new SplittableRandom(o.seed()));
            Peak peak = Peak.start();
            double step = timeSteps(net, batches, steps, TrainLoop.StepOptions.PLAIN);
            long v0 = System.nanoTime();
            TrainLoop.predict(net, xVal, task.spec().batchSize());
            double validation = (System.nanoTime() - v0) / 1e9;
            double[] mem = peak.stop();
            double epoch = step * task.batches() + validation;
            double hpoEpoch = step * stepsPerEpoch(hpoFraction(task.batches()));
            row(name, layers, "step", step, "s");
            row(name, layers, "validation_pass", validation, "s");
            row(name, layers, steps >= task.batches() ? "retrain_epoch" : "retrain_epoch_from_" + steps + "_steps",
                    epoch, "s");
            row(name, layers, "hpo_epoch", hpoEpoch, "s");
            row(name, layers, "peak_heap", mem[0], "MB");
            row(name, layers, "peak_rss", mem[1], "MB");
            if (profile) {
                int[] idx = batches.get(0);
                for (StepProfile.Row r : StepProfile.measure(net, TrainLoop.rows(xTrain, idx),
                        TrainLoop.rows(yTrain, idx), o.profileReps())) {
                    String v = "profile/" + r.vertex() + "/" + r.kind();
                    row(name, layers, v + "/forward", r.forwardMs(), "ms");
                    row(name, layers, v + "/backward", r.backwardMs(), "ms");
                    row(name, layers, v + "/forward_cpu", r.forwardCpuMs(), "ms");
                    row(name, layers, v + "/backward_cpu", r.backwardCpuMs(), "ms");
                }
            }
            return new double[]{step, epoch, hpoEpoch, validation};
        }

        /** The HPO stage's fraction of batches per epoch (trial.Hpo's: 0.2, 0.1, 0.05 or 0.01). */
        private static double hpoFraction(long batches) {
            return batches < 50 ? 0.2 : batches < 100 ? 0.1 : batches < 500 ? 0.05 : 0.01;
        }

        /** Mean seconds per step over {@code steps} steps after one warm-up step, cycling through the batches. */
        private double timeSteps(ComputationGraph net, List<int[]> batches, int steps, TrainLoop.StepOptions opts) {
            step(net, batches.get(0), opts);
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step(net, batches.get((i + 1) % batches.size()), opts);
            }
            return (System.nanoTime() - t0) / 1e9 / steps;
        }

        private void step(ComputationGraph net, int[] idx, TrainLoop.StepOptions opts) {
            TrainLoop.step(net, TrainLoop.rows(xTrain, idx), TrainLoop.rows(yTrain, idx), null, opts, 0);
        }

        private ComputationGraph stock(ComputationGraph net) {
            ComputationGraph stock = new ComputationGraph(StockLayers.twin(net.getConfiguration()));
            stock.init();
            if (stock.numParams() != net.numParams()) {
                throw new IllegalStateException("stock twin has " + stock.numParams() + " parameters, the network "
                        + net.numParams());
            }
            return stock;
        }

        /**
         * Whole-trial seconds at the budget: search (dash only), HPO (every configuration of the grid; none when it
         * has one) and retraining, from the measured epochs.
         */
        private void projection(double searchEpoch, double[] found, double[] backbone) {
            int configs = o.grid().configurations(false).size();
            int hpo = configs > 1 ? configs : 0;
            int[] b = o.budget();
            double dash = b[0] * searchEpoch + hpo * (b[1] * found[2] + found[3]) + b[2] * found[1];
            double base = hpo * (b[1] * backbone[2] + backbone[3]) + b[2] * backbone[1];
            String at = "budget_" + b[0] + "_" + b[1] + "_" + b[2] + "_grid_" + o.grid().configName();
            row("trial", "projection", "dash_total_" + at, dash, "s");
            row("trial", "projection", "backbone_total_" + at, base, "s");
            row("trial", "projection", "dash_over_backbone_" + at, dash / base, "x");
        }

        /** Real backbone and dash trials with the {@code --trials} epochs and the {@code lr} grid. */
        private void trials() {
            int[] e = o.trials();
            TaskSpec small = task.withEpochs(e);
            double[] totals = new double[2];
            Method[] methods = {Method.BACKBONE, Method.DASH};
            for (int i = 0; i < 2; i++) {
                Peak peak = Peak.start();
                TrialResult r = new TrialRunner(small, methods[i], o.seed(), new TrialRunner.Options(HpoGrid.LR, 0.1),
                        Progress.NONE).run(data);
                double[] mem = peak.stop();
                String at = "trial_" + e[0] + "_" + e[1] + "_" + e[2] + "_grid_lr";
                row(methods[i].id(), at, "search", r.searchSeconds(), "s");
                row(methods[i].id(), at, "hpo", r.hpoSeconds(), "s");
                row(methods[i].id(), at, "retrain", r.retrainSeconds(), "s");
                row(methods[i].id(), at, "total", r.totalSeconds(), "s");
                row(methods[i].id(), at, "peak_heap", mem[0], "MB");
                row(methods[i].id(), at, "peak_rss", mem[1], "MB");
                totals[i] = r.totalSeconds();
            }
            row("trial", "measured", "dash_over_backbone_trial_" + e[0] + "_" + e[1] + "_" + e[2] + "_grid_lr",
                    totals[1] / totals[0], "x");
        }

        private void row(String network, String layers, String measure, double value, String unit) {
            out.printf("%s,%s,%s,%s,%.4g,%s%n", task.id(), network, layers, measure, value, unit);
            out.flush();
        }
    }

    /** Random inputs N(0, 1) and uniform one-hot labels of a bench task (FLOAT). */
    static TaskData randomData(BenchTask task, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        TaskSpec s = task.spec();
        long[] sample = s.dims() == 1 ? new long[]{s.inputChannels(), s.inputShape()[0]}
                : new long[]{s.inputChannels(), s.inputShape()[0], s.inputShape()[1]};
        INDArray[] xy = new INDArray[4];
        int[] sizes = {task.train(), task.val()};
        for (int i = 0; i < 2; i++) {
            long[] shape = new long[sample.length + 1];
            shape[0] = sizes[i];
            System.arraycopy(sample, 0, shape, 1, sample.length);
            float[] x = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) gaussian(rng);
            }
            float[] y = new float[sizes[i] * s.numOutputs()];
            for (int j = 0; j < sizes[i]; j++) {
                y[j * s.numOutputs() + rng.nextInt(s.numOutputs())] = 1f;
            }
            xy[2 * i] = Nd4j.createFromArray(x).reshape('c', shape);
            xy[2 * i + 1] = Nd4j.createFromArray(y).reshape('c', sizes[i], s.numOutputs());
        }
        return new TaskData(xy[0], xy[1], xy[2], xy[3], xy[2], xy[3]);
    }

    private static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    /** Peak heap and resident memory between start and stop, the latter sampled every 5 ms. */
    static final class Peak {
        private final Thread sampler;
        private volatile boolean running = true;
        private volatile long rss;

        private Peak() {
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            sampler = new Thread(() -> {
                while (running) {
                    rss = Math.max(rss, Pointer.physicalBytes());
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-memory");
            sampler.setDaemon(true);
            sampler.start();
        }

        static Peak start() {
            return new Peak();
        }

        /** {heap, resident} MB. */
        double[] stop() {
            running = false;
            try {
                sampler.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long heap = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    heap += pool.getPeakUsage().getUsed();
                }
            }
            return new double[]{heap / 1048576.0, rss / 1048576.0};
        }
    }
}
