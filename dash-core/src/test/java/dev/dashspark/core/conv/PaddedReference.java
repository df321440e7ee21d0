package dev.dashspark.core.conv;

import dev.dashspark.core.conv.ConvGeometry.Padding;

import java.util.ArrayList;
import java.util.List;

/**
 * An independent convolution for tests: zero-pads x (B, C, H, W) by (before, after) on the convolved axes, then a
 * "valid" strided, dilated correlation, in double precision. Its adjoints (the gradients) are read off it column by
 * column: the convolution is linear in x and in w, so {@code dL/dx_i = Σ dy·(conv(x + e_i) − conv(x))}.
 */
public final class PaddedReference {
    private PaddedReference() {
    }

    /** Every small geometry: 1D causal and same, 2D same; k 1..5, d 1..3, s 1..2, dense and depthwise. */
    public static List<ConvGeometry> smallGeometries() {
        List<ConvGeometry> out = new ArrayList<>();
        for (int dims = 1; dims <= 2; dims++) {
            for (Padding p : Padding.values()) {
                if (p == Padding.CAUSAL && dims == 2) {
                    continue;
                }
                for (int k = 1; k <= 5; k++) {
                    if (p == Padding.SAME && k % 2 == 0) {
                        continue;
                    }
                    for (int d = 1; d <= 3; d++) {
                        for (int s = 1; s <= 2; s++) {
                            out.add(new ConvGeometry(dims, 3, 2, k, d, s, p, false));
                            out.add(new ConvGeometry(dims, 3, 3, k, d, s, p, true));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** y = conv(x, w) + bias (bias may be null); x of shape xs, w in PyTorch layout, all c-order. */
    public static double[] forward(ConvGeometry g, double[] x, long[] xs, double[] w, double[] bias) {
        int b = (int) xs[0], c = (int) xs[1], h = (int) xs[2], wd = (int) xs[3];
        int pb = g.padBefore(), pa = g.padAfter();
        int ph = h + pb + pa;
        int pw = g.dims() == 2 ? wd + pb + pa : wd;
        int offW = g.dims() == 2 ? pb : 0;
        double[] padded = new double[b * c * ph * pw];
        for (int n = 0; n < b; n++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < wd; j++) {
                        padded[((n * c + ch) * ph + i + pb) * pw + j + offW] = x[((n * c + ch) * h + i) * wd + j];
                    }
                }
            }
        }
        int kh = g.kernel(), kw = g.dims() == 2 ? g.kernel() : 1;
        int oh = (ph - g.extent()) / g.stride() + 1;
        int ow = g.dims() == 2 ? (pw - g.extent()) / g.stride() + 1 : wd;
        int gc = g.groupChannels();
        double[] y = new double[b * g.outChannels() * oh * ow];
        for (int n = 0; n < b; n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double acc = bias == null ? 0 : bias[o];
                        for (int q = 0; q < gc; q++) {
                            int ch = g.depthwise() ? o : q;
                            for (int a = 0; a < kh; a++) {
                                for (int t = 0; t < kw; t++) {
                                    int r = i * g.stride() + a * g.dilation();
                                    int col = g.dims() == 2 ? j * g.stride() + t * g.dilation() : j;
                                    acc += w[((o * gc + q) * kh + a) * kw + t] * padded[((n * c + ch) * ph + r) * pw + col];
                                }
                            }
                        }
                        y[((n * g.outChannels() + o) * oh + i) * ow + j] = acc;
                    }
                }
            }
        }
        return y;
    }

    /** The gradients {dx, dw, db} of L = Σ dy·conv(x, w, bias), each read off the forward pass. */
    public static double[][] backward(ConvGeometry g, double[] x, long[] xs, double[] w, double[] dy) {
        double[] base = forward(g, x, xs, w, null);
        double[] dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double[] e = x.clone();
            e[i] += 1;
            dx[i] = dot(dy, forward(g, e, xs, w, null), base);
        }
        double[] dw = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            double[] e = w.clone();
            e[i] += 1;
            dw[i] = dot(dy, forward(g, x, xs, e, null), base);
        }
        double[] db = new double[g.outChannels()];
        int plane = dy.length / (int) xs[0] / g.outChannels();
        for (int i = 0; i < dy.length; i++) {
            db[i / plane % g.outChannels()] += dy[i];
        }
        return new double[][]{dx, dw, db};
    }

    private static double dot(double[] dy, double[] plus, double[] base) {
        double s = 0;
        for (int i = 0; i < dy.length; i++) {
            s += dy[i] * (plus[i] - base[i]);
        }
        return s;
    }
}
