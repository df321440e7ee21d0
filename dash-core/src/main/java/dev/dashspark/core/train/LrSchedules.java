package dev.dashspark.core.train;

import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference's learning-rate schedule of every stage (docs/algorithm.md, "Learning rates"): a {@code LambdaLR}
 * stepped once per epoch, lr = lr0·0.2^n with n the number of milestones m for which {@code epoch > m} (0-based
 * epochs, so the first drop takes effect in epoch m + 1), milestones 1D {30, 60, 90, 120, 160} and 2D
 * {60, 120, 160} for the search (100 epochs), every HPO configuration (80) and the retraining (200) alike; the
 * scheduler stops stepping once the weights' rate is ≤ 5e-6, so the rate never falls further.
 *
 * <p>Project choice: budgets other than the reference's scale the milestones, m' = round(m·E/E_ref), so that a
 * 10-epoch search drops where a 100-epoch one does, in proportion; at the reference budgets m' = m.
 */
public final class LrSchedules {
    /** The reference's milestones in 1D and 2D. */
    static final int[] MILESTONES_1D = {30, 60, 90, 120, 160};
    static final int[] MILESTONES_2D = {60, 120, 160};
    /** Drop factor. */
    public static final double FACTOR = 0.2;
    /** The scheduler steps only while the weights' rate is above this. */
    public static final double MIN_LR = 5e-6;

    private LrSchedules() {
    }

    /** A stage and its reference budget. */
    public enum Stage {
        SEARCH(100), HPO(80), RETRAIN(200);

        private final int referenceEpochs;

        Stage(int referenceEpochs) {
            this.referenceEpochs = referenceEpochs;
        }

        public int referenceEpochs() {
            return referenceEpochs;
        }
    }

    /**
     * The 0-based epochs at whose start the rate drops by {@link #FACTOR}, for a stage of {@code epochs} epochs in
     * {@code dims} dimensions whose weights start at {@code lr0} (which decides when the 5e-6 floor stops the drops).
     */
    public static int[] dropEpochs(int dims, Stage stage, int epochs, double lr0) {
        int[] milestones = dims == 1 ? MILESTONES_1D : MILESTONES_2D;
        List<Integer> drops = new ArrayList<>();
        double lr = lr0;
        for (int m : milestones) {
            int scaled = (int) Math.round((double) m * epochs / stage.referenceEpochs());
            int at = scaled + 1; // epoch > m
            if (at >= epochs || lr <= MIN_LR) {
                break;
            }
            drops.add(at);
            lr *= FACTOR;
        }
        return drops.stream().mapToInt(Integer::intValue).toArray();
    }

    /** lr0·0.2^(number of drops at or before the epoch), as a DL4J epoch schedule. */
    public static MapSchedule schedule(double lr0, int[] dropEpochs) {
        MapSchedule.Builder b = new MapSchedule.Builder(ScheduleType.EPOCH).add(0, lr0);
        double lr = lr0;
        for (int e : dropEpochs) {
            lr *= FACTOR;
            b.add(e, lr);
        }
        return b.build();
    }

    /** The stage's schedule for a parameter group starting at {@code lr0}, drops decided by the weights' {@code weightLr0}. */
    public static MapSchedule schedule(int dims, Stage stage, int epochs, double weightLr0, double lr0) {
        return schedule(lr0, dropEpochs(dims, stage, epochs, weightLr0));
    }
}
