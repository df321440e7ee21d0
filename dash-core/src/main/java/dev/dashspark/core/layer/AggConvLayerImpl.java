package dev.dashspark.core.layer;

import dev.dashspark.core.aggconv.AggConv;
import dev.dashspark.core.aggconv.AggConvSpec;
import dev.dashspark.core.aggconv.Mixing;
import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.util.WorkCounter;
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
import java.util.SplittableRandom;

/**
 * The DL4J implementation of {@link AggConvLayer}. All operator work runs outside DL4J's workspaces (the FFT
 * strategy keeps its state in Java arrays); only the returned activations and input gradients are placed in the
 * workspaces DL4J asks for. Gradients are written in place into the layer's gradient views (minibatch sums; DL4J's
 * updater divides by the batch size).
 *
 * <p>Gumbel noise: when the configuration enables it, every forward pass draws fresh noise from a generator seeded by
 * the configured noise seed and the layer index, so a run is reproducible.
 */
public class AggConvLayerImpl extends BaseLayer<AggConvLayer> {
    private static final long serialVersionUID = 1L;

    private transient AggConv op;
    private transient SplittableRandom noise;
    private transient AggConv.Pass lastPass;
    private transient double[] lastC;

    public AggConvLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private AggConv op() {
        if (op == null) {
            AggConvLayer c = layerConf();
            op = new AggConv(c.spec(), Strategy.parse(c.getStrategy()));
        }
        return op;
    }

    private SplittableRandom noise() {
        if (noise == null) {
            noise = new SplittableRandom(layerConf().getNoiseSeed() * 1_000_003L + getIndex());
        }
        return noise;
    }

    /**
     * Restarts the Gumbel noise from {@code seed} (the trial reseeds every AggConv layer at the start of each epoch,
     * so that a run resumed at an epoch draws the same noise as an uninterrupted one).
     */
    public void reseedNoise(long seed) {
        noise = new SplittableRandom(seed);
    }

    /** Current architecture logits α. */
    public double[] alpha() {
        return getParam(AggConvParamInitializer.ALPHA).castTo(DataType.DOUBLE).dup().toDoubleVector();
    }

    /** Mixing coefficients of the last forward pass (null before the first). */
    public double[] lastMixingCoefficients() {
        return lastC == null ? null : lastC.clone();
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        long t0 = System.nanoTime();
        assertInputSet(false);
        applyDropOutIfNecessary(training, mgr);
        AggConvSpec spec = op().spec();
        INDArray in = input.castTo(dataType);
        checkInput(in, spec);
        double[] alpha = alpha();
        double[] c = layerConf().isGumbel() ? Mixing.gumbelSoftmax(alpha, noise()) : Mixing.softmax(alpha);
        long[] outShape = spec.outputShape(operatorView(in, spec).shape());
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                spec.dims() == 1 ? new long[]{outShape[0], outShape[1], outShape[2], 1} : outShape, 'c');
        AggConv.Pass pass;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            // no copy of the input: a training pass is followed by backprop within the same iteration, while the
            // input is alive; the output is written straight into the workspace array
            pass = op().forwardInto(operatorView(in, spec), weights(), bias(), c, operatorView(out, spec), training);
        }
        lastC = c;
        lastPass = training ? pass : null;
        WorkCounter.aggConvNanos(System.nanoTime() - t0);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        long t0 = System.nanoTime();
        assertInputSet(true);
        AggConvSpec spec = op().spec();
        INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
        AggConv.Gradients g;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            AggConv.Pass pass = lastPass;
            if (pass == null) {
                double[] c = lastC != null ? lastC : Mixing.softmax(alpha());
                pass = op().forward(operatorView(input.castTo(dataType), spec), weights(), bias(), c, true);
            }
            g = op().backwardInto(pass, operatorView(epsilon.castTo(dataType), spec), operatorView(epsOut, spec));
        }
        lastPass = null;
        Gradient out = new DefaultGradient();
        for (int i = 0; i < g.weights().length; i++) {
            String key = AggConvParamInitializer.weightKey(i);
            INDArray view = gradientViews.get(key);
            view.assign(g.weights()[i].castTo(view.dataType()));
            out.setGradientFor(key, view);
        }
        INDArray alphaView = gradientViews.get(AggConvParamInitializer.ALPHA);
        alphaView.assign(Nd4j.createFromArray(g.alpha()).castTo(alphaView.dataType()).reshape(alphaView.shape()));
        out.setGradientFor(AggConvParamInitializer.ALPHA, alphaView);
        if (layerConf().isHasBias()) {
            INDArray biasView = gradientViews.get(AggConvParamInitializer.BIAS);
            biasView.assign(g.bias().castTo(biasView.dataType()).reshape(biasView.shape()));
            out.setGradientFor(AggConvParamInitializer.BIAS, biasView);
        }
        epsOut = backpropDropOutIfPresent(epsOut); // the strategy wrote dL/dx into epsOut
        WorkCounter.aggConvNanos(System.nanoTime() - t0);
        return new Pair<>(out, epsOut);
    }

    /** [B, C, L, 1] → (B, C, L) in 1D (a view when c-ordered); 2D input as is. */
    private static INDArray operatorView(INDArray in, AggConvSpec spec) {
        return spec.dims() == 1 ? in.reshape('c', in.size(0), in.size(1), in.size(2)) : in;
    }

    private INDArray[] weights() {
        int n = op().spec().space().size();
        INDArray[] w = new INDArray[n];
        for (int i = 0; i < n; i++) {
            w[i] = getParam(AggConvParamInitializer.weightKey(i));
        }
        return w;
    }

    private INDArray bias() {
        return layerConf().isHasBias() ? getParam(AggConvParamInitializer.BIAS) : null;
    }

    private void checkInput(INDArray in, AggConvSpec spec) {
        if (in.rank() != 4 || in.size(1) != spec.inChannels() || (spec.dims() == 1 && in.size(3) != 1)) {
            throw new DL4JInvalidInputException("AggConvLayer " + layerId() + ": expected input [B, " + spec.inChannels()
                    + (spec.dims() == 1 ? ", L, 1]" : ", H, W]") + ", got " + Arrays.toString(in.shape()));
        }
    }
}
