package dev.dashspark.core.trial;

import dev.dashspark.core.train.TrainLoop;

import dev.dashspark.core.aggconv.SearchSpace;
import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.layer.AggConvLayerImpl;
import dev.dashspark.core.task.TaskConfig;
import dev.dashspark.core.task.TaskSpec;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.MapSchedule;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ALGORITHM.md §6.6 and §6.8: scale_grad, learning rates at epoch boundaries, the HPO grid. */
class SearchFaithfulnessTest {

    static TaskSpec longLag(int searchEpochs) throws Exception {
        Map<String, String> p = new HashMap<>(TaskConfig.load(Path.of("../conf/synthetic.conf")).get("long-lag").toProperties());
        p.put("search-epochs", Integer.toString(searchEpochs));
        return TaskSpec.fromProperties("long-lag", p);
    }

    @Test
    void scaleGradNormalisesToOneOverGradScaleThenAddsThePenalty() throws Exception {
        TaskSpec spec = longLag(10);
        ComputationGraph net = new TrialRunner(spec, Method.DASH, 0, TrialRunner.Options.DEFAULT, Progress.NONE)
                .supernet(Strategy.FFT, 1, false);
        AggConvLayerImpl layer = (AggConvLayerImpl) net.getLayer("b1c1");
        SearchSpace space = spec.searchSpace();
        double[] g = new double[space.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = Math.sin(i + 1) * 3;
        }
        INDArray view = Nd4j.createFromArray(g).castTo(DataType.DOUBLE);
        double gs = 100;
        TrainLoop.scaleArchitectureGradient(layer, view, new TrainLoop.StepOptions(gs, false, 1));
        double norm = 0;
        for (double v : g) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        double[] penalty = new double[g.length];
        double[] normalised = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            penalty[i] = 1e-5 * (space.dilation(i) * (space.kernel(i) - 1) + 1);
            normalised[i] = view.getDouble(i) - penalty[i];
            assertEquals(g[i] / (gs * (norm + 1e-8)), normalised[i], 1e-15);
        }
        // ‖g‖/(gs·(‖g‖ + 1e-8)): 1/gs up to the reference's 1e-8 guard
        assertEquals(norm / (gs * (norm + 1e-8)), Nd4j.createFromArray(normalised).norm2Number().doubleValue(), 1e-15);
        assertEquals(1 / gs, Nd4j.createFromArray(normalised).norm2Number().doubleValue(), 1e-9);
        // remain_shape: the penalty is 10·k, dilation unpenalised
        INDArray dense = Nd4j.createFromArray(g).castTo(DataType.DOUBLE);
        TrainLoop.scaleArchitectureGradient(layer, dense, new TrainLoop.StepOptions(gs, true, 1));
        for (int i = 0; i < g.length; i++) {
            assertEquals(g[i] / (gs * (norm + 1e-8)) + 1e-5 * 10 * space.kernel(i), dense.getDouble(i), 1e-15);
        }
    }

    @Test
    void learningRateDropsByFiveAtThirtySixtyNinetyPercentOfTheSearch() throws Exception {
        TrialRunner runner = new TrialRunner(longLag(100), Method.DASH, 0, TrialRunner.Options.DEFAULT, Progress.NONE);
        MapSchedule s = runner.schedule(0.1, TrialRunner.MILESTONES_1D);
        double[][] expected = {{0, 0.1}, {29, 0.1}, {30, 0.02}, {59, 0.02}, {60, 0.004}, {89, 0.004}, {90, 0.0008}, {99, 0.0008}};
        for (double[] e : expected) {
            assertEquals(e[1], s.valueAt(0, (int) e[0]), 1e-12, "epoch " + (int) e[0]);
        }
        // a 10-epoch search has its milestones at epochs 3, 6, 9
        MapSchedule short10 = new TrialRunner(longLag(10), Method.DASH, 0, TrialRunner.Options.DEFAULT, Progress.NONE)
                .schedule(0.05, TrialRunner.MILESTONES_1D);
        assertEquals(0.05, short10.valueAt(0, 2), 1e-12);
        assertEquals(0.01, short10.valueAt(0, 3), 1e-12);
        assertEquals(0.0004, short10.valueAt(0, 9), 1e-12);
    }

    @Test
    void referenceGridHas24ConfigurationsLrOutermostAndDenseTasksThree() {
        List<Hyperparams> grid = Hyperparams.grid("reference", false);
        assertEquals(24, grid.size());
        assertEquals(new Hyperparams(0.1, 0, 5e-4, 0.9), grid.get(0));
        assertEquals(new Hyperparams(0.1, 0, 5e-4, 0.99), grid.get(1));
        assertEquals(new Hyperparams(0.1, 0, 5e-6, 0.9), grid.get(2));
        assertEquals(new Hyperparams(0.1, 0.05, 5e-4, 0.9), grid.get(4));
        assertEquals(new Hyperparams(0.01, 0, 5e-4, 0.9), grid.get(8));
        assertEquals(new Hyperparams(0.001, 0.05, 5e-6, 0.99), grid.get(23));
        assertEquals(List.of(new Hyperparams(1e-2, 0, 5e-5, 0.99), new Hyperparams(1e-3, 0, 5e-5, 0.99),
                new Hyperparams(1e-4, 0, 5e-5, 0.99)), Hyperparams.grid("reference", true));
    }

    @Test
    void hpoFractionFollowsTheReferenceThresholds() {
        assertEquals(0.2, TrialRunner.hpoFraction(49));
        assertEquals(0.1, TrialRunner.hpoFraction(50));
        assertEquals(0.05, TrialRunner.hpoFraction(100));
        assertEquals(0.01, TrialRunner.hpoFraction(500));
    }
}
