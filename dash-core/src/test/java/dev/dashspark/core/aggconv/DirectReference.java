package dev.dashspark.core.aggconv;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Test-only reference for AggConv, written as plain Java loops straight from the formula of {@link AggConvSpec}
 * (no FFT, no ND4J convolution, no {@link Kernels}):
 * <pre>y[b,o,j] = Σ_ci Σ_t W[o,ci,t] · x[b, ci, j·s + d(t − (k−1)/2)]   (x = 0 outside, same on both axes in 2D)</pre>
 * with ci = o and W[o,0,t] when depthwise. Arrays are c-order double[]; 1D is handled as 2D with a height of one
 * and no kernel extent on that axis. Also: its backward, the aggregated version Σ_i c_i·conv_i, and random arrays
 * from a seeded {@link SplittableRandom}.
 */
final class DirectReference {
    private DirectReference() {
    }

    /** Receives one term W[wIdx]·x[xIdx] of y[yIdx]. */
    @FunctionalInterface
    private interface Term {
        void at(int yIdx, int xIdx, int wIdx);
    }

    /** Visits every non-zero term of the single-kernel convolution (kernel size k, dilation d) of spec. */
    private static void terms(AggConvSpec spec, long[] xShape, int k, int d, Term term) {
        boolean two = spec.dims() == 2;
        int batch = (int) xShape[0];
        int cin = spec.inChannels();
        int cout = spec.outChannels();
        int h = two ? (int) xShape[2] : 1;
        int w = (int) xShape[two ? 3 : 2];
        int s = spec.stride();
        int sh = two ? s : 1;
        int ho = (h + sh - 1) / sh;
        int wo = (w + s - 1) / s;
        int ka = two ? k : 1;
        int half = (k - 1) / 2;
        int g = spec.depthwise() ? 1 : cin;
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < cout; o++) {
                for (int jh = 0; jh < ho; jh++) {
                    for (int jw = 0; jw < wo; jw++) {
                        int yIdx = ((b * cout + o) * ho + jh) * wo + jw;
                        for (int gi = 0; gi < g; gi++) {
                            int ci = spec.depthwise() ? o : gi;
                            for (int ta = 0; ta < ka; ta++) {
                                int ih = two ? jh * sh + d * (ta - half) : 0;
                                if (ih < 0 || ih >= h) {
                                    continue;
                                }
                                for (int tb = 0; tb < k; tb++) {
                                    int iw = jw * s + d * (tb - half);
                                    if (iw < 0 || iw >= w) {
                                        continue;
                                    }
                                    int xIdx = ((b * cin + ci) * h + ih) * w + iw;
                                    int wIdx = ((o * g + gi) * ka + ta) * k + tb;
                                    term.at(yIdx, xIdx, wIdx);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Output length of y for an input of shape xShape (c-order product of spec.outputShape). */
    static int outputLength(AggConvSpec spec, long[] xShape) {
        long n = 1;
        for (long v : spec.outputShape(xShape)) {
            n *= v;
        }
        return (int) n;
    }

    /** y = conv(x, W, dilation d, "same" padding d(k−1)/2, stride s): one candidate, no mixing. */
    static double[] conv(AggConvSpec spec, long[] xShape, double[] x, int k, int d, double[] w) {
        double[] y = new double[outputLength(spec, xShape)];
        terms(spec, xShape, k, d, (yi, xi, wi) -> y[yi] += w[wi] * x[xi]);
        return y;
    }

    /** {dL/dx, dL/dW} of L = Σ dy·conv(x, W) for one candidate. */
    static double[][] convBackward(AggConvSpec spec, long[] xShape, double[] x, int k, int d, double[] w, double[] dy) {
        double[] dx = new double[x.length];
        double[] dw = new double[w.length];
        terms(spec, xShape, k, d, (yi, xi, wi) -> {
            dx[xi] += w[wi] * dy[yi];
            dw[wi] += x[xi] * dy[yi];
        });
        return new double[][]{dx, dw};
    }

    /** y = Σ_i c_i · conv(x, W_i, k_i, d_i) over the candidates of spec's search space (kernel-major). */
    static double[] mixed(AggConvSpec spec, long[] xShape, double[] x, double[][] w, double[] c) {
        SearchSpace space = spec.space();
        double[] y = new double[outputLength(spec, xShape)];
        for (int i = 0; i < space.size(); i++) {
            double[] yi = conv(spec, xShape, x, space.kernel(i), space.dilation(i), w[i]);
            for (int j = 0; j < y.length; j++) {
                y[j] += c[i] * yi[j];
            }
        }
        return y;
    }

    /** Gradients of L = Σ dy·mixed(x, W, c): dx, dW_i = c_i·dconv_i/dW, dc_i = ⟨dy, conv_i(x)⟩. */
    record MixedGradients(double[] dx, double[][] dw, double[] dc) {
    }

    static MixedGradients mixedBackward(AggConvSpec spec, long[] xShape, double[] x, double[][] w, double[] c, double[] dy) {
        SearchSpace space = spec.space();
        int n = space.size();
        double[] dx = new double[x.length];
        double[][] dw = new double[n][];
        double[] dc = new double[n];
        for (int i = 0; i < n; i++) {
            int k = space.kernel(i);
            int d = space.dilation(i);
            double[][] g = convBackward(spec, xShape, x, k, d, w[i], dy);
            for (int j = 0; j < dx.length; j++) {
                dx[j] += c[i] * g[0][j];
            }
            dw[i] = new double[w[i].length];
            for (int j = 0; j < dw[i].length; j++) {
                dw[i][j] = c[i] * g[1][j];
            }
            dc[i] = dot(dy, conv(spec, xShape, x, k, d, w[i]));
        }
        return new MixedGradients(dx, dw, dc);
    }

    /**
     * A random problem for a spec (x, the weights, c on the simplex, a bias and dy, drawn in that order) and what
     * every strategy must give for it, from the loops: y with the bias, the gradients and dbias.
     */
    record Problem(long[] xShape, long[] yShape, double[] x, double[][] w, double[] c, double[] bias, double[] dy,
                   double[] y, MixedGradients grads, double[] dBias) {
        static Problem random(AggConvSpec spec, long[] xShape, SplittableRandom rng, DataType type) {
            long[] yShape = spec.outputShape(xShape);
            double[] x = normal(rng, length(xShape), type);
            double[][] w = weights(rng, spec, type);
            double[] bias = normal(rng, spec.outChannels(), type);
            double[] dy = normal(rng, length(yShape), type);
            double[] c = simplex(rng, spec.space().size());
            double[] y = mixed(spec, xShape, x, w, c);
            int plane = length(yShape) / (int) (yShape[0] * yShape[1]);
            for (int j = 0; j < y.length; j++) {
                y[j] += bias[(j / plane) % spec.outChannels()];
            }
            return new Problem(xShape, yShape, x, w, c, bias, dy, y, mixedBackward(spec, xShape, x, w, c, dy),
                    biasGradient(spec, yShape, dy));
        }
    }

    /** dL/dα for c = softmax(α): c ⊙ (dc − ⟨c, dc⟩), written out independently of {@link Mixing}. */
    static double[] softmaxGradient(double[] c, double[] dc) {
        double mean = dot(c, dc);
        double[] out = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            out[i] = c[i] * (dc[i] - mean);
        }
        return out;
    }

    /** Σ over batch and spatial positions of dy, per output channel: dL/dbias. */
    static double[] biasGradient(AggConvSpec spec, long[] yShape, double[] dy) {
        int cout = (int) yShape[1];
        int plane = 1;
        for (int a = 2; a < yShape.length; a++) {
            plane *= (int) yShape[a];
        }
        double[] out = new double[cout];
        for (int j = 0; j < dy.length; j++) {
            out[(j / plane) % cout] += dy[j];
        }
        return out;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    // ---------------------------------------------------------------- random data and arrays

    /**
     * n standard normal values; when {@code type} is FLOAT they are rounded to float first, so that the reference
     * sees exactly the values the operator gets.
     */
    static double[] normal(SplittableRandom rng, int n, DataType type) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double u1 = 1.0 - rng.nextDouble();
            double u2 = rng.nextDouble();
            double z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
            v[i] = type == DataType.FLOAT ? (float) z : z;
        }
        return v;
    }

    static double[] normal(SplittableRandom rng, int n) {
        return normal(rng, n, DataType.DOUBLE);
    }

    /** n positive values summing to 1 (Dirichlet(1,…,1): normalised exponentials). */
    static double[] simplex(SplittableRandom rng, int n) {
        double[] c = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            c[i] = -Math.log(1.0 - rng.nextDouble()) + 1e-3;
            sum += c[i];
        }
        for (int i = 0; i < n; i++) {
            c[i] /= sum;
        }
        return c;
    }

    /** An INDArray of the given type and shape holding {@code values} (c order). */
    static INDArray array(double[] values, DataType type, long... shape) {
        INDArray a = Nd4j.createFromArray(values.clone()).reshape('c', shape);
        return type == DataType.DOUBLE ? a : a.castTo(type);
    }

    static int length(long[] shape) {
        long n = 1;
        for (long v : shape) {
            n *= v;
        }
        return (int) n;
    }

    /** Random weights of every candidate of spec, shapes {@link AggConvSpec#weightShape(int)}. */
    static double[][] weights(SplittableRandom rng, AggConvSpec spec, DataType type) {
        double[][] w = new double[spec.space().size()][];
        for (int i = 0; i < w.length; i++) {
            w[i] = normal(rng, (int) spec.weightLength(i), type);
        }
        return w;
    }

    static INDArray[] weightArrays(AggConvSpec spec, double[][] w, DataType type) {
        INDArray[] out = new INDArray[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = array(w[i], type, spec.weightShape(i));
        }
        return out;
    }

    /** Input shape (B, Cin, N) or (B, Cin, H, W) of spec; {@code h} is ignored in 1D. */
    static long[] inputShape(AggConvSpec spec, int batch, int h, int w) {
        return spec.dims() == 1 ? new long[]{batch, spec.inChannels(), w} : new long[]{batch, spec.inChannels(), h, w};
    }
}
