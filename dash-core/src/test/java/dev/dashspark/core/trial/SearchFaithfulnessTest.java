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

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The search step's α-gradient treatment (scale_grad), on a real supernet layer. */
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
}
