package dev.dashspark.core.loss;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** BCE with pos_weight: PyTorch's formula, DL4J's BCE when the weight is 1, gradients by finite differences. */
class WeightedBinaryCrossEntropyTest {
    private final INDArray z = Nd4j.createFromArray(new double[][]{{0.3, -1.2, 2.0}, {-0.4, 0.9, -2.5}});
    private final INDArray y = Nd4j.createFromArray(new double[][]{{1, 0, 1}, {0, 1, 0}});
    private final ActivationSigmoid sigmoid = new ActivationSigmoid();

    @Test
    void scoreIsPytorchsFormula() {
        double w = 10;
        double expected = 0;
        for (int b = 0; b < 2; b++) {
            for (int j = 0; j < 3; j++) {
                double p = 1 / (1 + Math.exp(-z.getDouble(b, j)));
                double t = y.getDouble(b, j);
                expected += -(w * t * Math.log(p) + (1 - t) * Math.log(1 - p));
            }
        }
        assertEquals(expected / 2, new WeightedBinaryCrossEntropy(w).computeScore(y, z.dup(), sigmoid, null, true), 1e-12);
    }

    @Test
    void weightOneIsDl4jsBinaryCrossEntropy() {
        double ours = new WeightedBinaryCrossEntropy(1).computeScore(y, z.dup(), sigmoid, null, true);
        double theirs = new LossBinaryXENT().computeScore(y, z.dup(), new ActivationSigmoid(), null, true);
        assertEquals(theirs, ours, 1e-9);
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
            assertEquals(numeric, g.getDouble(i), 1e-6, "element " + i);
        }
        assertEquals(DataType.DOUBLE, g.dataType());
    }

    @Test
    void rejectsNonPositiveWeights() {
        assertEquals("posWeight: must be finite and > 0, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> new WeightedBinaryCrossEntropy(0)).getMessage());
    }
}
