package dev.dashspark.core.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

import java.util.Map;
import java.util.Objects;

/**
 * PyTorch's {@code torch.optim.SGD} (dampening 0), the optimiser of every stage of the reference (docs/algorithm.md,
 * "Optimiser"). With g the gradient (weight decay already added by DL4J's L2, as PyTorch adds it), μ the momentum and
 * lr the epoch's learning rate:
 * <pre>buf ← μ·buf + g (buf = g on the first step);   step = lr·(g + μ·buf) with Nesterov, lr·buf without;   p ← p − step</pre>
 * DL4J's own {@code Nesterovs} keeps lr inside its velocity, so after a learning-rate drop it goes on taking steps of
 * the old size for about 1/(1 − μ) iterations; this updater keeps the reference's behaviour across every drop.
 * Momentum 0 is plain SGD ({@code step = lr·g}).
 */
public class TorchSgd implements IUpdater {
    private static final long serialVersionUID = 1L;

    private double learningRate = Double.NaN;
    private ISchedule learningRateSchedule;
    private double momentum;
    private boolean nesterov;

    /** For Jackson. */
    public TorchSgd() {
    }

    /**
     * @param learningRateSchedule the learning rate by epoch (never null)
     * @param momentum             μ in [0, 1)
     * @param nesterov             Nesterov momentum (the reference uses it whenever μ ≠ 0)
     */
    public TorchSgd(ISchedule learningRateSchedule, double momentum, boolean nesterov) {
        if (learningRateSchedule == null) {
            throw new IllegalArgumentException("learning-rate schedule: must not be null");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum: must be in [0, 1), got " + momentum);
        }
        this.learningRateSchedule = learningRateSchedule;
        this.momentum = momentum;
        this.nesterov = nesterov && momentum > 0;
    }

    @Override
    public long stateSize(long numParams) {
        return momentum > 0 ? numParams : 0;
    }

    @Override
    public GradientUpdater<TorchSgd> instantiate(INDArray viewArray, boolean initializeViewArray) {
        Updater u = new Updater(this);
        if (momentum > 0) {
            u.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
        }
        return u;
    }

    @Override
    public GradientUpdater<TorchSgd> instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
        Updater u = new Updater(this);
        u.setState(state, initializeStateArrays);
        return u;
    }

    @Override
    public TorchSgd clone() {
        TorchSgd c = new TorchSgd();
        c.learningRate = learningRate;
        c.learningRateSchedule = learningRateSchedule == null ? null : learningRateSchedule.clone();
        c.momentum = momentum;
        c.nesterov = nesterov;
        return c;
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule != null ? learningRateSchedule.valueAt(iteration, epoch) : learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        this.learningRate = lr;
        this.learningRateSchedule = lrSchedule;
    }

    public double getLearningRate() {
        return learningRate;
    }

    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    public ISchedule getLearningRateSchedule() {
        return learningRateSchedule;
    }

    public void setLearningRateSchedule(ISchedule learningRateSchedule) {
        this.learningRateSchedule = learningRateSchedule;
    }

    public double getMomentum() {
        return momentum;
    }

    public void setMomentum(double momentum) {
        this.momentum = momentum;
    }

    public boolean isNesterov() {
        return nesterov;
    }

    public void setNesterov(boolean nesterov) {
        this.nesterov = nesterov;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchSgd t && Double.compare(learningRate, t.learningRate) == 0
                && Objects.equals(learningRateSchedule, t.learningRateSchedule)
                && Double.compare(momentum, t.momentum) == 0 && nesterov == t.nesterov;
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, learningRateSchedule, momentum, nesterov);
    }

    @Override
    public String toString() {
        return "TorchSgd(momentum=" + momentum + ", nesterov=" + nesterov + ", lr=" + learningRateSchedule + ")";
    }

    /** The state: the momentum buffer {@code buf} (none when μ = 0). */
    static final class Updater implements GradientUpdater<TorchSgd> {
        static final String BUFFER = "buf";
        private final TorchSgd config;
        private INDArray buf;

        Updater(TorchSgd config) {
            this.config = config;
        }

        @Override
        public TorchSgd getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> state, boolean initialize) {
            if (config.momentum == 0) {
                return;
            }
            INDArray b = state.get(BUFFER);
            if (b == null) {
                throw new IllegalStateException("TorchSgd: state has no '" + BUFFER + "' array");
            }
            this.buf = b;
            if (initialize) {
                buf.assign(0);
            }
        }

        @Override
        public Map<String, INDArray> getState() {
            return buf == null ? Map.of() : Map.of(BUFFER, buf);
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            if (initialize) {
                viewArray.assign(0);
            }
            this.buf = viewArray.reshape(gradientOrder, gradientShape);
        }

        /** Turns the gradient (in place) into the step DL4J subtracts from the parameters. */
        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            double lr = config.getLearningRate(iteration, epoch);
            double mu = config.momentum;
            if (mu == 0) {
                gradient.muli(lr);
                return;
            }
            // the state is a view with the gradient's values in the same order; match its shape ([n] or [1, n])
            INDArray b = java.util.Arrays.equals(buf.shape(), gradient.shape()) ? buf : buf.reshape(gradient.shape());
            // buf starts at 0, so μ·0 + g = g is PyTorch's first-step buf = g
            b.muli(mu).addi(gradient);
            if (config.nesterov) {
                gradient.addi(b.mul(mu)).muli(lr);
            } else {
                gradient.assign(b).muli(lr);
            }
        }
    }
}
