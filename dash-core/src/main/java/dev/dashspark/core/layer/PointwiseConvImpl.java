package dev.dashspark.core.layer;

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
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

import static dev.dashspark.core.layer.PointwiseConvParamInitializer.BIAS;
import static dev.dashspark.core.layer.PointwiseConvParamInitializer.WEIGHT;

/**
 * {@link PointwiseConv}: with x viewed as (B, nIn, P) for P spatial positions, y = W·x_b per batch element, as one
 * batched matrix product of the broadcast W (B, nOut, nIn) with x; backward dx = Wᵀ·dy, dW = Σ_b dy_b·x_bᵀ.
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

    private long[] flatShape(INDArray a, long channels) {
        return new long[]{a.size(0), channels, a.length() / a.size(0) / channels};
    }

    private INDArray broadcastWeight(long batch) {
        INDArray w = getParam(WEIGHT);
        return w.reshape(1, w.size(0), w.size(1)).repeat(0, batch);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, mgr);
        PointwiseConv c = layerConf();
        if (input.rank() != 4 || input.size(1) != c.getNIn()) {
            throw new DL4JInvalidInputException("PointwiseConv " + layerId() + ": expected [B, " + c.getNIn()
                    + ", H, W] input, got " + java.util.Arrays.toString(input.shape()));
        }
        INDArray x = input.castTo(dataType).dup('c').reshape('c', flatShape(input, c.getNIn()));
        long[] outShape = {input.size(0), c.getNOut(), input.size(2), input.size(3)};
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, outShape, 'c');
        INDArray out3 = out.reshape('c', flatShape(out, c.getNOut()));
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            Nd4j.matmul(broadcastWeight(x.size(0)), x, out3, false, false, false);
            if (c.isHasBias()) {
                Nd4j.getExecutioner().exec(new BroadcastAddOp(out3, getParam(BIAS).reshape(-1), out3, 1));
            }
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        PointwiseConv c = layerConf();
        INDArray x = input.castTo(dataType).dup('c').reshape('c', flatShape(input, c.getNIn()));
        INDArray dy = epsilon.castTo(dataType).dup('c').reshape('c', flatShape(epsilon, c.getNOut()));
        INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
        INDArray dx3 = epsOut.reshape('c', flatShape(epsOut, c.getNIn()));
        Gradient g = new DefaultGradient();
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            Nd4j.matmul(broadcastWeight(x.size(0)), dy, dx3, true, false, false);
            INDArray dW = Nd4j.matmul(dy, x, false, true, false).sum(0);
            INDArray wView = gradientViews.get(WEIGHT);
            wView.assign(dW);
            g.setGradientFor(WEIGHT, wView);
            if (c.isHasBias()) {
                INDArray bView = gradientViews.get(BIAS);
                bView.assign(dy.sum(0, 2).reshape(bView.shape()));
                g.setGradientFor(BIAS, bView);
            }
        }
        return new Pair<>(g, backpropDropOutIfPresent(epsOut));
    }
}
