package dev.dashspark.core.loss;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * BCE on logits with pos_weight against values PyTorch 1.13 printed for {@code BCEWithLogitsLoss(pos_weight)} (mean
 * over batch and labels) and its autograd gradient, saturated logits, and finite differences.
 */
class WeightedBinaryCrossEntropyTest {
    private final INDArray z = Nd4j.createFromArray(new double[][]{{0.3, -1.2, 2.0}, {-0.4, 0.9, -2.5}});
    private final INDArray y = Nd4j.createFromArray(new double[][]{{1, 0, 1}, {0, 1, 0}});
    private final ActivationSigmoid sigmoid = new ActivationSigmoid();

    @Test
    void scoreIsPyTorchsMeanOverBatchAndLabels() {
        // torch.nn.BCEWithLogitsLoss(pos_weight=10 * torch.ones(3))(z, y) in float64
        assertEquals(1.846593126077735, new WeightedBinaryCrossEntropy(10).computeScore(y, z.dup(), sigmoid, null, true), 1e-14);
    }

    @Test
    void gradientIsPyTorchsAutogradTimesTheBatchSize() {
        // DL4J divides the gradients by the batch size in the updater; PyTorch's autograd of the mean already has it
        double[][] torch = {{-0.7092624719805682, 0.03857920275016373, -0.19867153670352936},
                {0.066885389981258, -0.48175082895832677, 0.012643030003540591}};
        INDArray g = new WeightedBinaryCrossEntropy(10).computeGradient(y, z.dup(), sigmoid, null);
        for (int b = 0; b < 2; b++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(torch[b][j] * 2, g.getDouble(b, j), 1e-14, "element " + b + "," + j);
            }
        }
        assertEquals(DataType.DOUBLE, g.dataType());
    }

    @Test
    void saturatedLogitsKeepTheirPrecision() {
        // log σ(−40) = −40: a clipped probability (1e-7) would give 16.1 instead
        INDArray zs = Nd4j.createFromArray(new double[][]{{40, -40, -40}});
        INDArray ys = Nd4j.createFromArray(new double[][]{{1, 0, 1}});
        assertEquals(13.333333333333334, new WeightedBinaryCrossEntropy(1).computeScore(ys, zs, sigmoid, null, true), 1e-12);
        assertArrayEquals(new double[]{-4.248354255291589E-18 / 3, 4.248354255291589E-18 / 3, -1.0 / 3},
                new WeightedBinaryCrossEntropy(1).computeGradient(ys, zs, sigmoid, null).toDoubleVector(), 1e-16);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        WeightedBinaryCrossEntropy loss = new WeightedBinaryCrossEntropy(4);
        INDArray g = loss.computeGradient(y, z.dup(), sigmoid, null);
        double h = 1e-6;
        for (int i = 0; i < z.length(); i++) {
            INDArray plus = z.dup();
            INDArray minus = z.dup();
            plus.putScalar(i, z.getDouble(i) + h);
            minus.putScalar(i, z.getDouble(i) - h);
            double numeric = (loss.computeScore(y, plus, sigmoid, null, false) - loss.computeScore(y, minus, sigmoid, null, false)) / (2 * h);
            assertEquals(numeric, g.getDouble(i), 1e-8, "element " + i);
        }
    }

    @Test
    void rejectsNonPositiveWeightsAndOtherActivations() {
        assertEquals("posWeight: must be finite and > 0, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> new WeightedBinaryCrossEntropy(0)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new WeightedBinaryCrossEntropy(1).computeScore(y, z.dup(), new ActivationIdentity(), null, true));
    }
}
