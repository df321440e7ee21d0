package dev.dashspark.core.aggconv;

import dev.dashspark.core.util.Arrays2;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DASH techniques 1 and 3 without the Fourier transform: the candidates are Kronecker-dilated, centred in the span
 * S and mixed into one kernel W̄ = Σ c_i centre(dilate(W_i)), which is applied by one direct convolution with padding
 * (S − 1)/2 ({@link DirectConv}). Cost grows with S, not with |K||D| (the speed test of BENCHMARKS.md).
 */
final class MixedWeightsStrategy implements AggConvStrategy {
    static final MixedWeightsStrategy INSTANCE = new MixedWeightsStrategy();

    private MixedWeightsStrategy() {
    }

    @Override
    public Strategy kind() {
        return Strategy.MIXED_WEIGHTS;
    }

    private static DirectConv.Geometry geometry(AggConvSpec spec) {
        int span = spec.space().span();
        int p = spec.space().pad();
        int s = spec.stride();
        return spec.dims() == 1
                ? new DirectConv.Geometry(1, span, 1, s, 0, p, 1, 1)
                : new DirectConv.Geometry(span, span, s, s, p, p, 1, 1);
    }

    @Override
    public Forward forward(AggConvSpec spec, INDArray x, INDArray[] weights, double[] c, double[] bias, INDArray out,
                           boolean keepForBackward) {
        spec.checkInputShape(x.shape());
        double[][] w = Kernels.asDouble(weights);
        double[] mixed = Kernels.mixedKernel(spec, w, c);
        INDArray y = DirectConv.forward(DirectConv.as4d(x), mixed, spec.outChannels(), spec.depthwise(), geometry(spec));
        Outputs.addBias(y, bias);
        INDArray output = Outputs.deliver(y.reshape(spec.outputShape(x.shape())), out);
        return new Forward(spec, output, x, weights, c.clone(), bias, new double[][][]{w, {mixed}});
    }

    @Override
    public Backward backward(Forward f, INDArray dy, INDArray dxOut) {
        AggConvSpec spec = f.spec();
        double[][][] cache = (double[][][]) f.cache();
        double[][] w = cache[0];
        double[] mixed = cache[1][0];
        Object[] g = DirectConv.backward(DirectConv.as4d(f.input()), mixed, DirectConv.as4d(dy), spec.outChannels(),
                spec.depthwise(), geometry(spec));
        double[] dMixed = (double[]) g[1];
        int s0 = Kernels.span0(spec);
        int s1 = spec.space().span();
        int n = spec.space().size();
        double[][] dW = new double[n][];
        for (int i = 0; i < n; i++) {
            dW[i] = new double[w[i].length];
        }
        double[] dc = new double[n];
        Kernels.candidateGradients(spec, (r, t0, t1) -> dMixed[(r * s0 + t0) * s1 + t1], w, f.c(), dW, dc);
        INDArray[] dWArrays = new INDArray[n];
        for (int i = 0; i < n; i++) {
            dWArrays[i] = Arrays2.fromDouble(dW[i], spec.weightShape(i), f.weights()[i].dataType());
        }
        return new Backward(Outputs.deliver(((INDArray) g[0]).reshape(f.input().shape()), dxOut), dWArrays, dc,
                Outputs.biasGradient(dy, f.bias()));
    }
}
