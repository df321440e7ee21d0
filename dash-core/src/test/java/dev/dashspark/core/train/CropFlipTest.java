package dev.dashspark.core.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CropFlip}: CIFAR-100's random crop (padding 4) and horizontal flip, pixel by pixel. */
class CropFlipTest {

    private static final int B = 200;
    private static final int C = 2;
    private static final int H = 5;
    private static final int W = 7;

    /** Pixel (b, c, i, j) holds 1 + 1000·b + 100·c + 10·i + j: every value tells where it came from. */
    private static float[] images() {
        float[] v = new float[B * C * H * W];
        for (int b = 0; b < B; b++) {
            for (int c = 0; c < C; c++) {
                for (int i = 0; i < H; i++) {
                    for (int j = 0; j < W; j++) {
                        v[((b * C + c) * H + i) * W + j] = 1 + 1000 * b + 100 * c + 10 * i + j;
                    }
                }
            }
        }
        return v;
    }

    @Test
    void everyPixelIsTheImagePaddedThenCroppedAtTheDrawnOffsetThenMirroredWhenDrawn() {
        double[] fill = {-1.5, -2.5};
        float[] in = images();
        INDArray out = new CropFlip(fill).apply(Nd4j.createFromArray(in).reshape(B, C, H, W), new SplittableRandom(11));
        assertArrayEquals(new long[]{B, C, H, W}, out.shape());
        float[] got = out.dup('c').data().asFloat();
        // torchvision's definition, step by step: pad by 4 with the fill, cut H × W at (dy, dx), flip left–right;
        // the draws replayed in the documented order: dy, dx, then the flip, image by image
        SplittableRandom replay = new SplittableRandom(11);
        Set<String> seen = new HashSet<>();
        for (int b = 0; b < B; b++) {
            int dy = replay.nextInt(9);
            int dx = replay.nextInt(9);
            boolean flip = replay.nextBoolean();
            seen.add(dy + "," + dx + "," + flip);
            for (int c = 0; c < C; c++) {
                float[][] padded = new float[H + 8][W + 8];
                for (float[] row : padded) {
                    java.util.Arrays.fill(row, (float) fill[c]);
                }
                for (int i = 0; i < H; i++) {
                    for (int j = 0; j < W; j++) {
                        padded[i + 4][j + 4] = in[((b * C + c) * H + i) * W + j];
                    }
                }
                for (int i = 0; i < H; i++) {
                    for (int j = 0; j < W; j++) {
                        float crop = padded[dy + i][dx + (flip ? W - 1 - j : j)];
                        assertEquals(crop, got[((b * C + c) * H + i) * W + j], 0f,
                                "image " + b + " channel " + c + " pixel (" + i + ", " + j + "), offset (" + dy + ", "
                                        + dx + ")" + (flip ? " flipped" : ""));
                    }
                }
            }
        }
        assertTrue(seen.contains("4,4,false"), "the image itself is one of the outcomes");
        assertTrue(seen.size() > 100, seen.size() + " of the 162 outcomes in " + B + " draws");
    }

    @Test
    void theSameGeneratorStateGivesTheSameBatchAndOneFillServesEveryChannel() {
        INDArray x = Nd4j.createFromArray(images()).reshape(B, C, H, W);
        INDArray a = new CropFlip(new double[]{0}).apply(x, new SplittableRandom(3));
        assertEquals(a, new CropFlip(new double[]{0, 0}).apply(x, new SplittableRandom(3)));
        assertEquals(DataType.DOUBLE, new CropFlip(new double[]{0}).apply(x.castTo(DataType.DOUBLE),
                new SplittableRandom(3)).dataType(), "the batch keeps its type");
        assertEquals("crop-flip: 3 fill values for 2 channels; give one, or one per channel",
                assertThrows(IllegalArgumentException.class, () -> new CropFlip(new double[]{0, 0, 0}).apply(x,
                        new SplittableRandom(3))).getMessage());
        assertEquals("crop-flip: input shape [4, 1, 8] must be images (B, C, H, W)",
                assertThrows(IllegalArgumentException.class, () -> new CropFlip(new double[]{0}).apply(
                        Nd4j.zeros(4, 1, 8), new SplittableRandom(3))).getMessage());
    }
}
