package dev.dashspark.core.trial;

import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ResNet1D's dense-output variant (remain_shape): a per-position regression trained on relative L2. */
class DenseOutputTrialTest {

    /** y = the 5-tap moving average of x (zero padded): a task a per-position network can learn. */
    static INDArray[] smoothing(int n, int length, SplittableRandom rng) {
        double[] x = new double[n * length];
        double[] y = new double[n * length];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextDouble() * 2 - 1;
        }
        for (int b = 0; b < n; b++) {
            for (int t = 0; t < length; t++) {
                double s = 0;
                for (int j = -2; j <= 2; j++) {
                    if (t + j >= 0 && t + j < length) {
                        s += x[b * length + t + j];
                    }
                }
                y[b * length + t] = s / 5;
            }
        }
        return new INDArray[]{Nd4j.createFromArray(x).reshape(n, 1, length), Nd4j.createFromArray(y).reshape(n, 1, length)};
    }

    @Test
    void backboneAndDashTrainADenseOneDimensionalTask() {
        Map<String, String> p = new HashMap<>();
        p.put("dims", "1");
        p.put("channels", "1");
        p.put("shape", "32");
        p.put("output", "dense");
        p.put("outputs", "1");
        p.put("loss", "rel-l2");
        p.put("metric", "rel-l2");
        p.put("backbone", "resnet1d");
        p.put("kernels", "3,5");
        p.put("dilations", "1,2");
        p.put("batch", "16");
        p.put("search-epochs", "2");
        p.put("hpo-epochs", "1");
        p.put("retrain-epochs", "6");
        p.put("target-normalization", "per-position");
        TaskSpec spec = TaskSpec.fromProperties("smooth", p);
        SplittableRandom rng = new SplittableRandom(4);
        INDArray[] train = smoothing(96, 32, rng);
        INDArray[] val = smoothing(32, 32, rng);
        INDArray[] test = smoothing(32, 32, rng);
        TaskData data = new TaskData(train[0], train[1], val[0], val[1], test[0], test[1]);
        for (Method m : new Method[]{Method.BACKBONE, Method.DASH}) {
            TrialResult r = new TrialRunner(spec, m, 2, new TrialRunner.Options(HpoGrid.parse("none"), 0.1, 1), Progress.NONE).run(data);
            assertEquals(TrialStatus.OK, r.status(), m + ": " + r.message());
            assertEquals("rel-l2", r.metricName());
            assertEquals(r.metricValue(), r.error(), 0.0, "rel-l2 is its own error");
            // predicting zeros gives 1.0; a trained per-position network does clearly better
            assertTrue(r.metricValue() < 0.9, m + ": relative L2 " + r.metricValue());
        }
        // targets a thousand times smaller (Darcy's solutions are ~1e-2): per-position normalisation trains on
        // standardised targets and decodes the outputs inside the network, so the result does not depend on the scale
        TaskData small = new TaskData(train[0], train[1].mul(1e-3), val[0], val[1].mul(1e-3), test[0], test[1].mul(1e-3));
        TrialResult plain = new TrialRunner(spec, Method.BACKBONE, 2, new TrialRunner.Options(HpoGrid.parse("none"), 0.1, 1), Progress.NONE).run(data);
        TrialResult scaled = new TrialRunner(spec, Method.BACKBONE, 2, new TrialRunner.Options(HpoGrid.parse("none"), 0.1, 1), Progress.NONE).run(small);
        assertEquals(plain.metricValue(), scaled.metricValue(), 0.05, "rel-L2 at scale 1 vs 1e-3");
    }
}
