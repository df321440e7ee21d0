package dev.dashspark.core.backbone;

import dev.dashspark.core.loss.Loss;
import dev.dashspark.core.task.OutputKind;
import dev.dashspark.core.train.TrainLoop;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The heads as the task extras use them: a dense network predicting on a larger grid than it was built for (PSICOV's
 * test maps), and the logits of a pooled head (FSD50K's clip averages).
 */
class HeadTest {

    private static final Backbone.HeadSpec DENSE = new Backbone.HeadSpec(OutputKind.DENSE, Loss.MSE, 1.0);

    /** WRN-16-1 with dense outputs on an h × w grid, initialised from seed 7. */
    private static ComputationGraph dense(int h, int w) {
        WideResNet wrn = new WideResNet(2, h, w, 1, 1, DENSE);
        ComputationGraph net = new ComputationGraph(wrn.graph(new NeuralNetConfiguration.Builder().seed(7)
                .dataType(DataType.FLOAT).updater(new Sgd(0.1)), wrn.retrainConvs(wrn.defaultArchitecture()), 0.0));
        net.init();
        return net;
    }

    @Test
    void aDenseNetworkPredictsALargerGridExactlyAsTheNetworkBuiltForThatGrid() {
        ComputationGraph built = dense(8, 8);
        ComputationGraph large = dense(12, 16);
        large.params().assign(built.params());
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 2, 12, 16);
        INDArray expected = large.outputSingle(false, x);
        assertArrayEquals(new long[]{3, 12 * 16}, expected.shape());
        assertEquals(expected, TrainLoop.predict(built, x, 2), "predicted in batches of 2 by the 8 × 8 network");
    }

    @Test
    void aDenseNetworkTrainsOnItsBuiltGridOnlyAndItsFlatteningSurvivesJson() {
        ComputationGraph net = dense(8, 8);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TrainLoop.step(net,
                Nd4j.rand(DataType.FLOAT, 2, 2, 12, 12), Nd4j.rand(DataType.FLOAT, 2, 144), null,
                TrainLoop.StepOptions.PLAIN, 0));
        assertTrue(e.getMessage().startsWith("dense head: trains on its built grid 8x8 only"), e.getMessage());
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        assertEquals(GridFlatten.class, ((LayerVertex) back.getVertices().get("out")).getPreProcessor().getClass());
    }

    @Test
    void pooledHeadLogitsAreTheOutputLayersPreActivationAlsoWhereItsSigmoidSaturates() {
        WideResNet wrn = new WideResNet(1, 8, 8, 3, 1, new Backbone.HeadSpec(OutputKind.MULTI_LABEL, Loss.BCE, 1.0));
        ComputationGraph net = new ComputationGraph(wrn.graph(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.FLOAT), wrn.retrainConvs(wrn.defaultArchitecture()), 0.0));
        net.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 1, 8, 8);
        INDArray p = net.outputSingle(false, x).castTo(DataType.DOUBLE);
        INDArray logits = Backbone.logits(net, x);
        assertArrayEquals(new long[]{4, 3}, logits.shape());
        INDArray fromP = Transforms.log(p.div(p.rsub(1.0)));
        assertTrue(fromP.sub(logits.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() < 1e-4,
                "logit(σ(z)) = z: " + fromP + " vs " + logits);
        net.getLayer("out").getParam("b").addi(40);
        INDArray saturated = Backbone.logits(net, x);
        assertEquals(1.0, net.outputSingle(false, x).minNumber().doubleValue(), 0.0, "every probability rounds to 1");
        assertEquals(logits.add(40), saturated, "the logits are still exact");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backbone.logits(dense(8, 8), Nd4j.rand(DataType.FLOAT, 1, 2, 8, 8)));
        assertEquals("logits: the network has no pooled head (vertices 'pool' and a linear 'out')", e.getMessage());
    }
}
