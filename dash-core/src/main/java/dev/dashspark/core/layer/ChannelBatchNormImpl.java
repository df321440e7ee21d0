package dev.dashspark.core.layer;

import dev.dashspark.core.util.Arrays2;
import dev.dashspark.core.util.Parallel;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static dev.dashspark.core.layer.ChannelBatchNormParamInitializer.BETA;
import static dev.dashspark.core.layer.ChannelBatchNormParamInitializer.GAMMA;
import static dev.dashspark.core.layer.ChannelBatchNormParamInitializer.MEAN;
import static dev.dashspark.core.layer.ChannelBatchNormParamInitializer.VAR;

/** Implementation of {@link ChannelBatchNorm} on Java arrays, parallel over channels. */
public class ChannelBatchNormImpl extends BaseLayer<ChannelBatchNorm> {
    private static final long serialVersionUID = 1L;

    /** Saved by a training forward pass for backward: normalised input, batch statistics. */
    private transient double[] xhat;
    private transient double[] batchMean;
    private transient double[] batchVar;
    private transient double[] invStd;

    public ChannelBatchNormImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.NORMALIZATION;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return !ChannelBatchNormParamInitializer.isStatistic(paramName);
    }

    private double[] param(String key) {
        return Arrays2.toDouble(getParam(key));
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, mgr);
        if (input.rank() < 3 || input.size(1) != layerConf().getNOut()) {
            throw new DL4JInvalidInputException("ChannelBatchNorm " + layerId() + ": expected [B, " + layerConf().getNOut()
                    + ", ...] input, got " + java.util.Arrays.toString(input.shape()));
        }
        int batch = (int) input.size(0);
        int channels = (int) input.size(1);
        int plane = (int) (input.length() / batch / channels);
        double[] x = Arrays2.toDouble(input);
        double[] gamma = param(GAMMA);
        double[] beta = param(BETA);
        double[] y = new double[x.length];
        double eps = layerConf().getEps();
        if (training) {
            double[] xh = new double[x.length];
            double[] mean = new double[channels];
            double[] var = new double[channels];
            double[] inv = new double[channels];
            int n = batch * plane;
            Parallel.forRange(channels, c -> {
                double s = 0;
                for (int b = 0; b < batch; b++) {
                    int base = (b * channels + c) * plane;
                    for (int j = 0; j < plane; j++) {
                        s += x[base + j];
                    }
                }
                double m = s / n;
                double ss = 0;
                for (int b = 0; b < batch; b++) {
                    int base = (b * channels + c) * plane;
                    for (int j = 0; j < plane; j++) {
                        double d = x[base + j] - m;
                        ss += d * d;
                    }
                }
                double v = ss / n;
                double is = 1.0 / Math.sqrt(v + eps);
                for (int b = 0; b < batch; b++) {
                    int base = (b * channels + c) * plane;
                    for (int j = 0; j < plane; j++) {
                        double h = (x[base + j] - m) * is;
                        xh[base + j] = h;
                        y[base + j] = gamma[c] * h + beta[c];
                    }
                }
                mean[c] = m;
                var[c] = v;
                inv[c] = is;
            });
            xhat = xh;
            batchMean = mean;
            batchVar = var;
            invStd = inv;
        } else {
            double[] mean = param(MEAN);
            double[] var = param(VAR);
            Parallel.forRange(channels, c -> {
                double is = 1.0 / Math.sqrt(var[c] + eps);
                for (int b = 0; b < batch; b++) {
                    int base = (b * channels + c) * plane;
                    for (int j = 0; j < plane; j++) {
                        y[base + j] = gamma[c] * (x[base + j] - mean[c]) * is + beta[c];
                    }
                }
            });
        }
        return toWorkspace(mgr, ArrayType.ACTIVATIONS, y, input.shape());
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        if (xhat == null) {
            activate(true, LayerWorkspaceMgr.noWorkspaces());
        }
        int batch = (int) input.size(0);
        int channels = (int) input.size(1);
        int plane = (int) (input.length() / batch / channels);
        int n = batch * plane;
        double[] dy = Arrays2.toDouble(epsilon);
        double[] gamma = param(GAMMA);
        double[] dx = new double[dy.length];
        double[] dGamma = new double[channels];
        double[] dBeta = new double[channels];
        double[] xh = xhat;
        Parallel.forRange(channels, c -> {
            double sumDy = 0;
            double sumDyXh = 0;
            for (int b = 0; b < batch; b++) {
                int base = (b * channels + c) * plane;
                for (int j = 0; j < plane; j++) {
                    sumDy += dy[base + j];
                    sumDyXh += dy[base + j] * xh[base + j];
                }
            }
            double k = gamma[c] * invStd[c] / n;
            for (int b = 0; b < batch; b++) {
                int base = (b * channels + c) * plane;
                for (int j = 0; j < plane; j++) {
                    dx[base + j] = k * (n * dy[base + j] - sumDy - xh[base + j] * sumDyXh);
                }
            }
            dGamma[c] = sumDyXh;
            dBeta[c] = sumDy;
        });
        double momentum = layerConf().getMomentum();
        double[] runMean = param(MEAN);
        double[] runVar = param(VAR);
        double[] dMean = new double[channels];
        double[] dVar = new double[channels];
        double unbias = n > 1 ? (double) n / (n - 1) : 1.0;
        for (int c = 0; c < channels; c++) {
            // the NoOp updater subtracts the "gradient": old − new moves the statistic to its new value
            dMean[c] = momentum * (runMean[c] - batchMean[c]);
            dVar[c] = momentum * (runVar[c] - batchVar[c] * unbias);
        }
        Gradient g = new DefaultGradient();
        put(g, GAMMA, dGamma);
        put(g, BETA, dBeta);
        put(g, MEAN, dMean);
        put(g, VAR, dVar);
        xhat = null;
        INDArray eps = toWorkspace(mgr, ArrayType.ACTIVATION_GRAD, dx, input.shape());
        return new Pair<>(g, backpropDropOutIfPresent(eps));
    }

    private void put(Gradient g, String key, double[] values) {
        INDArray view = gradientViews.get(key);
        view.assign(Nd4j.createFromArray(values).castTo(view.dataType()));
        g.setGradientFor(key, view);
    }

    private INDArray toWorkspace(LayerWorkspaceMgr mgr, ArrayType type, double[] values, long[] shape) {
        INDArray out = mgr.createUninitialized(type, dataType, shape, 'c');
        Arrays2.copyInto(values, out);
        return out;
    }
}
