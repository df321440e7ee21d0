package dev.dashspark.core.backbone;

import dev.dashspark.core.aggconv.SearchSpace;
import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.loss.Loss;
import dev.dashspark.core.loss.RelativeL2Loss;
import dev.dashspark.core.task.OutputKind;
import dev.dashspark.core.loss.WeightedBinaryCrossEntropy;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Slot lists, heads and serialisation of the backbones. */
class BackboneTest {

    @Test
    void slotCountsFollowTheReference() {
        assertEquals(9, ResNet1D.classifier(1, 100, 10, 16).slots().size());
        WideResNet wrn = new WideResNet(3, 16, 16, 10, 1, Backbone.HeadSpec.classes());
        assertEquals(13, wrn.slots().size());
        assertEquals("stem", wrn.slots().get(0).name());
        assertEquals(2, wrn.slots().get(6).stride(), "s2b1c2 downsamples");
        WideResNet dense = new WideResNet(3, 16, 16, 1, 1, new Backbone.HeadSpec(OutputKind.DENSE, Loss.MSE, 1));
        assertEquals(1, dense.slots().get(6).stride(), "remain_shape: no downsampling");
    }

    @Test
    void customLossesSurviveJsonAndShapesAreRight() {
        Backbone.HeadSpec multi = new Backbone.HeadSpec(OutputKind.MULTI_LABEL, Loss.BCE, 4.0);
        ResNet1D r = ResNet1D.forTask(4, 50, 3, multi);
        ComputationGraphConfiguration conf = r.graph(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT),
                r.supernetConvs(SearchSpace.of(new int[]{3, 5}, new int[]{1, 2}), Strategy.FFT, true, 1), 0.0);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        var out = (BaseOutputLayer) ((LayerVertex) back.getVertices().get("out")).getLayerConf().getLayer();
        assertEquals(new WeightedBinaryCrossEntropy(4.0), out.getLossFn());

        WideResNet wrn = new WideResNet(1, 8, 6, 2, 1, new Backbone.HeadSpec(OutputKind.DENSE, Loss.REL_L2, 1));
        ComputationGraphConfiguration dense = wrn.graph(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT),
                wrn.retrainConvs(wrn.defaultArchitecture()), 0.0);
        ComputationGraphConfiguration denseBack = ComputationGraphConfiguration.fromJson(dense.toJson());
        assertEquals(dense, denseBack);
        var loss = (LossLayer) ((LayerVertex) denseBack.getVertices().get("out")).getLayerConf().getLayer();
        assertEquals(new RelativeL2Loss(), loss.getLossFn());
        ComputationGraph net = new ComputationGraph(denseBack);
        net.init();
        INDArray y = net.outputSingle(Nd4j.rand(DataType.FLOAT, 3, 1, 8, 6));
        assertArrayEquals(new long[]{3, 2 * 8 * 6}, y.shape(), "dense head: (B, outputs·H·W)");
    }
}
