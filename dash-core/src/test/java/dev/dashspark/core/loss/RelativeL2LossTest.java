package dev.dashspark.core.loss;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reference's Darcy loss, {@code LpLoss(size_average=False)}: per-sample ‖p − y‖/‖y‖ summed over the batch, against
 * the value and autograd gradient PyTorch 1.13 printed; DL4J divides by the batch size, so the loss reports B times
 * the per-sample values and gradients.
 */
class RelativeL2LossTest {
    private final INDArray p = Nd4j.createFromArray(new double[][]{{0.5, -1.0, 2.0}, {1.5, 0.2, -0.3}});
    private final INDArray y = Nd4j.createFromArray(new double[][]{{1.0, -0.5, 1.5}, {1.0, 0.0, -1.0}});

    @Test
    void theScoreDl4jReportsIsTheSumOverTheBatch() {
        // torch.sum(norm(p − y)/norm(y)) over the batch
        assertEquals(1.0874098497261155, new RelativeL2Loss().computeScore(y, p.dup(), new ActivationIdentity(), null, true), 1e-11);
    }

    @Test
    void gradientsDividedByTheBatchSizeAreTheAutogradOfTheSum() {
        double[][] torch = {{-0.3086066999241839, -0.3086066999241839, 0.3086066999241839},
                {0.40032038451271784, 0.16012815380508713, 0.5604485383178048}};
        INDArray g = new RelativeL2Loss().computeGradient(y, p.dup(), new ActivationIdentity(), null);
        for (int b = 0; b < 2; b++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(torch[b][j], g.getDouble(b, j) / 2, 1e-12, "element " + b + "," + j);
            }
        }
    }
}
