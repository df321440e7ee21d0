package dev.dashspark.core.train;

import dev.dashspark.core.backbone.Backbone;
import dev.dashspark.core.layer.Conv;
import dev.dashspark.core.loss.Loss;
import dev.dashspark.core.task.OutputKind;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * {@link Training#epoch}'s hooks for the task extras: a training minibatch's augmentation drawn from the epoch's
 * generator (so reruns and resumed stages reproduce it), and ignore flags masking label elements out of the loss.
 */
class TrainingTest {

    /** 3 × 8 × 8 images into 4 classes: one convolution, average pooling, a linear layer. */
    private static ComputationGraph classifier() {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(5)
                .dataType(DataType.FLOAT).updater(new Sgd(0.5)).graphBuilder().addInputs("in");
        g.addLayer("conv", Conv.builder().dims(2).kernel(3).nIn(3).nOut(6).build(), "in");
        Backbone.addHead(g, "conv", 6, 8, 8, 4, Backbone.HeadSpec.classes());
        ComputationGraph net = new ComputationGraph(g.setOutputs("out")
                .setInputTypes(InputType.convolutional(8, 8, 3)).build());
        net.init();
        return net;
    }

    /** A dense head straight on a 1 × 4 × 4 input whose logits are the input itself (W = 1, b = 0). */
    private static ComputationGraph identityLogits(Loss loss) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(5)
                .dataType(DataType.FLOAT).updater(new Sgd(0.5)).graphBuilder().addInputs("in");
        Backbone.addHead(g, "in", 1, 4, 4, 1, new Backbone.HeadSpec(OutputKind.DENSE, loss, 1.0));
        ComputationGraph net = new ComputationGraph(g.setOutputs("out")
                .setInputTypes(InputType.convolutional(4, 4, 1)).build());
        net.init();
        net.getLayer("headconv").getParam("W").assign(1);
        net.getLayer("headconv").getParam("b").assign(0);
        return net;
    }

    private static INDArray uniform(SplittableRandom rng, double lo, double hi, long... shape) {
        double[] v = new double[(int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * rng.nextDouble();
        }
        return Nd4j.createFromArray(v).reshape(shape).castTo(DataType.FLOAT);
    }

    private static INDArray oneHot(int n, int classes) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, classes);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, (i * 7) % classes, 1);
        }
        return y;
    }

    private static INDArray train(ComputationGraph net, Training.Examples data, int from, int to) {
        for (int e = from; e < to; e++) {
            Training.epoch(net, data, 8, 1.0, TrainLoop.StepOptions.PLAIN, e, 42, "test");
        }
        return net.params().dup();
    }

    @Test
    void augmentedEpochsAreReproducedByARerunAndByAStageResumedBetweenThem() {
        SplittableRandom rng = new SplittableRandom(1);
        INDArray x = uniform(rng, -1, 1, 24, 3, 8, 8);
        INDArray y = oneHot(24, 4);
        Training.Examples augmented = new Training.Examples(x, y, null, null, new CropFlip(new double[]{0}));
        INDArray straight = train(classifier(), augmented, 0, 2);
        assertEquals(straight, train(classifier(), augmented, 0, 2), "a rerun");
        ComputationGraph resumed = classifier();
        train(resumed, augmented, 0, 1);
        assertEquals(straight, train(resumed.clone(), augmented, 1, 2), "epoch 1 from a copy of the state after epoch 0");
        INDArray plain = train(classifier(), new Training.Examples(x, y), 0, 2);
        assertNotEquals(plain, straight, "the augmentation changes what is trained");
        // an augmenter that draws from the generator but changes nothing: the batches, their order and everything
        // else drawn per epoch come before it, so training is exactly as without one
        Training.Augmenter drawsOnly = (batch, r) -> {
            r.nextLong();
            return batch;
        };
        assertEquals(plain, train(classifier(), new Training.Examples(x, y, null, null, drawsOnly), 0, 2));
    }

    /** (rows, 16) of 0/1: element i is 1 when i is a multiple of {@code every}. */
    private static INDArray everyNth(int rows, int every) {
        INDArray a = Nd4j.zeros(DataType.FLOAT, rows, 16);
        for (int i = 0; i < rows * 16; i += every) {
            a.putScalar(i, 1);
        }
        return a;
    }

    /** {@code y} with its labels flipped where {@code ignore} is 1. */
    private static INDArray flippedWhereIgnored(INDArray y, INDArray ignore) {
        return y.add(ignore).fmodi(2);
    }

    private static double softplus(double v) {
        return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    }

    @Test
    void ignoredElementsLeaveTheLossAndItsGradientButStillCountInItsMean() {
        SplittableRandom rng = new SplittableRandom(2);
        INDArray x = uniform(rng, -3, 3, 6, 1, 4, 4);
        INDArray y = everyNth(6, 3);
        INDArray ignore = everyNth(6, 5);
        double[] z = x.reshape(96).toDoubleVector();
        for (Loss loss : new Loss[]{Loss.BCE, Loss.MSE}) {
            double expected = 0;
            for (int i = 0; i < 96; i++) {
                double t = y.getDouble(i);
                double l = loss == Loss.BCE ? t * softplus(-z[i]) + (1 - t) * softplus(z[i]) : (z[i] - t) * (z[i] - t);
                expected += (1 - ignore.getDouble(i)) * l;
            }
            expected /= 96; // the reference's mean over every element, ignored ones included (as zeros)
            ComputationGraph net = identityLogits(loss);
            double score = TrainLoop.step(net, x, y, ignore.rsub(1.0), TrainLoop.StepOptions.PLAIN, 0);
            assertEquals(expected, score, 1e-6, loss + ": the masked loss");
            ComputationGraph copy = identityLogits(loss);
            copy.params().assign(net.params());
            assertEquals(TrainLoop.predict(copy, x, 6), TrainLoop.predict(net, x, 6),
                    loss + ": the mask is gone once the step is done; predictions are not masked");
            // labels changed only where ignored: the same loss and the same update
            ComputationGraph other = identityLogits(loss);
            assertEquals(score, TrainLoop.step(other, x, flippedWhereIgnored(y, ignore), ignore.rsub(1.0),
                            TrainLoop.StepOptions.PLAIN, 0),
                    1e-7, loss.configName());
            assertEquals(net.params(), other.params(), loss + ": ignored labels do not move the parameters");
            ComputationGraph unmasked = identityLogits(loss);
            assertNotEquals(score, TrainLoop.step(unmasked, x, y, null, TrainLoop.StepOptions.PLAIN, 0), 1e-3,
                    loss.configName());
        }
    }

    @Test
    void trainingExamplesThroughTheEpochUseTheirIgnoreFlags() {
        SplittableRandom rng = new SplittableRandom(3);
        INDArray x = uniform(rng, -3, 3, 8, 1, 4, 4);
        INDArray y = everyNth(8, 3);
        INDArray ignore = everyNth(8, 4);
        INDArray flipped = flippedWhereIgnored(y, ignore);
        INDArray a = train(identityLogits(Loss.BCE), new Training.Examples(x, y, null, ignore, null), 0, 2);
        INDArray b = train(identityLogits(Loss.BCE), new Training.Examples(x, flipped, null, ignore, null), 0, 2);
        assertEquals(a, b, "labels differ only where ignored");
        assertNotEquals(a, train(identityLogits(Loss.BCE), new Training.Examples(x, flipped), 0, 2));
    }
}
