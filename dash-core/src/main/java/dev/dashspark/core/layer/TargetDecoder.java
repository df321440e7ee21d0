package dev.dashspark.core.layer;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
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
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a dense head's normalised outputs, per position: {@code y[b, p] = x[b, p]·scale[p] + shift[p]} over the
 * flattened (channel, position) index p of an NCHW activation. The reference trains Darcy on targets standardised
 * per position and compares decoded outputs with decoded targets; ending the network with this layer computes that
 * loss on the raw targets, with the same gradients (docs/algorithm.md, "Dense targets").
 *
 * <p>Parameters {@code scale} and {@code shift} (n values each, identity until set) are constants of the task: the
 * trial sets them from the training split; they have no updater, no regularization and zero gradients, and travel
 * with the network's parameters (model files, checkpoints).
 */
public class TargetDecoder extends ActivationLayerConfig {
    private static final long serialVersionUID = 1L;
    public static final String SCALE = "scale";
    public static final String SHIFT = "shift";

    /** For Jackson. */
    public TargetDecoder() {
    }

    protected TargetDecoder(Builder b) {
        super(b);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Values per sample: nOut channels × the positions of the input (set from the input type's grid). */
    private long positions = -1;

    public long getPositions() {
        return positions;
    }

    public void setPositions(long positions) {
        this.positions = positions;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        InputType.InputTypeConvolutional c = convolutional(inputType);
        nIn = c.getChannels();
        nOut = c.getChannels();
        positions = c.getChannels() * c.getHeight() * c.getWidth();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return convolutional(inputType);
    }

    @Override
    protected BaseLayer<?> newLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new Impl(conf, dataType);
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return new NoOp();
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return List.of();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TargetDecoder t && super.equals(o) && positions == t.positions;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Long.hashCode(positions);
    }

    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        @Override
        @SuppressWarnings("unchecked")
        public TargetDecoder build() {
            return new TargetDecoder(this);
        }
    }

    /** Layout: scale (n), then shift (n). */
    static final class Params implements ParamInitializer {
        static final Params INSTANCE = new Params();

        private static long n(org.deeplearning4j.nn.conf.layers.Layer l) {
            long p = ((TargetDecoder) l).positions;
            if (p <= 0) {
                throw new IllegalStateException("TargetDecoder '" + l.getLayerName() + "': positions unknown (no input type)");
            }
            return p;
        }

        @Override
        public long numParams(NeuralNetConfiguration conf) {
            return numParams(conf.getLayer());
        }

        @Override
        public long numParams(org.deeplearning4j.nn.conf.layers.Layer l) {
            return 2 * n(l);
        }

        @Override
        public List<String> paramKeys(org.deeplearning4j.nn.conf.layers.Layer l) {
            return List.of(SCALE, SHIFT);
        }

        @Override
        public List<String> weightKeys(org.deeplearning4j.nn.conf.layers.Layer l) {
            return List.of();
        }

        @Override
        public List<String> biasKeys(org.deeplearning4j.nn.conf.layers.Layer l) {
            return List.of();
        }

        @Override
        public boolean isWeightParam(org.deeplearning4j.nn.conf.layers.Layer l, String key) {
            return false;
        }

        @Override
        public boolean isBiasParam(org.deeplearning4j.nn.conf.layers.Layer l, String key) {
            return false;
        }

        @Override
        public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray view, boolean initialize) {
            Map<String, INDArray> out = getGradientsFromFlattened(conf, view);
            for (String k : out.keySet()) {
                conf.addVariable(k);
            }
            if (initialize) {
                out.get(SCALE).assign(1);
                out.get(SHIFT).assign(0);
            }
            return out;
        }

        @Override
        public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray view) {
            long n = n(conf.getLayer());
            INDArray flat = view.reshape(view.length());
            Map<String, INDArray> out = new LinkedHashMap<>();
            out.put(SCALE, flat.get(NDArrayIndex.interval(0, n)));
            out.put(SHIFT, flat.get(NDArrayIndex.interval(n, 2 * n)));
            return out;
        }
    }

    /** x·scale + shift per (channel, position); dL/dx = dL/dy·scale; the constants get zero gradients. */
    public static class Impl extends BaseLayer<TargetDecoder> {
        private static final long serialVersionUID = 1L;

        public Impl(NeuralNetConfiguration conf, DataType dataType) {
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

        private INDArray flat(INDArray a) {
            return a.reshape('c', a.size(0), a.length() / a.size(0));
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
            assertInputSet(false);
            INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, input.shape(), 'c');
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                INDArray in = input.castTo(dataType).dup('c');
                flat(out).assign(flat(in).mulRowVector(getParam(SCALE)).addiRowVector(getParam(SHIFT)));
            }
            return out;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
            INDArray dx = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, epsilon.shape(), 'c');
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                INDArray eps = epsilon.castTo(dataType).dup('c');
                flat(dx).assign(flat(eps).mulRowVector(getParam(SCALE)));
            }
            Gradient g = new DefaultGradient();
            for (String k : List.of(SCALE, SHIFT)) {
                INDArray v = gradientViews.get(k);
                v.assign(0);
                g.setGradientFor(k, v);
            }
            return new Pair<>(g, dx);
        }
    }
}
