package dev.dashspark.core.aggconv;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * AggConv by the costlier route (the reference speed test's "mixed-results"; the same function as the others): one dilated direct convolution ({@link DirectConv}) per candidate, outputs summed with weights c. Cost grows with
 * |K||D|; this is the baseline DASH is measured against (the speed test of BENCHMARKS.md).
 */
final class MixedResultsStrategy implements AggConvStrategy {
    static final MixedResultsStrategy INSTANCE = new MixedResultsStrategy();

    private MixedResultsStrategy() {
    }

    @Override
    public Strategy kind() {
        return Strategy.MIXED_RESULTS;
    }

    private static DirectConv.Geometry geometry(AggConvSpec spec, int i) {
        SearchSpace space = spec.space();
        int k = space.kernel(i);
        int d = space.dilation(i);
        int p = d * (k - 1) / 2;
        int s = spec.stride();
        return spec.dims() == 1
                ? new DirectConv.Geometry(1, k, 1, s, 0, p, 1, d)
                : new DirectConv.Geometry(k, k, s, s, p, p, d, d);
    }

    @Override
    public Forward forward(AggConvSpec spec, INDArray x, INDArray[] weights, double[] c, double[] bias, INDArray out,
                           boolean keepForBackward) {
        spec.checkInputShape(x.shape());
        INDArray x4 = DirectConv.as4d(x);
        double[][] w = Kernels.asDouble(weights);
        INDArray y = null;
        for (int i = 0; i < spec.space().size(); i++) {
            INDArray yi = DirectConv.forward(x4, w[i], spec.outChannels(), spec.depthwise(), geometry(spec, i));
            yi.muli(c[i]);
            y = y == null ? yi : y.addi(yi);
        }
        Outputs.addBias(y, bias);
        INDArray output = Outputs.deliver(y.reshape(spec.outputShape(x.shape())), out);
        return new Forward(spec, output, x, weights, c.clone(), bias, w);
    }

    @Override
    public Backward backward(Forward f, INDArray dy, INDArray dxOut) {
        AggConvSpec spec = f.spec();
        INDArray x4 = DirectConv.as4d(f.input());
        INDArray dy4 = DirectConv.as4d(dy);
        double[][] w = (double[][]) f.cache();
        int n = spec.space().size();
        INDArray dx = null;
        INDArray[] dW = new INDArray[n];
        double[] dc = new double[n];
        for (int i = 0; i < n; i++) {
            // with dL/dy unscaled: dL/dW_i = c_i·g, dL/dc_i = ⟨W_i, g⟩, dL/dx = Σ c_i·(dx of candidate i)
            Object[] g = DirectConv.backward(x4, w[i], dy4, spec.outChannels(), spec.depthwise(), geometry(spec, i));
            INDArray dxi = ((INDArray) g[0]).muli(f.c()[i]);
            dx = dx == null ? dxi : dx.addi(dxi);
            double[] gw = (double[]) g[1];
            double dot = 0;
            for (int j = 0; j < gw.length; j++) {
                dot += gw[j] * w[i][j];
                gw[j] *= f.c()[i];
            }
            dc[i] = dot;
            dW[i] = dev.dashspark.core.util.Arrays2.fromDouble(gw, spec.weightShape(i), f.weights()[i].dataType());
        }
        return new Backward(Outputs.deliver(dx.reshape(f.input().shape()), dxOut), dW, dc, Outputs.biasGradient(dy, f.bias()));
    }
}
