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
     * Changes the inputs of one training minibatch (an augmentation), drawing what it needs from {@code rng}, the
     * epoch's generator; returns the new inputs.
     */
    @FunctionalInterface
    public interface Augmenter {
        INDArray apply(INDArray x, SplittableRandom rng);
    }

    /**
     * What a stage trains on.
     *
     * @param x         inputs
     * @param y         labels, flattened as the network's output
     * @param index     the rows of x and y that make up the training set, or null for all of them: a validation
     *                  split held out of train needs no copy of the rest
     * @param ignore    per-element ignore flags aligned with y (1: the element is left out of the loss), or null
     * @param augmenter the minibatch augmentation, or null for none
     */
    public record Examples(INDArray x, INDArray y, int[] index, INDArray ignore, Augmenter augmenter) {
        /** Plain examples: every row, no ignore flags, no augmentation. */
        public Examples(INDArray x, INDArray y) {
            this(x, y, null, null, null);
        }

        /** The number of training rows. */
        public long size() {
            return index == null ? x.size(0) : index.length;
        }
    }

    /**
     * Runs epoch {@code epoch} (0-based) of a stage: {@code int(fraction·n) + 1} shuffled minibatches of
     * {@code batch} rows of the examples (all n when fraction ≥ 1), one {@link TrainLoop#step} each. Returns the
     * mean loss. Each minibatch's inputs go through the examples' augmenter, which draws from the epoch's generator
     * after the batches are drawn (so the batches do not depend on it); its ignored label elements are masked out of
     * the loss.
     *
     * @param stage the stage's name, for the {@link Diverged} message
     * @throws Diverged when a minibatch loss is NaN or infinite
     */
    public static double epoch(ComputationGraph net, Examples data, int batch, double fraction, TrainLoop.StepOptions o,
                               int epoch, long stageSeed, String stage) {
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
        int[] index = data.index();
        for (int[] idx : TrainLoop.batches(data.size(), batch, fraction, rng)) {
            if (index != null) {
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = index[idx[i]];
                }
            }
            INDArray x = TrainLoop.rows(data.x(), idx);
            if (data.augmenter() != null) {
                x = data.augmenter().apply(x, rng);
            }
            INDArray keep = data.ignore() == null ? null : TrainLoop.rows(data.ignore(), idx).rsubi(1.0);
            double loss = TrainLoop.step(net, x, TrainLoop.rows(data.y(), idx), keep, o, epoch);
            if (!Double.isFinite(loss)) {
                throw new Diverged(stage, epoch + 1, loss);
            }
            sum += loss;
            n++;
        }
        return sum / Math.max(1, n);
    }
}
