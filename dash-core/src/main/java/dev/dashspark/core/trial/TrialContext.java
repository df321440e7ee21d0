package dev.dashspark.core.trial;

import dev.dashspark.core.backbone.Backbone;
import dev.dashspark.core.backbone.ResNet1D;
import dev.dashspark.core.backbone.WideResNet;
import dev.dashspark.core.metric.Metric;
import dev.dashspark.core.task.OutputKind;
import dev.dashspark.core.task.TaskSpec;
import dev.dashspark.core.train.TrainLoop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.UnaryOperator;

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
     * @param index the rows of x and y in the split, or null for all of them (train with a validation split held out
     *              of it keeps the task's arrays and lists its rows)
     */
    public record Split(INDArray x, INDArray y, int[] index) {
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

    /** The metric's value of the network on a split (its predictions are already decoded). */
    double evaluate(ComputationGraph net, Split s, String stage, String splitName) {
        double v = TrainLoop.evaluate(net, s.x(), s.y(), spec.batchSize(), metric, UnaryOperator.identity());
        progress.evaluated(stage, splitName, v);
        return v;
    }
}
