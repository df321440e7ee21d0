package dev.dashspark.core.loss;

import dev.dashspark.core.task.OutputKind;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The training losses by configuration name, each with the output kinds it suits, the network's output activation,
 * and its DL4J loss function. Reductions follow the reference (docs/algorithm.md, "Losses"): every loss is a mean
 * over the batch and over labels/positions, except {@link #REL_L2}, which sums over the batch as the reference's
 * Darcy loss does.
 */
public enum Loss {
    /** Softmax cross-entropy (PyTorch's {@code CrossEntropyLoss}), mean over the batch. */
    CE("ce", EnumSet.of(OutputKind.CLASSES), Activation.SOFTMAX),
    /**
     * Binary cross-entropy on logits with a positive-term weight (PyTorch's {@code BCEWithLogitsLoss(pos_weight)}),
     * mean over the batch and the labels or positions: {@link WeightedBinaryCrossEntropy}.
     */
    BCE("bce", EnumSet.of(OutputKind.MULTI_LABEL, OutputKind.DENSE), Activation.SIGMOID),
    /** Mean squared error (PyTorch's {@code MSELoss()}), mean over the batch and the positions. */
    MSE("mse", EnumSet.of(OutputKind.DENSE), Activation.IDENTITY),
    /** Relative L2 error per sample, summed over the batch (the reference's {@code LpLoss(size_average=False)}). */
    REL_L2("rel-l2", EnumSet.of(OutputKind.DENSE), Activation.IDENTITY);

    private final String configName;
    private final Set<OutputKind> kinds;
    private final Activation activation;

    Loss(String configName, Set<OutputKind> kinds, Activation activation) {
        this.configName = configName;
        this.kinds = kinds;
        this.activation = activation;
    }

    /** The name in task files: {@code ce}, {@code bce}, {@code mse} or {@code rel-l2}. */
    public String configName() {
        return configName;
    }

    /** Whether this loss can train a task that predicts {@code kind}. */
    public boolean suits(OutputKind kind) {
        return kinds.contains(kind);
    }

    /** The losses that suit {@code kind}, by configuration name. */
    public static java.util.List<String> namesFor(OutputKind kind) {
        return Arrays.stream(values()).filter(l -> l.suits(kind)).map(Loss::configName).toList();
    }

    /** The output layer's activation: the predictions the metrics see. */
    public Activation activation() {
        return activation;
    }

    /** The DL4J loss function; {@code posWeight} is {@link #BCE}'s positive-term weight (1 for the others). */
    public ILossFunction function(double posWeight) {
        if (this != BCE && posWeight != 1.0) {
            throw new IllegalArgumentException("pos-weight: " + posWeight + " applies to loss bce only, not '" + configName + "'");
        }
        return switch (this) {
            case CE -> new LossMCXENT();
            case BCE -> new WeightedBinaryCrossEntropy(posWeight);
            case MSE -> new LossMSE();
            case REL_L2 -> new RelativeL2Loss();
        };
    }

    /** The loss named {@code name} (exact), or an error naming the value and the accepted names. */
    public static Loss parse(String name) {
        for (Loss l : values()) {
            if (l.configName.equals(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("loss: unknown loss '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Loss::configName).toList());
    }

    @Override
    public String toString() {
        return configName;
    }
}
