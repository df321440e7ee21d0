package dev.dashspark.core.aggconv;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DARTS-style AggConv: one dilated direct convolution per candidate, outputs summed with weights c. Cost grows with
 * |K||D|; this is the baseline DASH is measured against (ALGORITHM.md §4, "mixed-results").
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
        INDArray y = null;
        for (int i = 0; i < spec.space().size(); i++) {
            INDArray yi = DirectConv.forward(x4, DirectConv.weightAs4d(weights[i].castTo(x.dataType())), spec.depthwise(), geometry(spec, i));
            yi.muli(c[i]);
            y = y == null ? yi : y.addi(yi);
        }
        Outputs.addBias(y, bias);
        INDArray output = Outputs.deliver(y.reshape(spec.outputShape(x.shape())), out);
        return new Forward(spec, output, x, weights, c.clone(), bias, null);
    }

    @Override
    public Backward backward(Forward f, INDArray dy, INDArray dxOut) {
        AggConvSpec spec = f.spec();
        INDArray x4 = DirectConv.as4d(f.input());
        INDArray dy4 = DirectConv.as4d(dy.castTo(x4.dataType()));
        INDArray dx = Nd4j.zeros(x4.dataType(), x4.shape());
        int n = spec.space().size();
        INDArray[] dW = new INDArray[n];
        double[] dc = new double[n];
        for (int i = 0; i < n; i++) {
            INDArray w4 = DirectConv.weightAs4d(f.weights()[i].castTo(x4.dataType()));
            INDArray[] g = DirectConv.backward(x4, w4, dy4, spec.depthwise(), geometry(spec, i));
            dx.addi(g[0].muli(f.c()[i]));
            dc[i] = g[1].castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                    .mul(w4.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)).sumNumber().doubleValue();
            dW[i] = g[1].muli(f.c()[i]).reshape(spec.weightShape(i)).castTo(f.weights()[i].dataType());
        }
        return new Backward(Outputs.deliver(dx.reshape(f.input().shape()), dxOut), dW, dc, Outputs.biasGradient(dy, f.bias()));
    }
}
