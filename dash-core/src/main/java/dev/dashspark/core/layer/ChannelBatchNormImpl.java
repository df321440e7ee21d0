package dev.dashspark.core.layer;

import dev.dashspark.core.util.Arrays2;
import dev.dashspark.core.util.Flat;
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

    /** Saved by a training forward pass for backward (the input itself stays set on the layer). */
    private transient double[] batchMean;
    private transient double[] batchVar;

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
        Flat x = Flat.readable(input);
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, input.shape(), 'c');
        Flat y = Flat.of(out);
        double[] mean = training ? new double[channels] : param(MEAN);
        double[] var = training ? new double[channels] : param(VAR);
        boolean relu = layerConf().isRelu();
        boolean floats = x.isFloat() && y.isFloat();
        if (training) {
            if (floats) {
                BatchNormFloat.statistics(x, batch, channels, plane, mean, var);
            } else {
                statisticsInDouble(x, batch, channels, plane, mean, var);
            }
        }
        double[][] affine = affine(mean, var);
        if (floats) {
            BatchNormFloat.normalize(x, y, batch, channels, plane, affine[0], affine[1], relu);
        } else {
            normalizeInDouble(x, y, batch, channels, plane, affine[0], affine[1], relu);
        }
        if (training) {
            batchMean = mean;
            batchVar = var;
        }
        return out;
    }

    /** Per channel {scale, offset} of y = x·scale + offset: γ/√(var + eps) and β − mean·scale. */
    private double[][] affine(double[] mean, double[] var) {
        double[] gamma = param(GAMMA);
        double[] beta = param(BETA);
        double eps = layerConf().getEps();
        double[] scale = new double[mean.length];
        double[] offset = new double[mean.length];
        for (int c = 0; c < mean.length; c++) {
            scale[c] = gamma[c] / Math.sqrt(var[c] + eps);
            offset[c] = beta[c] - mean[c] * scale[c];
        }
        return new double[][]{scale, offset};
    }

    /** The statistics of {@link BatchNormFloat#statistics} in double arithmetic (DOUBLE networks). */
    private static void statisticsInDouble(Flat x, int batch, int channels, int plane, double[] mean, double[] var) {
        long n = (long) batch * plane;
        Parallel.forRange(channels, c -> {
            double[] row = new double[plane];
            double shift = x.get(c * plane);
            double s = 0;
            double ss = 0;
            for (int b = 0; b < batch; b++) {
                x.get((b * channels + c) * plane, row);
                for (int j = 0; j < plane; j++) {
                    double d = row[j] - shift;
                    s += d;
                    ss += d * d;
                }
            }
            double m = s / n;
            mean[c] = shift + m;
            var[c] = Math.max(ss / n - m * m, 0.0);
        });
    }

    /** {@link BatchNormFloat#normalize} in double arithmetic. */
    private static void normalizeInDouble(Flat x, Flat y, int batch, int channels, int plane, double[] scale,
                                          double[] offset, boolean relu) {
        Parallel.forRange(channels, c -> {
            double[] row = new double[plane];
            for (int b = 0; b < batch; b++) {
                int base = (b * channels + c) * plane;
                x.get(base, row);
                for (int j = 0; j < plane; j++) {
                    double v = row[j] * scale[c] + offset[c];
                    row[j] = relu && v < 0 ? 0.0 : v;
                }
                y.put(base, row);
            }
        });
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        if (batchMean == null) {
            activate(true, LayerWorkspaceMgr.noWorkspaces());
        }
        int batch = (int) input.size(0);
        int channels = (int) input.size(1);
        int plane = (int) (input.length() / batch / channels);
        int n = batch * plane;
        Flat dy = Flat.readable(epsilon);
        boolean relu = layerConf().isRelu();
        Flat x = Flat.readable(input);
        INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
        Flat dx = Flat.of(epsOut);
        double[] dGamma = new double[channels];
        double[] dBeta = new double[channels];
        double[] gamma = param(GAMMA);
        double[][] affine = affine(batchMean, batchVar);
        if (x.isFloat() && dy.isFloat() && dx.isFloat()) {
            BatchNormFloat.backward(x, dy, dx, batch, channels, plane, batchMean, batchVar, gamma,
                    layerConf().getEps(), affine[0], affine[1], relu, dGamma, dBeta);
        } else {
            backwardInDouble(x, dy, dx, batch, channels, plane, gamma, affine, relu, dGamma, dBeta);
        }
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
        batchMean = null;
        batchVar = null;
        return new Pair<>(g, backpropDropOutIfPresent(epsOut));
    }

    /** {@link BatchNormFloat#backward} in double arithmetic (DOUBLE networks). */
    private void backwardInDouble(Flat x, Flat dy, Flat dx, int batch, int channels, int plane, double[] gamma,
                                  double[][] affine, boolean relu, double[] dGamma, double[] dBeta) {
        double[] mean = batchMean;
        double[] var = batchVar;
        double eps = layerConf().getEps();
        long n = (long) batch * plane;
        Parallel.forRange(channels, c -> {
            double m = mean[c];
            double is = 1.0 / Math.sqrt(var[c] + eps);
            double scale = affine[0][c];
            double offset = affine[1][c];
            double sumDy = 0;
            double sumDyXh = 0;
            double[] xr = new double[plane];
            double[] dr = new double[plane];
            for (int b = 0; b < batch; b++) {
                int base = (b * channels + c) * plane;
                x.get(base, xr);
                dy.get(base, dr);
                for (int j = 0; j < plane; j++) {
                    double d = relu && !(xr[j] * scale + offset > 0) ? 0.0 : dr[j];
                    sumDy += d;
                    sumDyXh += d * (xr[j] - m);
                }
            }
            sumDyXh *= is;
            // dx = γ·is/n · (n·dy − Σdy − x̂·Σ(dy·x̂)), x̂ = (x − m)·is
            double k = gamma[c] * is / n;
            double a = k * n;
            double bx = k * sumDyXh * is;
            double c0 = -k * sumDy + bx * m;
            for (int b = 0; b < batch; b++) {
                int base = (b * channels + c) * plane;
                x.get(base, xr);
                dy.get(base, dr);
                for (int j = 0; j < plane; j++) {
                    double d = relu && !(xr[j] * scale + offset > 0) ? 0.0 : dr[j];
                    dr[j] = a * d - bx * xr[j] + c0;
                }
                dx.put(base, dr);
            }
            dGamma[c] = sumDyXh;
            dBeta[c] = sumDy;
        });
    }

    private void put(Gradient g, String key, double[] values) {
        INDArray view = gradientViews.get(key);
        view.assign(Nd4j.createFromArray(values).castTo(view.dataType()));
        g.setGradientFor(key, view);
    }

}
