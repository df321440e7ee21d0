package dev.dashspark.core.conv;

/**
 * The static shape of one convolution of the retrain, backbone and HPO networks, in PyTorch's terms: a
 * cross-correlation with kernel {@code k}, dilation {@code d} and stride {@code s} on every spatial axis, explicit zero
 * padding {@code before}/{@code after} on every spatial axis, dense ({@code groups = 1}) or depthwise
 * ({@code groups = channels}, which needs {@code inChannels == outChannels}).
 *
 * <pre>y[b,o,i(,j)] = bias[o] + Σ_c Σ_a(Σ_t) W[o,c,a(,t)] · x[b, ch(o,c), i·s + a·d − before (, j·s + t·d − before)]</pre>
 * with x = 0 outside the input, {@code ch(o,c) = c} for dense and {@code o} for depthwise layers, and the output
 * extent per axis {@code ⌊(n + before + after − d(k − 1) − 1)/s⌋ + 1}.
 *
 * <p>Two paddings cover the DASH backbones (docs/algorithm.md, "Backbones"):
 * <ul>
 *   <li>{@link Padding#CAUSAL} (1D only): {@code d(k − 1)} zeros before, none after: output i sees inputs ≤ i·s.
 *       This is the reference ResNet1D's {@code Conv1d(padding=(k−1)d)} followed by its {@code Chomp1d}.</li>
 *   <li>{@link Padding#SAME} (odd k): {@code d(k − 1)/2} zeros on both sides of every axis, so that output i is
 *       centred on input i·s; output extent {@code ⌈n/s⌉}. This is PyTorch's {@code padding = d(k−1)/2}, the search's
 *       AggConv geometry, and the 1×1 stride-2 shortcut's sampling grid (even positions).</li>
 * </ul>
 * A 1D convolution runs along axis 2 of DL4J's {@code [B, C, L, 1]} layout; a 2D one along axes 2 and 3 of NCHW.
 *
 * @param dims        spatial dimensions, 1 or 2
 * @param inChannels  input channels
 * @param outChannels output channels
 * @param kernel      k ≥ 1
 * @param dilation    d ≥ 1
 * @param stride      s ≥ 1
 * @param padding     {@link Padding#CAUSAL} or {@link Padding#SAME}
 * @param depthwise   groups = channels
 */
public record ConvGeometry(int dims, int inChannels, int outChannels, int kernel, int dilation, int stride,
                           Padding padding, boolean depthwise) {

    /** Where the zeros go. */
    public enum Padding {
        /** d(k − 1) zeros before the first position, none after (1D only). */
        CAUSAL,
        /** d(k − 1)/2 zeros on both sides of every axis (odd k only). */
        SAME
    }

    public ConvGeometry {
        if (dims != 1 && dims != 2) {
            throw new IllegalArgumentException("dims: must be 1 or 2, got " + dims);
        }
        if (inChannels < 1 || outChannels < 1) {
            throw new IllegalArgumentException("channels: must be ≥ 1, got in " + inChannels + ", out " + outChannels);
        }
        if (kernel < 1 || dilation < 1 || stride < 1) {
            throw new IllegalArgumentException("kernel, dilation and stride must be ≥ 1, got k " + kernel + ", d "
                    + dilation + ", s " + stride);
        }
        if (padding == null) {
            throw new IllegalArgumentException("padding: must be CAUSAL or SAME, got null");
        }
        if (padding == Padding.CAUSAL && dims != 1) {
            throw new IllegalArgumentException("padding: CAUSAL is for 1D convolutions, got dims " + dims);
        }
        if (padding == Padding.SAME && kernel % 2 == 0) {
            throw new IllegalArgumentException("padding: SAME needs an odd kernel, got k " + kernel);
        }
        if (depthwise && inChannels != outChannels) {
            throw new IllegalArgumentException("depthwise: needs inChannels == outChannels, got " + inChannels + " → "
                    + outChannels);
        }
    }

    /** The kernel's extent on one axis: d(k − 1) + 1. */
    public int extent() {
        return dilation * (kernel - 1) + 1;
    }

    /** Zeros before the first position of every convolved axis. */
    public int padBefore() {
        return padding == Padding.CAUSAL ? extent() - 1 : (extent() - 1) / 2;
    }

    /** Zeros after the last position of every convolved axis. */
    public int padAfter() {
        return padding == Padding.CAUSAL ? 0 : (extent() - 1) / 2;
    }

    /** Output extent of an axis of input extent n: ⌊(n + before + after − d(k − 1) − 1)/s⌋ + 1 (= ⌈n/s⌉ here). */
    public int outLength(int n) {
        return (n + padBefore() + padAfter() - extent()) / stride + 1;
    }

    /** Input channels each output channel reads: 1 when depthwise, else all. */
    public int groupChannels() {
        return depthwise ? 1 : inChannels;
    }

    /** Taps per (output, group) channel pair: k in 1D, k² in 2D. */
    public int taps() {
        return dims == 1 ? kernel : kernel * kernel;
    }

    /** The weight's shape in PyTorch layout: (out, groupChannels, k) or (out, groupChannels, k, k). */
    public long[] weightShape() {
        return dims == 1 ? new long[]{outChannels, groupChannels(), kernel}
                : new long[]{outChannels, groupChannels(), kernel, kernel};
    }

    /** Number of weight values. */
    public long weightCount() {
        return (long) outChannels * groupChannels() * taps();
    }

    /**
     * The output shape for an input of shape {@code [B, C, H, W]} (1D: {@code [B, C, L, 1]}, convolved along axis 2).
     */
    public long[] outputShape(long[] in) {
        long h = outLength((int) in[2]);
        long w = dims == 1 ? in[3] : outLength((int) in[3]);
        return new long[]{in[0], outChannels, h, w};
    }
}
