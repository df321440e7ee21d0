package dev.dashspark.core.layer;

import dev.dashspark.core.conv.ConvGeometry;
import dev.dashspark.core.conv.ConvGeometry.Padding;
import dev.dashspark.core.conv.PaddedReference;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.File;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Conv}: the same numbers as an independent direct convolution over explicitly zero-padded inputs (every
 * small combination of k, d, s, padding, dense/depthwise, 1D/2D), the output extent's closed form, the sampling grid
 * of causal and stride-2 "same" convolutions, DL4J's gradient checker, JSON and model-file round trips.
 */
class ConvLayerTest extends Float64 {

    static INDArray gaussian(Random r, long... shape) {
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, r.nextGaussian());
        }
        return a;
    }

    static ComputationGraph single(ConvGeometry g, InputType in) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder().addInputs("in")
                .addLayer("conv", Conv.builder().dims(g.dims()).kernel(g.kernel()).dilation(g.dilation())
                        .stride(g.stride()).padding(g.padding()).depthwise(g.depthwise()).nOut(g.outChannels()).build(), "in")
                .setOutputs("conv").setInputTypes(in).build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    @Test
    void forwardMatchesAnIndependentDirectConvolutionOnEverySmallGeometry() {
        Random r = new Random(11);
        for (ConvGeometry g : PaddedReference.smallGeometries()) {
            for (int n : new int[]{7, 8}) {
                long[] xs = g.dims() == 1 ? new long[]{2, 3, n, 1} : new long[]{2, 3, n, n - 1};
                InputType in = InputType.convolutional(xs[2], xs[3], 3);
                ComputationGraph net = single(g, in);
                INDArray x = gaussian(r, xs);
                INDArray y = net.outputSingle(x);
                INDArray w = net.getLayer("conv").getParam("W");
                INDArray b = net.getLayer("conv").getParam("b");
                double[] expected = PaddedReference.forward(g, x.data().asDouble(), xs, w.dup('c').data().asDouble(),
                        b.dup().data().asDouble());
                assertArrayEquals(g.outputShape(xs), y.shape(), g.toString());
                assertArrayEquals(expected, y.dup('c').data().asDouble(), 1e-12, g + " n=" + n);
            }
        }
    }

    @Test
    void outputExtentIsTheClosedFormAndCeilOfNOverS() {
        for (ConvGeometry g : PaddedReference.smallGeometries()) {
            for (int n = 1; n <= 12; n++) {
                int closed = Math.floorDiv(n + g.padBefore() + g.padAfter() - g.dilation() * (g.kernel() - 1) - 1, g.stride()) + 1;
                assertEquals(closed, g.outLength(n), g + " n=" + n);
                assertEquals((n + g.stride() - 1) / g.stride(), g.outLength(n), g + " n=" + n);
            }
        }
    }

    @Test
    void causalConvolutionSeesOnlyThePast() {
        // one-hot on the last tap: y = x; one-hot on the first tap: y[i] = x[i − d(k − 1)]
        ConvGeometry g = new ConvGeometry(1, 1, 1, 3, 2, 1, Padding.CAUSAL, false);
        ComputationGraph net = single(g, InputType.convolutional(8, 1, 1));
        INDArray x = Nd4j.arange(1, 9).castTo(DataType.DOUBLE).reshape(1, 1, 8, 1);
        net.getLayer("conv").getParam("b").assign(0);
        INDArray w = net.getLayer("conv").getParam("W");
        w.assign(Nd4j.createFromArray(0.0, 0.0, 1.0).reshape(1, 1, 3));
        assertArrayEquals(new double[]{1, 2, 3, 4, 5, 6, 7, 8}, net.outputSingle(x).data().asDouble(), 0);
        w.assign(Nd4j.createFromArray(1.0, 0.0, 0.0).reshape(1, 1, 3));
        assertArrayEquals(new double[]{0, 0, 0, 0, 1, 2, 3, 4}, net.outputSingle(x).data().asDouble(), 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void strideTwoSameConvolutionSamplesEvenPositionsLikePyTorch(int dims) {
        // centre tap one-hot, stride 2: PyTorch's padding = d(k−1)/2 keeps x[0], x[2], x[4], ... (DL4J's
        // ConvolutionMode.Same would centre the windows on odd positions)
        ConvGeometry g = new ConvGeometry(dims, 1, 1, 3, 1, 2, Padding.SAME, false);
        InputType in = dims == 1 ? InputType.convolutional(7, 1, 1) : InputType.convolutional(7, 7, 1);
        ComputationGraph net = single(g, in);
        net.getLayer("conv").getParam("b").assign(0);
        INDArray centre = Nd4j.zeros(DataType.DOUBLE, g.weightShape());
        if (dims == 1) {
            centre.putScalar(new long[]{0, 0, 1}, 1.0);
        } else {
            centre.putScalar(new long[]{0, 0, 1, 1}, 1.0);
        }
        net.getLayer("conv").getParam("W").assign(centre);
        INDArray x = Nd4j.arange(0, dims == 1 ? 7 : 49).castTo(DataType.DOUBLE)
                .reshape(dims == 1 ? new long[]{1, 1, 7, 1} : new long[]{1, 1, 7, 7});
        double[] y = net.outputSingle(x).dup('c').data().asDouble();
        double[] expected = dims == 1 ? new double[]{0, 2, 4, 6}
                : new double[]{0, 2, 4, 6, 14, 16, 18, 20, 28, 30, 32, 34, 42, 44, 46, 48};
        assertArrayEquals(expected, y, 0);
    }

    static ComputationGraph classifier(int dims) {
        InputType in = dims == 1 ? InputType.convolutional(9, 1, 2) : InputType.convolutional(6, 5, 2);
        Padding first = dims == 1 ? Padding.CAUSAL : Padding.SAME;
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder().addInputs("in")
                .addLayer("c1", Conv.builder().dims(dims).kernel(3).dilation(2).padding(first).nOut(3).build(), "in")
                .addLayer("act", new ActivationLayer.Builder().activation(Activation.TANH).build(), "c1")
                .addLayer("c2", Conv.builder().dims(dims).kernel(3).stride(2).depthwise(true).nOut(3)
                        .init(Conv.Init.XAVIER_RELU).build(), "act")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "c2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").setInputTypes(in).build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        net.getLayer("c2").getParam("b").assign(Nd4j.createFromArray(0.1, -0.2, 0.3)); // XAVIER_RELU starts at 0
        return net;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void gradientsPassDl4jGradientCheck(int dims) {
        ComputationGraph net = classifier(dims);
        Random r = new Random(dims);
        long[] xs = dims == 1 ? new long[]{3, 2, 9, 1} : new long[]{3, 2, 6, 5};
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 3, 2);
        for (int b = 0; b < 3; b++) {
            y.putScalar(b, b % 2, 1.0);
        }
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[]{gaussian(r, xs)}).labels(new INDArray[]{y})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
        assertTrue(ok, "DL4J gradient check failed for " + dims + "D");
    }

    @Test
    void initialisationFollowsPyTorchsBounds() {
        ComputationGraph net = classifier(1);
        // c1: PyTorch default, fan_in = 2·3 → |W|, |b| ≤ 1/√6; c2: Xavier-uniform gain √2, fan_in 3, fan_out 9
        double torchBound = 1 / Math.sqrt(6);
        assertTrue(net.getLayer("c1").getParam("W").amaxNumber().doubleValue() <= torchBound);
        assertTrue(net.getLayer("c1").getParam("b").amaxNumber().doubleValue() <= torchBound);
        assertTrue(net.getLayer("c1").getParam("W").amaxNumber().doubleValue() > 0.6 * torchBound);
        double xavier = Math.sqrt(2) * Math.sqrt(6.0 / (3 + 9));
        assertTrue(net.getLayer("c2").getParam("W").amaxNumber().doubleValue() <= xavier);
        assertTrue(net.getLayer("c2").getParam("W").amaxNumber().doubleValue() > 0.5 * xavier);
    }

    @Test
    void configurationSurvivesJson() {
        ComputationGraph net = classifier(1);
        String json = net.getConfiguration().toJson();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        assertEquals(net.getConfiguration(), back);
        Conv c1 = (Conv) ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("c1")).getLayerConf().getLayer();
        assertEquals(new ConvGeometry(1, 2, 3, 3, 2, 1, Padding.CAUSAL, false), c1.geometry());
        Conv c2 = (Conv) ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("c2")).getLayerConf().getLayer();
        assertEquals(new ConvGeometry(1, 3, 3, 3, 1, 2, Padding.SAME, true), c2.geometry());
        assertEquals(Conv.Init.XAVIER_RELU, c2.getInit());
        assertEquals(json, back.toJson());
    }

    @Test
    void trainingLowersTheLossAndTheModelFileRestoresParametersUpdaterAndOutputs(@TempDir File dir) throws Exception {
        Random r = new Random(8);
        INDArray x = gaussian(r, 4, 2, 6, 5);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 4, 2);
        for (int b = 0; b < 4; b++) {
            y.putScalar(b, b % 2, 1.0);
        }
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE)
                .updater(new Adam(0.05)).graphBuilder().addInputs("in")
                .addLayer("c", Conv.builder().dims(2).kernel(3).dilation(2).stride(2).nOut(2).build(), "in")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "c")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(6, 5, 2)).build());
        net.init();
        org.nd4j.linalg.dataset.MultiDataSet ds = new org.nd4j.linalg.dataset.MultiDataSet(x, y);
        double before = net.score(ds);
        for (int i = 0; i < 30; i++) {
            net.fit(ds);
        }
        assertTrue(net.score(ds) < 0.8 * before, "training must lower the loss: " + before + " → " + net.score(ds));
        File f = new File(dir, "net.zip");
        ModelSerializer.writeModel(net, f, true);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(f, true);
        assertEquals(net.params(), back.params());
        assertEquals(net.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray());
        assertEquals(0.0, net.outputSingle(x).sub(back.outputSingle(x)).amaxNumber().doubleValue(), 0.0);
    }

    @Test
    void badGeometriesAreRejectedWithTheLayerNameAndTheValue() {
        IllegalArgumentException even = assertThrows(IllegalArgumentException.class,
                () -> Conv.builder().name("c7").dims(2).kernel(4).nOut(2).build());
        assertTrue(even.getMessage().contains("'c7'") && even.getMessage().contains("odd kernel, got k 4"), even.getMessage());
        IllegalArgumentException causal2d = assertThrows(IllegalArgumentException.class,
                () -> Conv.builder().dims(2).padding(Padding.CAUSAL).nOut(2).build());
        assertTrue(causal2d.getMessage().contains("CAUSAL is for 1D"), causal2d.getMessage());
        IllegalArgumentException depthwise = assertThrows(IllegalArgumentException.class, () -> new NeuralNetConfiguration.Builder()
                .graphBuilder().addInputs("in")
                .addLayer("dw", Conv.builder().dims(1).depthwise(true).nOut(4).build(), "in")
                .setOutputs("dw").setInputTypes(InputType.convolutional(8, 1, 3)).build());
        assertTrue(depthwise.getMessage().contains("3 → 4"), depthwise.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class, () -> new NeuralNetConfiguration.Builder()
                .graphBuilder().addInputs("in")
                .addLayer("c", Conv.builder().dims(1).nOut(2).build(), "in")
                .setOutputs("c").setInputTypes(InputType.convolutional(8, 3, 2)).build());
        assertTrue(width.getMessage().contains("1D layers take [B, C, L, 1]"), width.getMessage());
    }
}
