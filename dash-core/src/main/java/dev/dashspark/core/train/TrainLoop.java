package dev.dashspark.core.train;

import dev.dashspark.core.layer.AggConvLayerImpl;
import dev.dashspark.core.layer.AggConvParamInitializer;
import dev.dashspark.core.layer.ChannelBatchNormImpl;
import dev.dashspark.core.layer.ChannelBatchNormParamInitializer;
import dev.dashspark.core.util.Flat;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.SpecifiedIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The manual training loop of DASH (docs/algorithm.md, Search and Optimiser; DL4J's own fit loop cannot scale the α-gradients): per step, forward and backward; gradients
 * divided by the batch size; optionally each AggConv layer's α-gradient normalised
 * ({@code g ← g/(gs·(‖g‖ + 1e-8)) + 1e-5·f}, f_i = d_i(k_i − 1) + 1) and all gradients clipped to a global L2 norm;
 * then DL4J's updaters (L2 and Nesterov momentum) and the parameter update. Batch-norm running statistics are
 * never scaled or clipped.
 */
public final class TrainLoop {
    private TrainLoop() {
    }

    /** Gradient treatment of one step. */
    public record StepOptions(double gradScale, boolean remainShape, double clipNorm) {
        /** Plain training: no α normalisation, no clipping. */
        public static final StepOptions PLAIN = new StepOptions(0, false, 0);
    }

    /** Minibatches of an epoch: a fraction of a shuffled pass, {@code int(fraction·n) + 1} batches (at most n). */
    public static List<int[]> batches(long size, int batch, double fraction, SplittableRandom rng) {
        int n = (int) size;
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int total = (n + batch - 1) / batch;
        int take = fraction >= 1 ? total : Math.min(total, (int) (fraction * total) + 1);
        List<int[]> out = new ArrayList<>();
        for (int b = 0; b < take; b++) {
            int from = b * batch;
            int to = Math.min(n, from + batch);
            out.add(java.util.Arrays.copyOfRange(perm, from, to));
        }
        return out;
    }

    /**
     * Rows {@code idx} of {@code a} along the first axis, as a new c-ordered array: each row is one bulk copy of its
     * bytes (ND4J's indexed get took 10–50 ms for a 256-row minibatch of 784 values per row).
     */
    public static INDArray rows(INDArray a, int[] idx) {
        long[] shape = a.shape().clone();
        shape[0] = idx.length;
        INDArray src = Flat.isDense(a) ? a : a.dup('c');
        long rowLen = src.length() / Math.max(1, src.size(0));
        long bytes = src.length() * src.dataType().width();
        if (bytes > Integer.MAX_VALUE || src.isEmpty()) {
            return indexedRows(src, idx);
        }
        INDArray out = Nd4j.createUninitialized(src.dataType(), shape, 'c');
        int width = src.dataType().width();
        int rowBytes = (int) (rowLen * width);
        java.nio.ByteBuffer from = src.data().asNio();
        java.nio.ByteBuffer to = out.data().asNio();
        int base = (int) (src.offset() * width);
        int toBase = (int) (out.offset() * width);
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= src.size(0)) {
                throw new IndexOutOfBoundsException("rows: index " + idx[i] + " outside [0, " + src.size(0) + ")");
            }
            to.put(toBase + i * rowBytes, from, base + idx[i] * rowBytes, rowBytes);
        }
        return out;
    }

    private static INDArray indexedRows(INDArray a, int[] idx) {
        long[] li = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            li[i] = idx[i];
        }
        org.nd4j.linalg.indexing.INDArrayIndex[] all = new org.nd4j.linalg.indexing.INDArrayIndex[a.rank()];
        all[0] = new SpecifiedIndex(li);
        for (int d = 1; d < a.rank(); d++) {
            all[d] = NDArrayIndex.all();
        }
        return a.get(all).dup('c');
    }

    /**
     * One optimisation step; returns the minibatch loss. A thread that was interrupted (a trial cancelled by its
     * sweep, e.g. at its timeout) stops here with a {@link java.util.concurrent.CancellationException}, before any
     * work, and keeps its interrupt flag.
     *
     * @param labelMask per-element weights of the loss aligned with y (0 leaves an element out), or null for none
     */
    public static double step(ComputationGraph net, INDArray x, INDArray y, INDArray labelMask, StepOptions o,
                              int epoch) {
        if (Thread.currentThread().isInterrupted()) {
            throw new java.util.concurrent.CancellationException("interrupted: the trial was cancelled");
        }
        net.setInputs(x);
        net.setLabels(y);
        net.setLayerMaskArrays(null, labelMask == null ? null : new INDArray[]{labelMask});
        net.computeGradientAndScore();
        net.clearLayerMaskArrays(); // the output layer would otherwise apply it to later predictions
        double loss = net.score();
        Gradient g = net.gradient();
        long b = x.size(0);
        List<INDArray> clipped = new ArrayList<>();
        for (UpdaterBlock block : net.getUpdater().getUpdaterBlocks()) {
            for (UpdaterBlock.ParamState ps : block.getLayersAndVariablesInBlock()) {
                Trainable layer = ps.getLayer();
                String name = ps.getParamName();
                INDArray view = ps.getGradView();
                if (layer.updaterDivideByMinibatch(name)) {
                    view.divi(b);
                }
                boolean statistic = layer instanceof ChannelBatchNormImpl && ChannelBatchNormParamInitializer.isStatistic(name);
                if (statistic) {
                    continue;
                }
                if (o.gradScale() > 0 && layer instanceof AggConvLayerImpl agg && AggConvParamInitializer.ALPHA.equals(name)) {
                    scaleArchitectureGradient(agg, view, o);
                }
                clipped.add(view);
            }
        }
        if (o.clipNorm() > 0) {
            double total = 0;
            for (INDArray v : clipped) {
                double n = v.norm2Number().doubleValue();
                total += n * n;
            }
            total = Math.sqrt(total);
            double coef = o.clipNorm() / (total + 1e-6);
            if (coef < 1) {
                for (INDArray v : clipped) {
                    v.muli(coef);
                }
            }
        }
        int iteration = net.getConfiguration().getIterationCount();
        net.getUpdater().update(g, iteration, epoch, 1, LayerWorkspaceMgr.noWorkspaces());
        net.params().subi(g.gradient());
        net.getConfiguration().setIterationCount(iteration + 1);
        return loss;
    }

    /** {@code g ← g/(gs·(‖g‖ + 1e-8)) + 1e-5·f}, the reference's scale_grad (docs/algorithm.md, Search). */
    public static void scaleArchitectureGradient(AggConvLayerImpl layer, INDArray view, StepOptions o) {
        var space = layer.layerConf().searchSpace();
        double norm = view.norm2Number().doubleValue();
        view.divi(o.gradScale() * (norm + 1e-8));
        double[] f = new double[space.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = 1e-5 * (o.remainShape() ? 10.0 * space.kernel(i) : space.extent(i));
        }
        view.addi(Nd4j.createFromArray(f).castTo(view.dataType()).reshape(view.shape()));
    }

    /** Predictions of the network in batches (inference mode). */
    public static INDArray predict(ComputationGraph net, INDArray x, int batch) {
        return predict(x, batch, part -> net.output(false, part)[0]);
    }

    /** {@code forward} of x in batches of {@code batch} rows, the results concatenated along the first axis. */
    public static INDArray predict(INDArray x, int batch, java.util.function.UnaryOperator<INDArray> forward) {
        List<INDArray> parts = new ArrayList<>();
        long n = x.size(0);
        for (long from = 0; from < n; from += batch) {
            long to = Math.min(n, from + batch);
            org.nd4j.linalg.indexing.INDArrayIndex[] idx = new org.nd4j.linalg.indexing.INDArrayIndex[x.rank()];
            idx[0] = NDArrayIndex.interval(from, to);
            for (int d = 1; d < x.rank(); d++) {
                idx[d] = NDArrayIndex.all();
            }
            parts.add(forward.apply(x.get(idx).dup('c')).dup());
        }
        return Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }
}
