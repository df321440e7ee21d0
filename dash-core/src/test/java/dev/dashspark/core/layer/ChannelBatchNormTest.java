package dev.dashspark.core.layer;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ChannelBatchNorm computes what DL4J's BatchNormalization (and PyTorch's BatchNorm) computes, gradients included. */
class ChannelBatchNormTest extends Float64 {
    static ComputationGraph net(Layer bn, org.nd4j.linalg.learning.config.IUpdater updater) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE)
                .updater(updater).graphBuilder().addInputs("in")
                .addLayer("bn", bn, "in")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "bn")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(9, 1, 4)).build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    static INDArray x(long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.create(DataType.DOUBLE, 5, 4, 9, 1);
        for (long i = 0; i < x.length(); i++) {
            x.putScalar(i, 2 + 3 * r.nextGaussian());
        }
        return x;
    }

    static INDArray y() {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 5, 3);
        for (int b = 0; b < 5; b++) {
            y.putScalar(b, b % 3, 1.0);
        }
        return y;
    }

    @Test
    void trainingOutputsEqualDl4jBatchNormalization() {
        ComputationGraph ours = net(ChannelBatchNorm.builder().build(), new NoOp());
        ComputationGraph theirs = net(new BatchNormalization.Builder().eps(1e-5).build(), new NoOp());
        theirs.getLayer("out").setParams(ours.getLayer("out").params().dup());
        INDArray a = ours.feedForward(new INDArray[]{x(3)}, true).get("bn");
        INDArray b = theirs.feedForward(new INDArray[]{x(3)}, true).get("bn");
        assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 1e-9);
        // and it is normalised: per channel mean 0, (biased) variance 1
        INDArray perChannelMean = a.mean(0, 2, 3);
        assertEquals(0.0, perChannelMean.amaxNumber().doubleValue(), 1e-12);
    }

    @Test
    void runningStatisticsFollowPytorchMomentumAndUnbiasedVariance() {
        ComputationGraph g = net(ChannelBatchNorm.builder().build(), new Sgd(0.0));
        INDArray x = x(4);
        g.fit(new MultiDataSet(x, y()));
        INDArray mean = x.mean(0, 2, 3);
        INDArray var = x.var(true, 0, 2, 3);
        INDArray expectedMean = mean.mul(0.1);
        INDArray expectedVar = var.mul(0.1).add(0.9);
        assertEquals(0.0, g.getLayer("bn").getParam("mean").sub(expectedMean).amaxNumber().doubleValue(), 1e-12);
        assertEquals(0.0, g.getLayer("bn").getParam("var").sub(expectedVar).amaxNumber().doubleValue(), 1e-12);
        // evaluation uses the running statistics
        INDArray eval = g.feedForward(new INDArray[]{x}, false).get("bn");
        double expected0 = (x.getDouble(0, 0, 0, 0) - expectedMean.getDouble(0)) / Math.sqrt(expectedVar.getDouble(0) + 1e-5);
        assertEquals(expected0, eval.getDouble(0, 0, 0, 0), 1e-12);
    }

    @Test
    void gradientsPassDl4jGradientCheck() {
        ComputationGraph g = net(ChannelBatchNorm.builder().build(), new NoOp());
        g.getLayer("bn").getParam("gamma").assign(Nd4j.createFromArray(0.5, 1.5, -1.0, 2.0));
        g.getLayer("bn").getParam("beta").assign(Nd4j.createFromArray(0.1, -0.2, 0.3, 0.0));
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[]{x(5)}).labels(new INDArray[]{y()})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                .excludeParams(java.util.Set.of("bn_mean", "bn_var"))));
    }

    @Test
    void fusedReluEqualsBatchNormFollowedByReluAndPassesGradientCheck() {
        ComputationGraph fused = net(ChannelBatchNorm.builder().relu(true).build(), new NoOp());
        ComputationGraph plain = net(ChannelBatchNorm.builder().build(), new NoOp());
        INDArray a = fused.feedForward(new INDArray[]{x(6)}, true).get("bn");
        INDArray b = org.nd4j.linalg.ops.transforms.Transforms.relu(plain.feedForward(new INDArray[]{x(6)}, true).get("bn"), true);
        assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 1e-12);
        assertTrue(a.minNumber().doubleValue() >= 0.0 && b.sumNumber().doubleValue() > 0.0);
        fused.getLayer("bn").getParam("beta").assign(Nd4j.createFromArray(0.1, -0.2, 0.3, 0.05));
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(fused)
                .inputs(new INDArray[]{x(7)}).labels(new INDArray[]{y()})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                .excludeParams(java.util.Set.of("bn_mean", "bn_var"))));
    }

    @Test
    void configurationSurvivesJson() {
        ComputationGraph g = net(ChannelBatchNorm.builder().eps(1e-3).momentum(0.2).relu(true).build(), new NoOp());
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(g.getConfiguration().toJson());
        assertEquals(g.getConfiguration(), back);
        ChannelBatchNorm l = (ChannelBatchNorm) ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("bn")).getLayerConf().getLayer();
        assertEquals(1e-3, l.getEps());
        assertEquals(0.2, l.getMomentum());
        assertTrue(l.isRelu());
    }

    /** One ChannelBatchNorm layer of the given type, its parameters set from doubles, run forward and backward. */
    private static INDArray[] forwardBackward(DataType type, boolean relu, INDArray x, INDArray dy, double[] gamma,
                                              double[] beta) {
        org.deeplearning4j.nn.workspace.LayerWorkspaceMgr mgr = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(type).updater(new NoOp())
                .graphBuilder().addInputs("in").addLayer("bn", ChannelBatchNorm.builder().relu(relu).build(), "in")
                .setOutputs("bn").setInputTypes(InputType.convolutional(x.size(2), 1, x.size(1))).build());
        g.init();
        g.initGradientsView();
        org.deeplearning4j.nn.api.Layer bn = g.getLayer("bn");
        bn.getParam("gamma").assign(Nd4j.createFromArray(gamma).castTo(type));
        bn.getParam("beta").assign(Nd4j.createFromArray(beta).castTo(type));
        bn.setInput(x.castTo(type), mgr);
        INDArray y = bn.activate(true, mgr).dup();
        var p = bn.backpropGradient(dy.castTo(type), mgr);
        return new INDArray[]{y, p.getSecond().dup(), p.getFirst().getGradientFor("gamma").dup(),
                p.getFirst().getGradientFor("beta").dup()};
    }

    @Test
    void floatPathComputesWhatTheDoublePathComputes() {
        // 1500 positions: more than one 1024-value chunk per row, and an odd tail
        Random r = new Random(12);
        INDArray x = Nd4j.create(DataType.DOUBLE, 3, 5, 1500, 1);
        INDArray dy = Nd4j.create(DataType.DOUBLE, 3, 5, 1500, 1);
        for (long i = 0; i < x.length(); i++) {
            x.putScalar(i, (float) (3 + 2 * r.nextGaussian()));
            dy.putScalar(i, (float) r.nextGaussian());
        }
        double[] gamma = {0.5, 1.5, -1.0, 2.0, 0.8};
        double[] beta = {0.1, -0.2, 0.3, 0.0, -1.0};
        for (boolean relu : new boolean[]{false, true}) {
            INDArray[] d = forwardBackward(DataType.DOUBLE, relu, x, dy, gamma, beta);
            INDArray[] f = forwardBackward(DataType.FLOAT, relu, x, dy, gamma, beta);
            String[] names = {"y", "dx", "dgamma", "dbeta"};
            for (int i = 0; i < d.length; i++) {
                double scale = 1 + d[i].amaxNumber().doubleValue();
                double err = d[i].sub(f[i].castTo(DataType.DOUBLE)).amaxNumber().doubleValue() / scale;
                assertTrue(err < 2e-5, names[i] + " relu=" + relu + ": float differs from double by " + err);
            }
            if (relu) {
                assertTrue(d[0].minNumber().doubleValue() == 0.0 && f[0].minNumber().doubleValue() == 0.0);
            }
        }
    }

    @Test
    void reluMaskKeepsTheGradientOnlyWherePreActivationIsPositive() {
        assertEquals(2.5f, BatchNormFloat.keepIfPositive(1e-30f, 2.5f));
        assertEquals(-2.5f, BatchNormFloat.keepIfPositive(Float.MAX_VALUE, -2.5f));
        assertEquals(0f, BatchNormFloat.keepIfPositive(0f, 2.5f));
        assertEquals(0f, BatchNormFloat.keepIfPositive(-0f, 2.5f));
        assertEquals(0f, BatchNormFloat.keepIfPositive(-1e-30f, 2.5f));
        assertEquals(0f, BatchNormFloat.keepIfPositive(Float.NEGATIVE_INFINITY, 2.5f));
    }
}
