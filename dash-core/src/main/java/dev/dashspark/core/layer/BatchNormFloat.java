package dev.dashspark.core.layer;

import dev.dashspark.core.util.Flat;
import dev.dashspark.core.util.Parallel;

/**
 * {@link ChannelBatchNorm}'s passes over FLOAT activations, in float arithmetic the JIT can vectorise (the DOUBLE
 * path of {@link ChannelBatchNormImpl} keeps double arithmetic for gradient checks). Activations are (B, C, P) for P
 * positions per channel, c-ordered; each channel is one task on the dash-core threads; rows are copied in bulk into
 * the task's own float arrays of at most {@value #CHUNK} values, and sums are kept in four float accumulators per chunk,
 * added into double per chunk (PyTorch's CPU batch norm also accumulates its statistics in double).
 *
 * <p>The ReLU mask in backward is the sign of the recomputed pre-activation {@code z = x·scale + offset}, taken from
 * its bits ({@link #keepIfPositive}): a data-dependent branch there mispredicts on half the values and made the pass
 * four times slower.
 */
final class BatchNormFloat {
    static final int CHUNK = 1024;

    private BatchNormFloat() {
    }

    /** Per channel mean and biased variance over (B, P), shifted by the channel's first value for stability. */
    static void statistics(Flat x, int batch, int channels, int plane, double[] mean, double[] var) {
        long n = (long) batch * plane;
        Parallel.forRange(channels, c -> {
            float[] r = new float[Math.min(CHUNK, plane)];
            float shift = (float) x.get(c * plane);
            double s = 0;
            double ss = 0;
            for (int b = 0; b < batch; b++) {
                int base = (b * channels + c) * plane;
                for (int j0 = 0; j0 < plane; j0 += CHUNK) {
                    int len = Math.min(CHUNK, plane - j0);
                    x.get(base + j0, r, len);
                    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
                    int j = 0;
                    for (; j + 3 < len; j += 4) {
                        float d0 = r[j] - shift;
                        float d1 = r[j + 1] - shift;
                        float d2 = r[j + 2] - shift;
                        float d3 = r[j + 3] - shift;
                        s0 += d0;
                        s1 += d1;
                        s2 += d2;
                        s3 += d3;
                        q0 += d0 * d0;
                        q1 += d1 * d1;
                        q2 += d2 * d2;
                        q3 += d3 * d3;
                    }
                    for (; j < len; j++) {
                        float d = r[j] - shift;
                        s0 += d;
                        q0 += d * d;
                    }
                    s += (double) (s0 + s1) + (s2 + s3);
                    ss += (double) (q0 + q1) + (q2 + q3);
                }
            }
            double m = s / n;
            mean[c] = shift + m;
            var[c] = Math.max(ss / n - m * m, 0.0);
        });
    }

    /** y = x·scale[c] + offset[c], then ReLU when {@code relu}. */
    static void normalize(Flat x, Flat y, int batch, int channels, int plane, double[] scale, double[] offset,
                          boolean relu) {
        Parallel.forRange(channels, c -> {
            float[] r = new float[Math.min(CHUNK, plane)];
            float sc = (float) scale[c];
            float of = (float) offset[c];
            for (int b = 0; b < batch; b++) {
                int base = (b * channels + c) * plane;
                for (int j0 = 0; j0 < plane; j0 += CHUNK) {
                    int len = Math.min(CHUNK, plane - j0);
                    x.get(base + j0, r, len);
                    if (relu) {
                        for (int j = 0; j < len; j++) {
                            r[j] = Math.max(r[j] * sc + of, 0f);
                        }
                    } else {
                        for (int j = 0; j < len; j++) {
                            r[j] = r[j] * sc + of;
                        }
                    }
                    y.put(base + j0, r, len);
                }
            }
        });
    }

    /**
     * Backward through batch normalisation with the batch statistics (and the ReLU when {@code relu}, whose mask is
     * recomputed from the forward pass's {@code scale} and {@code offset}): writes dx and per channel
     * dγ = Σ d·x̂ and dβ = Σ d, d the (masked) incoming gradient.
     */
    static void backward(Flat x, Flat dy, Flat dx, int batch, int channels, int plane, double[] mean, double[] var,
                         double[] gamma, double eps, double[] scale, double[] offset, boolean relu, double[] dGamma,
                         double[] dBeta) {
        long n = (long) batch * plane;
        Parallel.forRange(channels, c -> {
            float[] xr = new float[Math.min(CHUNK, plane)];
            float[] gr = new float[Math.min(CHUNK, plane)];
            double is = 1.0 / Math.sqrt(var[c] + eps);
            float sc = (float) scale[c]; // the forward pass's own, so the ReLU mask is the one it applied
            float of = (float) offset[c];
            float m = (float) mean[c];
            double sumD = 0;
            double sumDx = 0;
            for (int b = 0; b < batch; b++) {
                int base = (b * channels + c) * plane;
                for (int j0 = 0; j0 < plane; j0 += CHUNK) {
                    int len = Math.min(CHUNK, plane - j0);
                    x.get(base + j0, xr, len);
                    dy.get(base + j0, gr, len);
                    float a0 = 0, a1 = 0, q0 = 0, q1 = 0;
                    int j = 0;
                    for (; j + 1 < len; j += 2) {
                        float d0 = relu ? keepIfPositive(xr[j] * sc + of, gr[j]) : gr[j];
                        float d1 = relu ? keepIfPositive(xr[j + 1] * sc + of, gr[j + 1]) : gr[j + 1];
                        a0 += d0;
                        a1 += d1;
                        q0 += d0 * (xr[j] - m);
                        q1 += d1 * (xr[j + 1] - m);
                    }
                    for (; j < len; j++) {
                        float d = relu ? keepIfPositive(xr[j] * sc + of, gr[j]) : gr[j];
                        a0 += d;
                        q0 += d * (xr[j] - m);
                    }
                    sumD += (double) a0 + a1;
                    sumDx += (double) q0 + q1;
                }
            }
            double sumDxHat = sumDx * is;
            // dx = γ·is/n · (n·d − Σd − x̂·Σ(d·x̂)), x̂ = (x − m)·is, as a·d − bx·x + c0
            double k = gamma[c] * is / n;
            float a = (float) (k * n);
            float bx = (float) (k * sumDxHat * is);
            float c0 = (float) (-k * sumD + k * sumDxHat * is * mean[c]);
            for (int b = 0; b < batch; b++) {
                int base = (b * channels + c) * plane;
                for (int j0 = 0; j0 < plane; j0 += CHUNK) {
                    int len = Math.min(CHUNK, plane - j0);
                    x.get(base + j0, xr, len);
                    dy.get(base + j0, gr, len);
                    if (relu) {
                        for (int j = 0; j < len; j++) {
                            gr[j] = a * keepIfPositive(xr[j] * sc + of, gr[j]) - bx * xr[j] + c0;
                        }
                    } else {
                        for (int j = 0; j < len; j++) {
                            gr[j] = a * gr[j] - bx * xr[j] + c0;
                        }
                    }
                    dx.put(base + j0, gr, len);
                }
            }
            dGamma[c] = sumDxHat;
            dBeta[c] = sumD;
        });
    }

    /** g when z &gt; 0 (ReLU's derivative is 1), else 0 (z ≤ 0, −0 included), without a branch. */
    static float keepIfPositive(float z, float g) {
        int bits = Float.floatToRawIntBits(z);
        int keep = ~((bits - 1) >> 31) & ~(bits >> 31); // all ones iff bits > 0, i.e. z > +0
        return Float.intBitsToFloat(Float.floatToRawIntBits(g) & keep);
    }
}
