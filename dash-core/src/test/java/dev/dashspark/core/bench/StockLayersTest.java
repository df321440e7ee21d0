package dev.dashspark.core.bench;

import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.arch.LayerChoice;
import dev.dashspark.core.backbone.Backbone;
import dev.dashspark.core.backbone.ResNet1D;
import dev.dashspark.core.backbone.WideResNet;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stock-layer twin of a network: the same kernels, parameter count and output shape, on DL4J's own layers. */
class StockLayersTest {

    private static ComputationGraph retrainNet(Backbone b, Architecture arch) {
        ComputationGraph net = new ComputationGraph(b.graph(new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.FLOAT).updater(new Nesterovs(0.1, 0.9)).l2(5e-4), b.retrainConvs(arch), 0.05));
        net.init();
        return net;
    }

    @Test
    void resnet1dTwinHasTheSameKernelsParametersAndOutputsShape() {
        ResNet1D b = ResNet1D.classifier(1, 40, 3, 4);
        Architecture arch = new Architecture(b.slots().stream().map(s -> new LayerChoice(s.name(), 5, 7)).toList());
        ComputationGraph net = retrainNet(b, arch);
        ComputationGraph stock = new ComputationGraph(StockLayers.twin(net.getConfiguration()));
        stock.init();
        assertEquals(net.numParams(), stock.numParams());
        ConvolutionLayer c = (ConvolutionLayer) ((LayerVertex) stock.getConfiguration().getVertices().get("b2c2"))
                .getLayerConf().getLayer();
        assertArrayEquals(new int[]{5, 1}, c.getKernelSize());
        assertArrayEquals(new int[]{7, 1}, c.getDilation());
        assertEquals(0.95, ((org.deeplearning4j.nn.conf.dropout.Dropout) ((LayerVertex) stock.getConfiguration()
                .getVertices().get("b2c2bn-bn")).getLayerConf().getLayer().getIDropout()).getP(), 1e-12, "dropout 0.05 kept (DL4J keeps p = 0.95)");
        assertInstanceOf(BatchNormalization.class, ((LayerVertex) stock.getConfiguration().getVertices().get("b2c2bn-bn"))
                .getLayerConf().getLayer());
        assertInstanceOf(ActivationLayer.class, ((LayerVertex) stock.getConfiguration().getVertices().get("b2c2bn"))
                .getLayerConf().getLayer());
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 1, 40, 1);
        assertArrayEquals(net.outputSingle(x).shape(), stock.outputSingle(x).shape());
        assertEquals(2.0, stock.outputSingle(x).sumNumber().doubleValue(), 1e-4, "softmax rows sum to 1: " + stock.outputSingle(x));
    }

    @Test
    void wideResNetTwinKeepsStridesAndShortcuts() {
        WideResNet b = new WideResNet(3, 8, 8, 4, 1, Backbone.HeadSpec.classes());
        ComputationGraph net = retrainNet(b, b.defaultArchitecture());
        ComputationGraph stock = new ComputationGraph(StockLayers.twin(net.getConfiguration()));
        stock.init();
        assertEquals(net.numParams(), stock.numParams());
        ConvolutionLayer c = (ConvolutionLayer) ((LayerVertex) stock.getConfiguration().getVertices().get("s2b1c2"))
                .getLayerConf().getLayer();
        assertArrayEquals(new int[]{2, 2}, c.getStride());
        ConvolutionLayer sc = (ConvolutionLayer) ((LayerVertex) stock.getConfiguration().getVertices().get("s2b1shortcut"))
                .getLayerConf().getLayer();
        assertArrayEquals(new int[]{1, 1}, sc.getKernelSize());
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8);
        assertArrayEquals(net.outputSingle(x).shape(), stock.outputSingle(x).shape());
    }
}
