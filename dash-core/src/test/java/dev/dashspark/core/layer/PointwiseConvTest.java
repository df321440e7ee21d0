package dev.dashspark.core.layer;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PointwiseConv computes what DL4J's 1×1 ConvolutionLayer computes, and its gradients are right. */
class PointwiseConvTest extends Float64 {
    static ComputationGraph net(Layer conv, int h, int w) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(new NoOp()).graphBuilder().addInputs("in")
                .addLayer("conv", conv, "in")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(h, w, 3)).build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    static INDArray x(int h, int w, long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.create(DataType.DOUBLE, 4, 3, h, w);
        for (long i = 0; i < x.length(); i++) {
            x.putScalar(i, r.nextGaussian());
        }
        return x;
    }

    @Test
    void equalsDl4jOneByOneConvolutionIn1DAnd2D() {
        for (int[] hw : new int[][]{{9, 1}, {5, 6}}) {
            ComputationGraph ours = net(PointwiseConv.builder().nOut(5).build(), hw[0], hw[1]);
            ComputationGraph theirs = net(new ConvolutionLayer.Builder(1, 1).convolutionMode(ConvolutionMode.Same)
                    .nOut(5).activation(Activation.IDENTITY).build(), hw[0], hw[1]);
            INDArray w = ours.getLayer("conv").getParam("W");
            theirs.getLayer("conv").getParam("W").assign(w.reshape(5, 3, 1, 1));
            theirs.getLayer("conv").getParam("b").assign(ours.getLayer("conv").getParam("b"));
            INDArray x = x(hw[0], hw[1], 1);
            INDArray a = ours.feedForward(new INDArray[]{x}, false).get("conv");
            INDArray b = theirs.feedForward(new INDArray[]{x}, false).get("conv");
            assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 1e-12);
            double bound = 1 / Math.sqrt(3);
            assertTrue(w.amaxNumber().doubleValue() <= bound && w.amaxNumber().doubleValue() > 0.2 * bound);
        }
    }

    @Test
    void gradientsPassDl4jGradientCheck() {
        ComputationGraph g = net(PointwiseConv.builder().nOut(4).build(), 7, 1);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 4, 2);
        for (int b = 0; b < 4; b++) {
            y.putScalar(b, b % 2, 1.0);
        }
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[]{x(7, 1, 2)}).labels(new INDArray[]{y})
                .epsilon(1e-6).maxRelError(1e-6).minAbsoluteError(1e-10)));
    }

    @Test
    void configurationSurvivesJson() {
        ComputationGraph g = net(PointwiseConv.builder().nOut(4).hasBias(false).build(), 7, 1);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(g.getConfiguration().toJson());
        assertEquals(g.getConfiguration(), back);
        assertEquals(12, g.getLayer("conv").numParams());
    }
}
