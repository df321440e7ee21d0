package dev.dashspark.core.aggconv;

import dev.dashspark.core.util.Flat;
import dev.dashspark.core.util.Parallel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Direct (spatial-domain) cross-correlation, the engine of the mixed-results and mixed-weights strategies, in double
 * precision on the dash-core threads. 1D runs as 2D with a height of one. Weights are in PyTorch layout
 * {@code (O, G, kh, kw)}; padding is explicit and symmetric; depthwise means groups = channels.
 * <pre>y[b,o,i,j] = Σ_g Σ_a Σ_t W[o,g,a,t] · x[b, c(o,g), i·sh + dh·a − ph, j·sw + dw·t − pw]   (x = 0 outside)</pre>
 * with c(o,g) = g for dense layers and c(o,0) = o for depthwise ones. Output extent per axis:
 * {@code ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1}.
 *
 * <p>No im2col buffer: memory is the input, the output and one row per thread, whatever the kernel extent (ND4J's
 * im2col would need B·C·S·N values, 29 GB for the speed test's S = 1779). The innermost loops run along output
 * rows, so they vectorise for stride 1. The forward pass skips taps whose weight is exactly zero (the mixed kernel
 * of mixed-weights is mostly zeros between dilated taps); backward visits every tap, since dW is needed there.
 */
final class DirectConv {
    private DirectConv() {
    }

    /** Geometry of one direct convolution: kernel, stride, padding and dilation per axis (height, width). */
    record Geometry(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw) {
        int out(int n, int k, int s, int p, int d) {
            return (n + 2 * p - d * (k - 1) - 1) / s + 1;
        }
    }

    /** Shapes of one call, with 1D inputs seen as height 1. */
    private record Dims(int batch, int cin, int cout, int h, int w, int oh, int ow, int groupChannels) {
        static Dims of(long[] x4, int cout, boolean depthwise, Geometry g) {
            int h = (int) x4[2];
            int w = (int) x4[3];
            return new Dims((int) x4[0], (int) x4[1], cout, h, w, g.out(h, g.kh(), g.sh(), g.ph(), g.dh()),
                    g.out(w, g.kw(), g.sw(), g.pw(), g.dw()), depthwise ? 1 : (int) x4[1]);
        }

        int inPlane() {
            return h * w;
        }

        int outPlane() {
            return oh * ow;
        }

        /** Input channel of (output channel o, group channel gc). */
        int channel(boolean depthwise, int o, int gc) {
            return depthwise ? o : gc;
        }
    }

    /** Range [lo, hi) of output columns j whose input column j·s + off lies in [0, n). */
    private static int lo(int off, int s) {
        return off >= 0 ? 0 : (-off + s - 1) / s;
    }

    private static int hi(int off, int s, int n, int outN) {
        return Math.min(outN, off >= n ? 0 : (n - 1 - off) / s + 1);
    }

    /** y = x ⋆ W, as a new array of x's type, shape (B, O, oh, ow). */
    static INDArray forward(INDArray x4, double[] w, int cout, boolean depthwise, Geometry g) {
        Dims d = Dims.of(x4.shape(), cout, depthwise, g);
        Flat x = Flat.readable(x4);
        INDArray yArr = Nd4j.createUninitialized(floating(x4.dataType()), new long[]{d.batch(), cout, d.oh(), d.ow()}, 'c');
        Flat y = Flat.of(yArr);
        Parallel.forRange(d.batch(), b -> {
            double[] xb = new double[d.cin() * d.inPlane()];
            x.get(b * xb.length, xb);
            double[] acc = new double[d.outPlane()];
            for (int o = 0; o < cout; o++) {
                java.util.Arrays.fill(acc, 0.0);
                for (int gc = 0; gc < d.groupChannels(); gc++) {
                    int xOff = d.channel(depthwise, o, gc) * d.inPlane();
                    int wOff = (o * d.groupChannels() + gc) * g.kh() * g.kw();
                    for (int a = 0; a < g.kh(); a++) {
                        for (int t = 0; t < g.kw(); t++) {
                            double wv = w[wOff + a * g.kw() + t];
                            if (wv == 0.0) {
                                continue;
                            }
                            int colOff = g.dw() * t - g.pw();
                            int j0 = lo(colOff, g.sw());
                            int j1 = hi(colOff, g.sw(), d.w(), d.ow());
                            for (int i = 0; i < d.oh(); i++) {
                                int r = i * g.sh() + g.dh() * a - g.ph();
                                if (r < 0 || r >= d.h()) {
                                    continue;
                                }
                                int src = xOff + r * d.w() + colOff;
                                int dst = i * d.ow();
                                if (g.sw() == 1) {
                                    for (int j = j0; j < j1; j++) {
                                        acc[dst + j] += wv * xb[src + j];
                                    }
                                } else {
                                    for (int j = j0; j < j1; j++) {
                                        acc[dst + j] += wv * xb[src + j * g.sw()];
                                    }
                                }
                            }
                        }
                    }
                }
                y.put((b * cout + o) * d.outPlane(), acc);
            }
        });
        return yArr;
    }

    /** Returns {dL/dx (x's type and shape), dL/dW (doubles, W's layout)}. */
    static Object[] backward(INDArray x4, double[] w, INDArray dy4, int cout, boolean depthwise, Geometry g) {
        Dims d = Dims.of(x4.shape(), cout, depthwise, g);
        Flat x = Flat.readable(x4);
        Flat dy = Flat.readable(dy4);
        INDArray dxArr = Nd4j.createUninitialized(floating(x4.dataType()), x4.shape(), 'c');
        Flat dx = Flat.of(dxArr);
        int taps = g.kh() * g.kw();
        double[][] dwPartial = new double[d.batch()][];
        Parallel.forRange(d.batch(), b -> {
            double[] xb = new double[d.cin() * d.inPlane()];
            double[] dyb = new double[cout * d.outPlane()];
            x.get(b * xb.length, xb);
            dy.get(b * dyb.length, dyb);
            double[] dxb = new double[xb.length];
            double[] dwb = new double[w.length];
            for (int o = 0; o < cout; o++) {
                int dyOff = o * d.outPlane();
                for (int gc = 0; gc < d.groupChannels(); gc++) {
                    int xOff = d.channel(depthwise, o, gc) * d.inPlane();
                    int wOff = (o * d.groupChannels() + gc) * taps;
                    for (int a = 0; a < g.kh(); a++) {
                        for (int t = 0; t < g.kw(); t++) {
                            double wv = w[wOff + a * g.kw() + t];
                            int colOff = g.dw() * t - g.pw();
                            int j0 = lo(colOff, g.sw());
                            int j1 = hi(colOff, g.sw(), d.w(), d.ow());
                            double gw = 0;
                            for (int i = 0; i < d.oh(); i++) {
                                int r = i * g.sh() + g.dh() * a - g.ph();
                                if (r < 0 || r >= d.h()) {
                                    continue;
                                }
                                int src = xOff + r * d.w() + colOff;
                                int go = dyOff + i * d.ow();
                                if (g.sw() == 1) {
                                    for (int j = j0; j < j1; j++) {
                                        double gy = dyb[go + j];
                                        dxb[src + j] += wv * gy;
                                        gw += gy * xb[src + j];
                                    }
                                } else {
                                    for (int j = j0; j < j1; j++) {
                                        double gy = dyb[go + j];
                                        dxb[src + j * g.sw()] += wv * gy;
                                        gw += gy * xb[src + j * g.sw()];
                                    }
                                }
                            }
                            dwb[wOff + a * g.kw() + t] += gw;
                        }
                    }
                }
            }
            dx.put(b * dxb.length, dxb);
            dwPartial[b] = dwb;
        });
        double[] dW = new double[w.length];
        for (double[] part : dwPartial) {
            for (int i = 0; i < dW.length; i++) {
                dW[i] += part[i];
            }
        }
        return new Object[]{dxArr, dW};
    }

    private static DataType floating(DataType t) {
        return t == DataType.FLOAT ? DataType.FLOAT : DataType.DOUBLE;
    }

    /** (B, C, N) → (B, C, 1, N); 4D arrays unchanged. */
    static INDArray as4d(INDArray a) {
        return a.rank() == 3 ? a.reshape('c', a.size(0), a.size(1), 1, a.size(2)) : a;
    }
}
