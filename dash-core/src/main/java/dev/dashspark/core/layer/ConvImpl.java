package dev.dashspark.core.layer;

import dev.dashspark.core.conv.ConvGeometry;
import dev.dashspark.core.conv.ConvKernels;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

import static dev.dashspark.core.layer.ConvParamInitializer.BIAS;
import static dev.dashspark.core.layer.ConvParamInitializer.WEIGHT;

/**
 * The DL4J implementation of {@link Conv}: {@link ConvKernels} on the layer's input, outputs and input gradients
 * written into the workspaces DL4J asks for, parameter gradients (minibatch sums) written in place into the gradient
 * views.
 */
public class ConvImpl extends BaseLayer<Conv> {
    private static final long serialVersionUID = 1L;

    public ConvImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    private ConvGeometry geometry(INDArray in) {
        ConvGeometry g = layerConf().geometry();
        if (in.rank() != 4 || in.size(1) != g.inChannels() || (g.dims() == 1 && in.size(3) != 1)) {
            throw new DL4JInvalidInputException("Conv " + layerId() + ": expected input [B, " + g.inChannels()
                    + (g.dims() == 1 ? ", L, 1]" : ", H, W]") + ", got " + Arrays.toString(in.shape()));
        }
        return g;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, mgr);
        INDArray in = input.castTo(dataType);
        ConvGeometry g = geometry(in);
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, g.outputShape(in.shape()), 'c');
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            ConvKernels.forward(g, in, getParam(WEIGHT), layerConf().isHasBias() ? getParam(BIAS) : null, out);
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        INDArray in = input.castTo(dataType);
        ConvGeometry g = geometry(in);
        INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, in.shape(), 'c');
        INDArray dW = gradientViews.get(WEIGHT);
        INDArray dB = layerConf().isHasBias() ? gradientViews.get(BIAS) : null;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            ConvKernels.backward(g, in, getParam(WEIGHT), epsilon.castTo(dataType), epsOut, dW, dB);
        }
        Gradient grad = new DefaultGradient();
        grad.setGradientFor(WEIGHT, dW);
        if (dB != null) {
            grad.setGradientFor(BIAS, dB);
        }
        return new Pair<>(grad, backpropDropOutIfPresent(epsOut));
    }
}
