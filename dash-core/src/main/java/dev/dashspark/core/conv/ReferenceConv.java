package dev.dashspark.core.conv;

import dev.dashspark.core.util.Parallel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ConvAlgorithm#DIRECT}: the definition of {@link ConvGeometry}'s convolution computed directly, a batch
 * element per thread, accumulating in double precision whatever the arrays' type. Slow; it needs nothing but Java,
 * so it runs on any ND4J backend.
 */
final class ReferenceConv {
    private ReferenceConv() {
    }

    static void forward(ConvGeometry g, INDArray x, INDArray w, INDArray bias, INDArray y) {
        Shape s = Shape.of(g, x);
        double[] xs = doubles(x);
        double[] ws = doubles(w);
        double[] bs = bias == null ? null : doubles(bias);
        double[] ys = new double[(int) ((long) s.batch * g.outChannels() * s.oh * s.ow)];
        Parallel.forRange(s.batch, b -> {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int i = 0; i < s.oh; i++) {
                    for (int j = 0; j < s.ow; j++) {
                        double acc = bs == null ? 0 : bs[o];
                        for (int c = 0; c < g.groupChannels(); c++) {
                            int ch = g.depthwise() ? o : c;
                            for (int a = 0; a < s.kh; a++) {
                                int r = i * g.stride() + a * g.dilation() - g.padBefore();
                                if (r < 0 || r >= s.h) {
                                    continue;
                                }
                                for (int t = 0; t < s.kw; t++) {
                                    int q = s.dims2 ? j * g.stride() + t * g.dilation() - g.padBefore() : j;
                                    if (q < 0 || q >= s.w) {
                                        continue;
                                    }
                                    acc += (double) ws[s.wIndex(o, c, a, t)] * xs[s.xIndex(b, ch, r, q)];
                                }
                            }
                        }
                        ys[s.yIndex(b, o, i, j)] = acc;
                    }
                }
            }
        });
        y.assign(Nd4j.createFromArray(ys).reshape('c', y.shape()).castTo(y.dataType()));
    }

    static void backward(ConvGeometry g, INDArray x, INDArray w, INDArray dy, INDArray dx, INDArray dw,
                                INDArray db) {
        Shape s = Shape.of(g, x);
        double[] xs = doubles(x);
        double[] ws = doubles(w);
        double[] dys = doubles(dy);
        double[][] dxPart = new double[s.batch][];
        double[][] dwPart = new double[s.batch][];
        Parallel.forRange(s.batch, b -> {
            double[] dxb = new double[g.inChannels() * s.h * s.w];
            double[] dwb = new double[ws.length];
            for (int o = 0; o < g.outChannels(); o++) {
                for (int i = 0; i < s.oh; i++) {
                    for (int j = 0; j < s.ow; j++) {
                        double gy = dys[s.yIndex(b, o, i, j)];
                        for (int c = 0; c < g.groupChannels(); c++) {
                            int ch = g.depthwise() ? o : c;
                            for (int a = 0; a < s.kh; a++) {
                                int r = i * g.stride() + a * g.dilation() - g.padBefore();
                                if (r < 0 || r >= s.h) {
                                    continue;
                                }
                                for (int t = 0; t < s.kw; t++) {
                                    int q = s.dims2 ? j * g.stride() + t * g.dilation() - g.padBefore() : j;
                                    if (q < 0 || q >= s.w) {
                                        continue;
                                    }
                                    int wi = s.wIndex(o, c, a, t);
                                    dxb[(ch * s.h + r) * s.w + q] += gy * ws[wi];
                                    dwb[wi] += gy * xs[s.xIndex(b, ch, r, q)];
                                }
                            }
                        }
                    }
                }
            }
            dxPart[b] = dxb;
            dwPart[b] = dwb;
        });
        if (dx != null) {
            double[] dxs = new double[xs.length];
            for (int b = 0; b < s.batch; b++) {
                int off = b * dxPart[b].length;
                for (int i = 0; i < dxPart[b].length; i++) {
                    dxs[off + i] = dxPart[b][i];
                }
            }
            dx.assign(Nd4j.createFromArray(dxs).reshape('c', dx.shape()).castTo(dx.dataType()));
        }
        double[] dwSum = new double[ws.length];
        for (double[] part : dwPart) {
            for (int i = 0; i < dwSum.length; i++) {
                dwSum[i] += part[i];
            }
        }
        dw.assign(Nd4j.createFromArray(dwSum).reshape('c', dw.shape()).castTo(dw.dataType()));
        if (db != null) {
            double[] dbSum = new double[g.outChannels()];
            for (int b = 0; b < s.batch; b++) {
                for (int o = 0; o < g.outChannels(); o++) {
                    for (int p = 0; p < s.oh * s.ow; p++) {
                        dbSum[o] += dys[s.yIndex(b, o, 0, 0) + p];
                    }
                }
            }
            db.assign(Nd4j.createFromArray(dbSum).reshape('c', db.shape()).castTo(db.dataType()));
        }
    }

    private static double[] doubles(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    /** Extents of one call; 1D convolves along axis 2 only. */
    private record Shape(ConvGeometry g, int batch, int h, int w, int oh, int ow, int kh, int kw, boolean dims2) {
        static Shape of(ConvGeometry g, INDArray x) {
            if (x.rank() != 4 || x.size(1) != g.inChannels() || (g.dims() == 1 && x.size(3) != 1)) {
                throw new IllegalArgumentException("conv: expected input [B, " + g.inChannels()
                        + (g.dims() == 1 ? ", L, 1]" : ", H, W]") + ", got " + java.util.Arrays.toString(x.shape()));
            }
            int h = (int) x.size(2);
            int w = (int) x.size(3);
            boolean two = g.dims() == 2;
            return new Shape(g, (int) x.size(0), h, w, g.outLength(h), two ? g.outLength(w) : w, g.kernel(),
                    two ? g.kernel() : 1, two);
        }

        int xIndex(int b, int c, int r, int q) {
            return ((b * g.inChannels() + c) * h + r) * w + q;
        }

        int yIndex(int b, int o, int i, int j) {
            return ((b * g.outChannels() + o) * oh + i) * ow + j;
        }

        int wIndex(int o, int c, int a, int t) {
            return ((o * g.groupChannels() + c) * kh + a) * kw + t;
        }
    }
}
