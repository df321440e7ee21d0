package dev.dashspark.core.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Random crop with {@value #PAD}-pixel padding and random horizontal flip of a minibatch of images (B, C, H, W): the
 * reference's CIFAR-100 training augmentation, torchvision's {@code RandomCrop(H, padding=4)} followed by
 * {@code RandomHorizontalFlip()}. For each image b in batch order, three draws from the generator: the row offset
 * dy and the column offset dx, each uniform in [0, 2·{@value #PAD}], then the flip (probability ½). Then
 * <pre>
 *   out[b, c, i, j] = in[b, c, i + dy − 4, j' + dx − 4],   j' = W − 1 − j if flipped, else j,
 * </pre>
 * or {@code fill[c]} where that position lies outside the image (the padding). dy = dx = 4 without a flip is the
 * image itself.
 *
 * <p>The reference pads raw pixels with 0 (black) before normalising them; on images stored normalised, black is
 * (0 − mean_c)/std_c, which is what {@code fill} is for (key {@code augment-fill}; 0 by default).
 *
 * @param fill the padding value: one for every channel, or one per channel
 */
public record CropFlip(double[] fill) implements Training.Augmenter {
    /** Pixels of padding on each side, the reference's 4. */
    public static final int PAD = 4;

    public CropFlip {
        if (fill == null || fill.length == 0) {
            throw new IllegalArgumentException("crop-flip: fill must hold one value, or one per channel");
        }
        fill = fill.clone();
        for (double v : fill) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("crop-flip: fill " + Arrays.toString(fill) + " must be finite");
            }
        }
    }

    @Override
    public double[] fill() {
        return fill.clone();
    }

    @Override
    public INDArray apply(INDArray x, SplittableRandom rng) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("crop-flip: input shape " + Arrays.toString(x.shape())
                    + " must be images (B, C, H, W)");
        }
        int b = Math.toIntExact(x.size(0));
        int c = Math.toIntExact(x.size(1));
        int h = Math.toIntExact(x.size(2));
        int w = Math.toIntExact(x.size(3));
        if (fill.length != 1 && fill.length != c) {
            throw new IllegalArgumentException("crop-flip: " + fill.length + " fill values for " + c
                    + " channels; give one, or one per channel");
        }
        float[] in = x.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] out = new float[b * c * h * w];
        int plane = h * w;
        for (int s = 0; s < b; s++) {
            int dy = rng.nextInt(2 * PAD + 1) - PAD;
            int dx = rng.nextInt(2 * PAD + 1) - PAD;
            boolean flip = rng.nextBoolean();
            for (int ch = 0; ch < c; ch++) {
                int base = (s * c + ch) * plane;
                float pad = (float) fill[fill.length == 1 ? 0 : ch];
                for (int i = 0; i < h; i++) {
                    int si = i + dy;
                    for (int j = 0; j < w; j++) {
                        int sj = (flip ? w - 1 - j : j) + dx;
                        out[base + i * w + j] = si < 0 || si >= h || sj < 0 || sj >= w ? pad : in[base + si * w + sj];
                    }
                }
            }
        }
        return Nd4j.createFromArray(out).reshape('c', b, c, h, w).castTo(x.dataType());
    }
}
