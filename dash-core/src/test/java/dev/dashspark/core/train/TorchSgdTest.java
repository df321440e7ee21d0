package dev.dashspark.core.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TorchSgd} against parameter trajectories printed by PyTorch 1.13's {@code torch.optim.SGD} (float64, the
 * learning rate set per step, the same gradients), across learning-rate drops.
 */
class TorchSgdTest {
    private static final double[][] GRADS = {{0.5, -1.0}, {-0.2, 0.4}, {0.3, 0.3}, {0.1, -0.7}, {0.05, 0.2}};
    /** One step per "epoch": 0.1, 0.1, then two drops ×0.2. */
    private static final MapSchedule LR = new MapSchedule.Builder(ScheduleType.EPOCH).add(0, 0.1).add(2, 0.02)
            .add(4, 0.004).build();

    /** Runs the updater as DL4J does (L2 added to the gradient first, then the step subtracted). */
    private static double[][] trajectory(org.nd4j.linalg.learning.config.IUpdater config, double wd) {
        INDArray p = Nd4j.createFromArray(1.0, -2.0);
        INDArray state = Nd4j.zeros(DataType.DOUBLE, 1, Math.max(1, config.stateSize(2)));
        GradientUpdater<?> u = config.instantiate(config.stateSize(2) > 0 ? state : null, true);
        double[][] out = new double[GRADS.length][];
        for (int i = 0; i < GRADS.length; i++) {
            INDArray g = Nd4j.createFromArray(GRADS[i]).addi(p.mul(wd));
            u.applyUpdater(g, i, i);
            p.subi(g);
            out[i] = p.toDoubleVector();
        }
        return out;
    }

    private static void assertTrajectory(double[][] expected, double[][] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], 1e-12, "step " + (i + 1));
        }
    }

    @Test
    void nesterovMomentumMatchesPyTorchAcrossLearningRateDrops() {
        assertTrajectory(new double[][]{{0.905, -1.81}, {0.9025, -1.805}, {0.88705, -1.8083}, {0.874745, -1.77927},
                {0.8725101, -1.7780846}}, trajectory(new TorchSgd(LR, 0.9, true), 0));
    }

    @Test
    void heavyBallMomentumMatchesPyTorch() {
        assertTrajectory(new double[][]{{0.95, -1.9}, {0.9205, -1.841}, {0.908659, -1.835318}, {0.89493641, -1.81569282},
                {0.89201933718, -1.81260703436}}, trajectory(new TorchSgd(LR, 0.99, false), 0));
    }

    @Test
    void zeroMomentumIsPlainSgdWithoutState() {
        TorchSgd plain = new TorchSgd(LR, 0, true);
        assertTrue(plain.stateSize(2) == 0 && !plain.isNesterov());
        assertTrajectory(new double[][]{{0.95, -1.9}, {0.97, -1.94}, {0.964, -1.946}, {0.962, -1.932}, {0.9618, -1.9328}},
                trajectory(plain, 0));
    }

    @Test
    void weightDecayAddedBeforeTheUpdaterMatchesPyTorchsWeightDecay() {
        assertTrajectory(new double[][]{{0.904905, -1.80981}, {0.902278534025, -1.80455706805},
                        {0.8867967710023534, -1.8077935420047069}, {0.8744544556501288, -1.7786882615002575},
                        {0.8722111121939847, -1.7774858060224386}},
                trajectory(new TorchSgd(LR, 0.9, true), 5e-4));
    }

    @Test
    void dl4jsNesterovsDepartsFromPyTorchAfterADrop() {
        // the reason for TorchSgd: DL4J keeps lr inside its velocity, so the steps after a drop are too large
        double[][] dl4j = trajectory(new Nesterovs(LR, 0.9), 0);
        assertArrayEquals(new double[]{0.905, -1.81}, dl4j[0], 1e-12, "equal before the drop");
        assertTrue(Math.abs(dl4j[2][0] - 0.88705) > 1e-3, "after the drop: " + dl4j[2][0]);
    }
}
