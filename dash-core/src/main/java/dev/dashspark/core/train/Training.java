package dev.dashspark.core.train;

import dev.dashspark.core.layer.AggConvLayerImpl;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * One training epoch of a stage, reproducible from (stage seed, epoch) alone: the batch order, the dropout masks
 * (ND4J's per-thread generator) and every AggConv layer's Gumbel noise are reseeded from them at the start of the
 * epoch. A stage resumed at epoch e from a checkpoint of its parameters and updater state therefore continues
 * exactly as the uninterrupted run would have.
 */
public final class Training {
    private Training() {
    }

    /** A seed for epoch {@code epoch} of the stage seeded {@code stageSeed} (SplitMix64 of the pair). */
    static long epochSeed(long stageSeed, int epoch) {
        long z = stageSeed + 0x9E3779B97F4A7C15L * (epoch + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Runs epoch {@code epoch} (0-based) of a stage: {@code int(fraction·n) + 1} shuffled minibatches of
     * {@code batch} rows of (x, y) (all n when fraction ≥ 1), one {@link TrainLoop#step} each. Returns the mean loss.
     *
     * @param index the rows of x and y that make up the training set (n = its length), or null for all of them: a
     *              validation split held out of train needs no copy of the rest
     * @param stage the stage's name, for the {@link Diverged} message
     * @throws Diverged when a minibatch loss is NaN or infinite
     */
    public static double epoch(ComputationGraph net, INDArray x, INDArray y, int[] index, int batch, double fraction,
                               TrainLoop.StepOptions o, int epoch, long stageSeed, String stage) {
        long seed = epochSeed(stageSeed, epoch);
        SplittableRandom rng = new SplittableRandom(seed);
        Nd4j.getRandom().setSeed(rng.nextLong());
        for (Layer l : net.getLayers()) {
            if (l instanceof AggConvLayerImpl agg) {
                agg.reseedNoise(rng.nextLong() ^ l.getIndex());
            }
        }
        net.getConfiguration().setEpochCount(epoch);
        double sum = 0;
        int n = 0;
        for (int[] idx : TrainLoop.batches(index == null ? x.size(0) : index.length, batch, fraction, rng)) {
            if (index != null) {
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = index[idx[i]];
                }
            }
            double loss = TrainLoop.step(net, TrainLoop.rows(x, idx), TrainLoop.rows(y, idx), o, epoch);
            if (!Double.isFinite(loss)) {
                throw new Diverged(stage, epoch + 1, loss);
            }
            sum += loss;
            n++;
        }
        return sum / Math.max(1, n);
    }
}
