package dev.dashspark.core.backbone;

import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

import java.util.Arrays;

/**
 * The flattening of a dense head, (B, C, H, W) → (B, C·H·W) in C order, that also accepts another grid than the one
 * the network was built for when predicting. A dense backbone is fully convolutional (all strides 1, a per-position
 * head), so the same parameters compute the output on any grid; only DL4J's flattening is tied to the built one. A
 * network built for PSICOV's 128 × 128 training crops thus predicts its 512 × 512 test maps exactly as a network
 * built for 512 × 512 with the same parameters does (docs/algorithm.md, "Task extras"). Training (backprop) stays on
 * the built grid.
 */
public class GridFlatten extends CnnToFeedForwardPreProcessor {
    private static final long serialVersionUID = 1L;

    /** For Jackson. */
    public GridFlatten() {
    }

    /** Flattening of {@code channels} channels on the built grid {@code height} × {@code width}. */
    public GridFlatten(long height, long width, long channels) {
        super(height, width, channels);
    }

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr mgr) {
        if (input.rank() != 4 || input.size(1) != numChannels
                || (input.size(2) == inputHeight && input.size(3) == inputWidth)) {
            return super.preProcess(input, miniBatchSize, mgr);
        }
        INDArray c = input.ordering() == 'c' && Shape.hasDefaultStridesForShape(input) ? input
                : mgr.dup(ArrayType.ACTIVATIONS, input, 'c');
        return mgr.leverageTo(ArrayType.ACTIVATIONS, c.reshape('c', input.size(0), input.length() / input.size(0)));
    }

    @Override
    public INDArray backprop(INDArray epsilons, int miniBatchSize, LayerWorkspaceMgr mgr) {
        if (epsilons.rank() == 2 && epsilons.size(1) != numChannels * inputHeight * inputWidth) {
            throw new IllegalStateException("dense head: trains on its built grid " + inputHeight + "x" + inputWidth
                    + " only; got gradients of shape " + Arrays.toString(epsilons.shape()));
        }
        return super.backprop(epsilons, miniBatchSize, mgr);
    }

    @Override
    public GridFlatten clone() {
        return new GridFlatten(inputHeight, inputWidth, numChannels);
    }
}
