package dev.dashspark.core.backbone;

import dev.dashspark.core.aggconv.SearchSpace;
import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.arch.LayerChoice;
import dev.dashspark.core.conv.ConvGeometry;
import dev.dashspark.core.layer.Conv;
import dev.dashspark.core.loss.Loss;
import dev.dashspark.core.task.OutputKind;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The network DASH retrains has the geometry the search evaluated: a supernet whose α is one-hot on a random (k, d)
 * per layer, without Gumbel noise, computes exactly what the retrain network of that architecture computes with the
 * same weights, layer by layer: every searchable convolution, every stride-2 block and its shortcut, the head. The
 * search's depthwise layers enter the dense retrain convolutions as diagonal weights. In 1D the reference retrains
 * causal convolutions where it searched centred ones (docs/algorithm.md, "Backbones"); the 1D comparison therefore
 * uses centred retrain convolutions, and a second check pins the causal ones as exactly the centred outputs shifted
 * by d(k − 1)/2.
 */
class SearchRetrainGeometryTest {
    private static DataType saved;

    @BeforeAll
    static void doubles() {
        saved = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(saved, saved);
    }

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE).updater(new NoOp());
    }

    /** α one-hot on a random candidate per layer; returns the architecture that argmax gives. */
    private static Architecture oneHot(ComputationGraph supernet, Backbone b, SearchSpace space, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<LayerChoice> layers = new ArrayList<>();
        for (ConvSlot slot : b.slots()) {
            int i = rng.nextInt(space.size());
            double[] a = new double[space.size()];
            java.util.Arrays.fill(a, -1e4);
            a[i] = 0;
            supernet.getLayer(slot.name()).getParam("alpha").assign(Nd4j.createFromArray(a));
            layers.add(new LayerChoice(slot.name(), space.kernel(i), space.dilation(i)));
        }
        return new Architecture(layers);
    }

    /** Copies the supernet's weights into the retrain network: the chosen candidate's W (diagonal where depthwise). */
    private static void copyWeights(ComputationGraph supernet, ComputationGraph retrain, Backbone b, Architecture arch,
                                    SearchSpace space) {
        Map<String, ConvSlot> slots = new java.util.HashMap<>();
        b.slots().forEach(s -> slots.put(s.name(), s));
        for (Layer layer : retrain.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            ConvSlot slot = slots.get(name);
            for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
                INDArray dst = e.getValue();
                if (slot != null && e.getKey().equals("W")) {
                    LayerChoice c = arch.get(name);
                    INDArray w = supernet.getLayer(name).getParam("W" + space.index(c.kernel(), c.dilation()));
                    if (slot.separable()) {
                        int ch = slot.outChannels();
                        int taps = (int) (w.length() / ch);
                        double[] dw = w.dup('c').data().asDouble();
                        double[] dense = new double[(int) dst.length()];
                        for (int o = 0; o < ch; o++) {
                            System.arraycopy(dw, o * taps, dense, (o * ch + o) * taps, taps);
                        }
                        dst.assign(Nd4j.createFromArray(dense).reshape(dst.shape()));
                    } else {
                        dst.assign(w);
                    }
                } else {
                    INDArray src = supernet.getLayer(name).getParam(e.getKey());
                    if (src == null) {
                        throw new AssertionError("the supernet has no " + name + "_" + e.getKey() + "; it has "
                                + supernet.getLayer(name).paramTable().keySet());
                    }
                    dst.assign(src);
                }
            }
        }
    }

    private static void assertSameActivations(ComputationGraph supernet, ComputationGraph retrain, INDArray x,
                                              List<String> vertices) {
        Map<String, INDArray> s = supernet.feedForward(new INDArray[]{x}, false);
        Map<String, INDArray> r = retrain.feedForward(new INDArray[]{x}, false);
        for (String v : vertices) {
            INDArray a = s.get(v);
            INDArray c = r.get(v);
            assertArrayEquals(a.shape(), c.shape(), v);
            double scale = a.amaxNumber().doubleValue();
            assertTrue(scale > 1e-6, v + " is all zeros");
            assertEquals(0.0, a.sub(c).amaxNumber().doubleValue() / scale, 1e-9, v);
        }
    }

    private static INDArray gaussian(long seed, long... shape) {
        java.util.Random r = new java.util.Random(seed);
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, r.nextGaussian());
        }
        return a;
    }

    @Test
    void twoDimensionalWrnRetrainsExactlyWhatItSearchedStrideTwoBlocksAndShortcutsIncluded() {
        SearchSpace space = SearchSpace.of(new int[]{3, 5}, new int[]{1, 2});
        WideResNet wrn = new WideResNet(2, 11, 9, 3, 1, Backbone.HeadSpec.classes());
        ComputationGraph supernet = new ComputationGraph(wrn.graph(base(), wrn.supernetConvs(space, Strategy.FFT, false, 1), 0));
        supernet.init();
        Architecture arch = oneHot(supernet, wrn, space, 3);
        ComputationGraph retrain = new ComputationGraph(wrn.graph(base(), wrn.retrainConvs(arch), 0));
        retrain.init();
        copyWeights(supernet, retrain, wrn, arch, space);
        List<String> vertices = new ArrayList<>(wrn.slots().stream().map(ConvSlot::name).toList());
        vertices.addAll(List.of("s2b1shortcut", "s3b1shortcut", "s2b1add", "s3b1add", "s3b2add", "out"));
        assertSameActivations(supernet, retrain, gaussian(5, 2, 2, 11, 9), vertices);
        assertArrayEquals(new long[]{2, 64, 3, 3}, supernet.feedForward(gaussian(5, 2, 2, 11, 9), false).get("s3b2add").shape(),
                "11×9 → 6×5 → 3×3 over the two stride-2 stages");
    }

    /** The 1D retrain convolutions, but centred as the search's: the reference's only geometric change is causality. */
    private static ConvFactory centred(Architecture arch) {
        return slot -> {
            LayerChoice c = arch.get(slot.name());
            return Conv.builder().dims(1).kernel(c.kernel()).dilation(c.dilation()).padding(ConvGeometry.Padding.SAME)
                    .nIn(slot.inChannels()).nOut(slot.outChannels()).build();
        };
    }

    @Test
    void oneDimensionalResNetRetrainsWhatItSearchedUpToCausality() {
        SearchSpace space = SearchSpace.of(new int[]{3, 5, 7}, new int[]{1, 3});
        ResNet1D r = new ResNet1D(2, 40, 3, 4, new Backbone.HeadSpec(OutputKind.CLASSES, Loss.CE, 1));
        ComputationGraph supernet = new ComputationGraph(r.graph(base(), r.supernetConvs(space, Strategy.FFT, false, 1), 0));
        supernet.init();
        Architecture arch = oneHot(supernet, r, space, 9);
        ComputationGraph retrain = new ComputationGraph(r.graph(base(), centred(arch), 0));
        retrain.init();
        copyWeights(supernet, retrain, r, arch, space);
        List<String> vertices = new ArrayList<>(r.slots().stream().map(ConvSlot::name).toList());
        vertices.addAll(List.of("b1shortcut", "b2shortcut", "b1add", "b2add", "out"));
        assertSameActivations(supernet, retrain, gaussian(4, 3, 2, 40, 1), vertices);
    }

    @Test
    void theCausalRetrainConvolutionIsTheCentredOneShiftedByHalfItsExtent() {
        SearchSpace space = SearchSpace.of(new int[]{5}, new int[]{3});
        ResNet1D r = new ResNet1D(1, 30, 2, 4, Backbone.HeadSpec.classes());
        Architecture arch = new Architecture(r.slots().stream().map(s -> new LayerChoice(s.name(), 5, 3)).toList());
        ComputationGraph causal = new ComputationGraph(r.graph(base(), r.retrainConvs(arch), 0));
        causal.init();
        ComputationGraph centredNet = new ComputationGraph(r.graph(base(), centred(arch), 0));
        centredNet.init();
        centredNet.params().assign(causal.params());
        INDArray x = gaussian(6, 2, 1, 30, 1);
        INDArray yc = causal.feedForward(new INDArray[]{x}, false).get("b1c1");
        INDArray ys = centredNet.feedForward(new INDArray[]{x}, false).get("b1c1");
        int shift = 3 * (5 - 1) / 2;
        INDArray a = yc.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(shift, 30), NDArrayIndex.all());
        INDArray b = ys.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 30 - shift), NDArrayIndex.all());
        assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 1e-12);
        assertTrue(space.size() == 1);
    }
}
