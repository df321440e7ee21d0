package dev.dashspark.core.layer;

import dev.dashspark.core.aggconv.AggConv;
import dev.dashspark.core.aggconv.AggConvSpec;
import dev.dashspark.core.aggconv.Mixing;
import dev.dashspark.core.aggconv.SearchSpace;
import dev.dashspark.core.aggconv.Strategy;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.File;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AggConvLayer inside DL4J graphs: same numbers as the operator, correct gradients, JSON and model-file round-trips. */
class AggConvLayerTest extends Float64 {
    static ComputationGraph network(int dims, Strategy strategy, boolean gumbel, org.nd4j.linalg.learning.config.IUpdater updater) {
        SearchSpace space = new SearchSpace(new int[]{3, 5}, new int[]{1, 2});
        InputType in = dims == 1 ? InputType.convolutional(11, 1, 2) : InputType.convolutional(7, 6, 2);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42).dataType(DataType.DOUBLE).updater(updater)
                .graphBuilder()
                .addInputs("in")
                .addLayer("agg1", AggConvLayer.builder().dims(dims).searchSpace(space).nOut(3).strategy(strategy)
                        .gumbel(gumbel).noiseSeed(7).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().build(), "agg1")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.TANH).build(), "bn")
                .addLayer("agg2", AggConvLayer.builder().dims(dims).searchSpace(space).nOut(3).depthwise(true).stride(2)
                        .strategy(strategy).gumbel(gumbel).build(), "relu")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "agg2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out")
                .setInputTypes(in)
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    static INDArray input(int dims, int batch, long seed) {
        Random r = new Random(seed);
        long[] shape = dims == 1 ? new long[]{batch, 2, 11, 1} : new long[]{batch, 2, 7, 6};
        INDArray x = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < x.length(); i++) {
            x.putScalar(i, r.nextGaussian());
        }
        return x;
    }

    static INDArray labels(int batch, long seed) {
        Random r = new Random(seed);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, batch, 4);
        for (int b = 0; b < batch; b++) {
            y.putScalar(b, r.nextInt(4), 1.0);
        }
        return y;
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void gradientsOfAWholeGraphPassDl4jGradientCheck1D(Strategy strategy) {
        checkGradients(1, strategy);
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void gradientsOfAWholeGraphPassDl4jGradientCheck2D(Strategy strategy) {
        checkGradients(2, strategy);
    }

    private static void checkGradients(int dims, Strategy strategy) {
        ComputationGraph g = network(dims, strategy, false, new NoOp());
        // larger α so that the mixing is far from uniform and its gradient is not tiny
        g.getLayer("agg1").getParam("alpha").assign(Nd4j.createFromArray(0.5, -0.3, 0.2, 0.9));
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(new INDArray[]{input(dims, 3, 1)}).labels(new INDArray[]{labels(3, 2)})
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                // BatchNormalization's running statistics are not trained by gradients
                .excludeParams(java.util.Set.of("bn_mean", "bn_log10stdev"))
                .subset(true).maxPerParam(12));
        assertTrue(ok, "DL4J gradient check failed for " + dims + "D " + strategy);
    }

    @Test
    void layerComputesExactlyTheOperator() {
        ComputationGraph g = network(1, Strategy.FFT, false, new NoOp());
        INDArray x = input(1, 2, 3);
        INDArray fromGraph = g.feedForward(new INDArray[]{x}, false).get("agg1");
        AggConvLayerImpl layer = (AggConvLayerImpl) g.getLayer("agg1");
        AggConvSpec spec = new AggConvSpec(1, 2, 3, false, 1, new SearchSpace(new int[]{3, 5}, new int[]{1, 2}));
        INDArray[] w = new INDArray[4];
        for (int i = 0; i < 4; i++) {
            w[i] = layer.getParam("W" + i);
            assertArrayEquals(spec.weightShape(i), w[i].shape());
        }
        INDArray y = new AggConv(spec, Strategy.MIXED_RESULTS)
                .forward(x.reshape(2, 2, 11), w, layer.getParam("b"), Mixing.softmax(layer.alpha()), false).output();
        assertArrayEquals(new long[]{2, 3, 11, 1}, fromGraph.shape());
        assertEquals(0.0, fromGraph.reshape(2, 3, 11).sub(y).amaxNumber().doubleValue(), 1e-12);
    }

    @Test
    void gumbelNoiseIsFreshEveryPassAndReproducibleAcrossRuns() {
        INDArray x = input(1, 2, 4);
        ComputationGraph a = network(1, Strategy.FFT, true, new NoOp());
        ComputationGraph b = network(1, Strategy.FFT, true, new NoOp());
        INDArray a1 = a.outputSingle(x);
        INDArray a2 = a.outputSingle(x);
        assertNotEquals(0.0, a1.sub(a2).amaxNumber().doubleValue(), "noise must change between passes");
        assertEquals(0.0, a1.sub(b.outputSingle(x)).amaxNumber().doubleValue(), 0.0, "same seeds, same noise");
        double[] c = ((AggConvLayerImpl) a.getLayer("agg1")).lastMixingCoefficients();
        assertEquals(1.0, java.util.Arrays.stream(c).sum(), 1e-12);
    }

    @Test
    void configurationSurvivesJson() {
        ComputationGraph g = network(2, Strategy.MIXED_WEIGHTS, true, new Sgd(0.1));
        String json = g.getConfiguration().toJson();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        assertEquals(g.getConfiguration(), back);
        org.deeplearning4j.nn.conf.graph.LayerVertex v = (org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("agg2");
        AggConvLayer l = (AggConvLayer) v.getLayerConf().getLayer();
        assertEquals(2, l.getDims());
        assertArrayEquals(new int[]{3, 5}, l.getKernels());
        assertArrayEquals(new int[]{1, 2}, l.getDilations());
        assertTrue(l.isDepthwise());
        assertEquals(2, l.getStride());
        assertEquals("mixed-weights", l.getStrategy());
        assertTrue(l.isGumbel());
        assertEquals(back.toJson(), json);
    }

    @Test
    void modelFileRoundTripRestoresParametersAndOutputs(@TempDir File dir) throws Exception {
        ComputationGraph g = network(1, Strategy.FFT, false, new Adam(1e-2));
        g.fit(new org.nd4j.linalg.dataset.MultiDataSet(input(1, 4, 5), labels(4, 6)));
        File f = new File(dir, "net.zip");
        ModelSerializer.writeModel(g, f, true);
        ComputationGraph r = ModelSerializer.restoreComputationGraph(f, true);
        assertEquals(g.params(), r.params());
        INDArray x = input(1, 3, 9);
        assertEquals(0.0, g.outputSingle(x).sub(r.outputSingle(x)).amaxNumber().doubleValue(), 0.0);
    }

    @Test
    void trainingLowersTheLoss() {
        ComputationGraph g = network(1, Strategy.FFT, true, new Adam(3e-2));
        INDArray x = input(1, 16, 11);
        INDArray y = labels(16, 12);
        org.nd4j.linalg.dataset.MultiDataSet ds = new org.nd4j.linalg.dataset.MultiDataSet(x, y);
        double before = g.score(ds);
        double[] alpha0 = ((AggConvLayerImpl) g.getLayer("agg1")).alpha();
        for (int i = 0; i < 40; i++) {
            g.fit(ds);
        }
        double after = g.score(ds);
        assertTrue(after < 0.7 * before, "loss " + before + " → " + after);
        assertNotEquals(alpha0[0], ((AggConvLayerImpl) g.getLayer("agg1")).alpha()[0], "α must be trained");
    }

    @Test
    void wrongInputTypeIsRejectedWithTheLayerName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NeuralNetConfiguration.Builder()
                .graphBuilder().addInputs("in")
                .addLayer("agg", AggConvLayer.builder().dims(1).nOut(2).build(), "in")
                .setOutputs("agg").setInputTypes(InputType.convolutional(8, 3, 2)).build());
        assertTrue(e.getMessage().contains("1D layers take [B, C, L, 1]"), e.getMessage());
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
                () -> AggConvLayer.builder().searchSpace(new SearchSpace(new int[]{4}, new int[]{1})).nOut(2).build());
        assertTrue(k.getMessage().contains("even"), k.getMessage());
    }
}
