package dev.dashspark.core.backbone;

import dev.dashspark.core.aggconv.SearchSpace;
import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.search.Architecture;
import dev.dashspark.core.search.LayerChoice;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;

import java.util.List;

/**
 * A CNN backbone whose searchable convolutions are named slots (ALGORITHM.md §3): the same builder makes the
 * backbone itself, the supernet (every slot an AggConv), the discretized network as the search saw it, and the
 * retrain network of a found architecture.
 */
public interface Backbone {

    /** The searchable convolutions, in layer order. */
    List<ConvSlot> slots();

    /** The network with each slot made by {@code convs}; {@code dropout} after each searchable convolution. */
    ComputationGraphConfiguration graph(NeuralNetConfiguration.Builder base, ConvFactory convs, double dropout);

    /** Spatial dimensions the backbone convolves over: 1 or 2. */
    int dims();

    /** The retrain network's convolutions for a found architecture. */
    ConvFactory retrainConvs(Architecture arch);

    /** The backbone's own kernels (dilation 1) as an architecture. */
    default Architecture defaultArchitecture() {
        return new Architecture(slots().stream().map(s -> new LayerChoice(s.name(), s.defaultKernel(), 1)).toList());
    }

    /** Supernet convolutions: every slot an AggConv over the space, depthwise where it maps C channels to C. */
    default ConvFactory supernetConvs(SearchSpace space, Strategy strategy, boolean gumbel, long noiseSeed) {
        return slot -> dev.dashspark.core.layer.AggConvLayer.builder().dims(dims()).searchSpace(space).strategy(strategy)
                .gumbel(gumbel).noiseSeed(noiseSeed).depthwise(slot.separable()).stride(slot.stride())
                .nIn(slot.inChannels()).nOut(slot.outChannels()).build();
    }

    /**
     * The convolutions of a found architecture as the search saw them: centred, depthwise where the supernet was,
     * each a single-candidate FFT AggConv without noise. With the same weights this network computes exactly what
     * the supernet computes when α is one-hot on the same choices (ALGORITHM.md §6.4).
     */
    default ConvFactory searchedConvs(Architecture arch) {
        return slot -> {
            LayerChoice c = arch.get(slot.name());
            return dev.dashspark.core.layer.AggConvLayer.builder().dims(dims())
                    .searchSpace(new SearchSpace(new int[]{c.kernel()}, new int[]{c.dilation()}))
                    .strategy(Strategy.FFT).gumbel(false).depthwise(slot.separable()).stride(slot.stride())
                    .nIn(slot.inChannels()).nOut(slot.outChannels()).build();
        };
    }
}
