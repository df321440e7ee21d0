package dev.dashspark.core.train;

import dev.dashspark.core.train.LrSchedules.Stage;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.schedule.MapSchedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reference's {@code weight_sched_search}/{@code weight_sched_train}: ×0.2 in epoch m + 1 for each milestone m
 * (the lambda tests {@code epoch > m}), the 5e-6 floor, and the project's scaling to other budgets.
 */
class LrSchedulesTest {

    private static void assertRates(MapSchedule s, double[][] epochAndRate) {
        for (double[] e : epochAndRate) {
            assertEquals(e[1], s.valueAt(0, (int) e[0]), 1e-15, "epoch " + (int) e[0]);
        }
    }

    @Test
    void oneDimensionalSearchDropsInEpochs31_61_91() {
        assertArrayEquals(new int[]{31, 61, 91}, LrSchedules.dropEpochs(1, Stage.SEARCH, 100, 0.1));
        assertRates(LrSchedules.schedule(1, Stage.SEARCH, 100, 0.1, 0.1), new double[][]{{0, 0.1}, {30, 0.1}, {31, 0.02},
                {60, 0.02}, {61, 0.004}, {90, 0.004}, {91, 0.0008}, {99, 0.0008}});
        // α follows the weights' drops from its own 0.05
        assertRates(LrSchedules.schedule(1, Stage.SEARCH, 100, 0.1, 0.05), new double[][]{{30, 0.05}, {31, 0.01}, {91, 0.0004}});
    }

    @Test
    void retrainingAndHpoUseTheSameMilestonesOverTheirOwnBudgets() {
        assertArrayEquals(new int[]{31, 61, 91, 121, 161}, LrSchedules.dropEpochs(1, Stage.RETRAIN, 200, 0.1));
        assertArrayEquals(new int[]{31, 61}, LrSchedules.dropEpochs(1, Stage.HPO, 80, 0.1));
        assertArrayEquals(new int[]{61}, LrSchedules.dropEpochs(2, Stage.SEARCH, 100, 0.1));
        assertArrayEquals(new int[]{61, 121, 161}, LrSchedules.dropEpochs(2, Stage.RETRAIN, 200, 0.1));
        assertArrayEquals(new int[]{61}, LrSchedules.dropEpochs(2, Stage.HPO, 80, 0.1));
        assertRates(LrSchedules.schedule(2, Stage.RETRAIN, 200, 0.1, 0.1), new double[][]{{60, 0.1}, {61, 0.02},
                {120, 0.02}, {121, 0.004}, {160, 0.004}, {161, 0.0008}, {199, 0.0008}});
    }

    @Test
    void theRateStopsFallingOnceItIsAtMostFiveTimesTenToTheMinusSix() {
        // 1e-3 → 2e-4 → 4e-5 → 8e-6 → 1.6e-6 (≤ 5e-6: the scheduler no longer steps, the fifth drop never comes)
        assertArrayEquals(new int[]{31, 61, 91, 121}, LrSchedules.dropEpochs(1, Stage.RETRAIN, 200, 1e-3));
        assertRates(LrSchedules.schedule(1, Stage.RETRAIN, 200, 1e-3, 1e-3), new double[][]{{120, 8e-6}, {121, 1.6e-6},
                {161, 1.6e-6}, {199, 1.6e-6}});
        assertArrayEquals(new int[]{31, 61}, LrSchedules.dropEpochs(1, Stage.RETRAIN, 200, 1e-4));
    }

    @Test
    void otherBudgetsScaleTheMilestones() {
        // 10-epoch search: milestones 3, 6, 9 → drops in epochs 4 and 7 (10 is past the end)
        assertArrayEquals(new int[]{4, 7}, LrSchedules.dropEpochs(1, Stage.SEARCH, 10, 0.1));
        // 20 retraining epochs: 30, 60, 90, 120, 160 of 200 → 3, 6, 9, 12, 16 → drops in 4, 7, 10, 13, 17
        assertArrayEquals(new int[]{4, 7, 10, 13, 17}, LrSchedules.dropEpochs(1, Stage.RETRAIN, 20, 0.1));
        assertArrayEquals(new int[]{}, LrSchedules.dropEpochs(1, Stage.HPO, 2, 0.1));
    }
}
