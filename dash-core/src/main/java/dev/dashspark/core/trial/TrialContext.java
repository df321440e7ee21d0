package dev.dashspark.core.trial;

import dev.dashspark.core.backbone.Backbone;
import dev.dashspark.core.backbone.ResNet1D;
import dev.dashspark.core.backbone.WideResNet;
import dev.dashspark.core.metric.Metric;
import dev.dashspark.core.task.OutputKind;
import dev.dashspark.core.task.TaskSpec;
import dev.dashspark.core.metric.Clips;
import dev.dashspark.core.task.TaskExtras;
import dev.dashspark.core.train.TrainLoop;
import dev.dashspark.core.train.Training;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;


/**
 * What every stage of one trial shares: the task, the trial's options, its metric, where it reports, where it
 * checkpoints, and the data as the networks see them.
 *
 * @param decoder per-position (scale, shift) of a dense task's {@link dev.dashspark.core.layer.TargetDecoder}
 *                (targets normalised per position), or null: an identity decoder where the head has one
 */
public record TrialContext(TaskSpec spec, TrialRunner.Options options, Metric metric, Progress progress,
                    CheckpointPolicy checkpoints, Split train, Split val, Split test, INDArray[] decoder) {

    /**
     * One split as the networks see it: 1D inputs as [N, C, L, 1], dense labels flattened to (N, n).
     *
     * @param index  the rows of x and y in the split, or null for all of them (train with a validation split held out
     *               of it keeps the task's arrays and lists its rows)
     * @param ignore the task's ignore flags aligned with y (key {@code ignore-mask}), or null
     * @param clips  the clip id of each row (N) (key {@code clip-average}; validation and test), or null
     */
    public record Split(INDArray x, INDArray y, int[] index, INDArray ignore, INDArray clips) {
        long size() {
            return index == null ? x.size(0) : index.length;
        }

        /** The split's labels as one array (a copy when it is a subset). */
        INDArray labels() {
            return index == null ? y : TrainLoop.rows(y, index);
        }
    }

    /** The task's backbone: the search network, or the retrain network (2D: WRN-16-w with the retrain w). */
    Backbone backbone(boolean retrain) {
        Backbone.HeadSpec head = new Backbone.HeadSpec(spec.outputKind(), spec.loss(), spec.posWeight(),
                spec.targetNormalization() == dev.dashspark.core.task.TargetNormalization.PER_POSITION);
        return switch (spec.backbone()) {
            case RESNET1D -> ResNet1D.forTask(spec.inputChannels(), spec.inputShape()[0], spec.numOutputs(), head);
            case WRN -> new WideResNet(spec.inputChannels(), spec.inputShape()[0], spec.inputShape()[1],
                    spec.numOutputs(), retrain ? options.retrainWiden() : 1, head);
        };
    }

    /** Whether the search runs the reference's {@code remain_shape} variant (dense outputs). */
    boolean remainShape() {
        return spec.outputKind() == OutputKind.DENSE;
    }

    /** Sets a freshly initialised network's task constants (the target decoder) and the head's initialisation. */
    void prepare(ComputationGraph net, long seed) {
        Backbone.initializeHead(net, seed);
        if (decoder != null) {
            net.getLayer("decoder").getParam(dev.dashspark.core.layer.TargetDecoder.SCALE).assign(decoder[0]);
            net.getLayer("decoder").getParam(dev.dashspark.core.layer.TargetDecoder.SHIFT).assign(decoder[1]);
        }
    }

    /**
     * What the training stages train on: the training split, its ignore flags, and the task's augmentation (never
     * applied to validation or test).
     */
    Training.Examples examples() {
        TaskExtras extras = spec.extras();
        return new Training.Examples(train.x(), train.y(), train.index(), train.ignore(),
                extras.augment().augmenter(extras.augmentFill()));
    }

    /**
     * The metric's value of the network on a split (validation or test; its predictions are already decoded), as
     * the task's extras say (docs/algorithm.md, "Task extras"): per clip, the sigmoid of the mean of its chunks'
     * logits ({@code clip-average}); predictions and labels zeroed where the ignore flags are set
     * ({@code ignore-mask}); dense predictions and labels shaped (B, outputs, spatial...) on the split's grid, which
     * may be larger than the training grid (predicted in batches of at most as many positions as a training batch).
     */
    double evaluate(ComputationGraph net, Split s, String stage, String splitName) {
        if (s.index() != null) {
            throw new IllegalArgumentException("evaluate: split " + splitName + " lists rows; evaluation takes whole"
                    + " splits");
        }
        long positions = 1;
        for (int i = 2; i < s.x().rank(); i++) {
            positions *= s.x().size(i);
        }
        long trained = java.util.Arrays.stream(spec.inputShape()).asLongStream().reduce(1, (a, b) -> a * b);
        int batch = (int) Math.max(1, Math.min(spec.batchSize(), spec.batchSize() * trained / positions));
        double v;
        if (spec.extras().clipAverage()) {
            INDArray logits = TrainLoop.predict(s.x(), batch, part -> Backbone.logits(net, part));
            Clips.Scored clips = Clips.average(logits, s.y(), s.clips());
            v = metric.compute(clips.probabilities(), clips.labels());
        } else {
            INDArray p = TrainLoop.predict(net, s.x(), batch);
            INDArray y = s.y();
            if (s.ignore() != null) {
                INDArray keep = s.ignore().rsub(1.0);
                p.muli(keep);
                y = y.mul(keep);
            }
            if (spec.outputKind() == OutputKind.DENSE) {
                long[] grid = s.x().shape().clone();
                grid[1] = spec.numOutputs();
                p = p.reshape('c', grid);
                y = y.reshape('c', grid);
            }
            v = metric.compute(p, y);
        }
        progress.evaluated(stage, splitName, v);
        return v;
    }
}
