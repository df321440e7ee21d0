package dev.dashspark.core.bench;

import dev.dashspark.core.conv.ConvGeometry;
import dev.dashspark.core.layer.ChannelBatchNorm;
import dev.dashspark.core.layer.Conv;
import dev.dashspark.core.layer.PointwiseConv;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The same network on DL4J's stock layers, for comparison: every {@link Conv} becomes a {@link ConvolutionLayer}
 * with the same kernel, dilation and stride ({@code ConvolutionMode.Same}: the same output shape and the same work
 * as the causal or symmetric padding it replaces), every {@link PointwiseConv} a 1×1 ConvolutionLayer, every
 * {@link ChannelBatchNorm} a {@link BatchNormalization} (followed by a ReLU {@link ActivationLayer} where it fused
 * one). Derived from the built configuration, so the two networks cannot drift apart; the parameter counts are
 * equal.
 */
final class StockLayers {
    private StockLayers() {
    }

    static ComputationGraphConfiguration twin(ComputationGraphConfiguration conf) {
        ComputationGraphConfiguration c = conf.clone();
        Map<String, GraphVertex> vertices = c.getVertices();
        Map<String, List<String>> inputs = c.getVertexInputs();
        for (String name : new ArrayList<>(vertices.keySet())) {
            if (!(vertices.get(name) instanceof LayerVertex lv)) {
                continue;
            }
            Layer layer = lv.getLayerConf().getLayer();
            if (layer instanceof Conv cv) {
                vertices.put(name, vertex(lv, name, copySettings(cv, convolution(cv.geometry(), cv.isHasBias()))));
            } else if (layer instanceof PointwiseConv pc) {
                ConvGeometry g = new ConvGeometry(2, (int) pc.getNIn(), (int) pc.getNOut(), 1, 1, 1,
                        ConvGeometry.Padding.SAME, false);
                vertices.put(name, vertex(lv, name, copySettings(pc, convolution(g, pc.isHasBias()))));
            } else if (layer instanceof ChannelBatchNorm bn) {
                BatchNormalization stock = new BatchNormalization.Builder().nIn(bn.getNIn()).nOut(bn.getNOut())
                        .eps(bn.getEps()).decay(1 - bn.getMomentum())
                        .gradientNormalization(GradientNormalization.None).build();
                copySettings(bn, stock);
                if (!bn.isRelu()) {
                    vertices.put(name, vertex(lv, name, stock));
                    continue;
                }
                String normalised = name + "-bn";
                vertices.put(normalised, vertex(lv, normalised, stock));
                inputs.put(normalised, inputs.get(name));
                ActivationLayer relu = new ActivationLayer.Builder().activation(Activation.RELU).build();
                vertices.put(name, vertex(lv, name, relu));
                inputs.put(name, List.of(normalised));
            }
        }
        return c;
    }

    private static ConvolutionLayer convolution(ConvGeometry g, boolean bias) {
        if (g.depthwise()) {
            throw new IllegalArgumentException("stock twin: depthwise convolutions are not supported, got " + g);
        }
        boolean two = g.dims() == 2;
        return new ConvolutionLayer.Builder(new int[]{g.kernel(), two ? g.kernel() : 1},
                new int[]{g.stride(), two ? g.stride() : 1})
                .dilation(g.dilation(), two ? g.dilation() : 1).convolutionMode(ConvolutionMode.Same)
                .nIn(g.inChannels()).nOut(g.outChannels()).hasBias(bias).activation(Activation.IDENTITY)
                .weightInit(WeightInit.RELU).biasInit(0.0).gradientNormalization(GradientNormalization.None).build();
    }

    /**
     * The updater, regularization and dropout the original layer got from the network's global settings (a layer
     * added here bypasses the graph builder, which fills those in, so its other defaults are set where it is built).
     */
    private static <L extends BaseLayer> L copySettings(BaseLayer from, L to) {
        to.setIUpdater(from.getIUpdater());
        to.setBiasUpdater(from.getBiasUpdater());
        to.setRegularization(from.getRegularization());
        to.setRegularizationBias(from.getRegularizationBias());
        to.setIDropout(from.getIDropout());
        return to;
    }

    /** A vertex for {@code layer} named {@code name}, with the original's global configuration and preprocessor. */
    private static LayerVertex vertex(LayerVertex original, String name, Layer layer) {
        layer.setLayerName(name);
        NeuralNetConfiguration nn = original.getLayerConf().clone();
        nn.clearVariables();
        nn.setLayer(layer);
        return new LayerVertex(nn, original.getPreProcessor());
    }
}
