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

import static dev.dashspark.core.layer.PointwiseConvParamInitializer.BIAS;
import static dev.dashspark.core.layer.PointwiseConvParamInitializer.WEIGHT;

/**
 * {@link PointwiseConv}: a 1×1 convolution of stride 1, so {@link ConvKernels} on the geometry
 * (nIn → nOut, k = 1): per sample y_b = W·x_b + b with x_b viewed as (nIn, P) for P positions, read and written in
 * place; backward dx_b = Wᵀ·dy_b, dW = Σ_b dy_b·x_bᵀ, db = Σ dy. W (nOut, nIn) is PyTorch's (nOut, nIn, 1, 1).
 */
public class PointwiseConvImpl extends BaseLayer<PointwiseConv> {
    private static final long serialVersionUID = 1L;

    public PointwiseConvImpl(NeuralNetConfiguration conf, DataType dataType) {
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
        PointwiseConv c = layerConf();
        if (in.rank() != 4 || in.size(1) != c.getNIn()) {
            throw new DL4JInvalidInputException("PointwiseConv " + layerId() + ": expected [B, " + c.getNIn()
                    + ", H, W] input, got " + java.util.Arrays.toString(in.shape()));
        }
        return new ConvGeometry(2, (int) c.getNIn(), (int) c.getNOut(), 1, 1, 1, ConvGeometry.Padding.SAME, false);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, mgr);
        INDArray x = input.castTo(dataType);
        ConvGeometry g = geometry(x);
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, g.outputShape(x.shape()), 'c');
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            ConvKernels.forward(g, x, getParam(WEIGHT).reshape(g.weightShape()),
                    layerConf().isHasBias() ? getParam(BIAS) : null, out);
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        INDArray x = input.castTo(dataType);
        ConvGeometry g = geometry(x);
        INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        INDArray dW = gradientViews.get(WEIGHT);
        INDArray dB = layerConf().isHasBias() ? gradientViews.get(BIAS) : null;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            ConvKernels.backward(g, x, getParam(WEIGHT).reshape(g.weightShape()), epsilon.castTo(dataType), epsOut,
                    dW.reshape(g.weightShape()), dB);
        }
        Gradient grad = new DefaultGradient();
        grad.setGradientFor(WEIGHT, dW);
        if (dB != null) {
            grad.setGradientFor(BIAS, dB);
        }
        return new Pair<>(grad, backpropDropOutIfPresent(epsOut));
    }
}
