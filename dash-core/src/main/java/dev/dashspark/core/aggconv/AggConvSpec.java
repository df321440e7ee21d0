package dev.dashspark.core.aggconv;

/**
 * Static description of one aggregated convolution (docs/algorithm.md, "Operator (AggConv)").
 *
 * <p>Shapes: the input is {@code (B, inChannels, N)} in 1D or {@code (B, inChannels, H, W)} in 2D. Candidate i has
 * weight {@code (outChannels, groupChannels, k_i)} or {@code (outChannels, groupChannels, k_i, k_i)} (PyTorch layout,
 * not dilated) with {@code groupChannels = depthwise ? 1 : inChannels}. The output is {@code (B, outChannels, ⌈N/s⌉)}
 * (each spatial axis in 2D), i.e. "same" size subsampled from index 0:
 * <pre>y[b,o,j] = Σ_i c_i Σ_ci Σ_t W_i[o,ci,t] · x[b, ci, j·s + d_i(t − (k_i−1)/2)]   (x = 0 outside [0,N))</pre>
 *
 * @param dims        1 or 2 spatial dimensions
 * @param inChannels  input channels, ≥ 1
 * @param outChannels output channels, ≥ 1 (equal to inChannels when depthwise)
 * @param depthwise   one filter per channel (groups = channels), as DASH does for separable layers during search
 * @param stride      stride on every spatial axis, ≥ 1
 * @param space       the K × D search space
 */
public record AggConvSpec(int dims, int inChannels, int outChannels, boolean depthwise, int stride, SearchSpace space) {

    public AggConvSpec {
        if (dims != 1 && dims != 2) {
            throw new IllegalArgumentException("dims: must be 1 or 2, got " + dims);
        }
        if (inChannels < 1) {
            throw new IllegalArgumentException("inChannels: must be ≥ 1, got " + inChannels);
        }
        if (outChannels < 1) {
            throw new IllegalArgumentException("outChannels: must be ≥ 1, got " + outChannels);
        }
        if (depthwise && inChannels != outChannels) {
            throw new IllegalArgumentException("depthwise: needs inChannels == outChannels, got " + inChannels + " → " + outChannels);
        }
        if (stride < 1) {
            throw new IllegalArgumentException("stride: must be ≥ 1, got " + stride);
        }
        if (space == null) {
            throw new IllegalArgumentException("space: must not be null");
        }
    }

    /** Input channels seen by one filter: 1 when depthwise, else inChannels. */
    public int groupChannels() {
        return depthwise ? 1 : inChannels;
    }

    /** Output extent of a spatial axis of extent n: ⌈n/s⌉ = ⌊(n − 1)/s⌋ + 1. */
    public int outLength(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("spatial extent must be ≥ 1, got " + n);
        }
        return (n - 1) / stride + 1;
    }

    /** Shape of candidate i's weight (PyTorch layout). */
    public long[] weightShape(int i) {
        int k = space.kernel(i);
        return dims == 1 ? new long[]{outChannels, groupChannels(), k} : new long[]{outChannels, groupChannels(), k, k};
    }

    /** Number of weight values of candidate i. */
    public long weightLength(int i) {
        long n = 1;
        for (long s : weightShape(i)) {
            n *= s;
        }
        return n;
    }

    /** Output shape for an input shape. */
    public long[] outputShape(long[] inputShape) {
        checkInputShape(inputShape);
        long[] out = inputShape.clone();
        out[1] = outChannels;
        for (int a = 2; a < out.length; a++) {
            out[a] = outLength((int) inputShape[a]);
        }
        return out;
    }

    /** Throws with a clear message unless the shape is (B, inChannels, spatial...) of the right rank. */
    public void checkInputShape(long[] shape) {
        if (shape.length != dims + 2) {
            throw new IllegalArgumentException("input: expected rank " + (dims + 2) + " (B, C" + (dims == 1 ? ", N" : ", H, W")
                    + "), got shape " + java.util.Arrays.toString(shape));
        }
        if (shape[1] != inChannels) {
            throw new IllegalArgumentException("input: expected " + inChannels + " channels, got shape " + java.util.Arrays.toString(shape));
        }
        for (long s : shape) {
            if (s < 1) {
                throw new IllegalArgumentException("input: empty dimension in shape " + java.util.Arrays.toString(shape));
            }
        }
    }
}
