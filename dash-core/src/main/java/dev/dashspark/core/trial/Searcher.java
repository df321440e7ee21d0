package dev.dashspark.core.trial;

import dev.dashspark.core.aggconv.SearchSpace;
import dev.dashspark.core.arch.Architecture;
import dev.dashspark.core.arch.LayerChoice;
import dev.dashspark.core.backbone.ConvSlot;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How a trial gets its architecture, one (k, d) per searchable convolution of the backbone: DASH's search
 * ({@link DashSearch}), the backbone's own kernels, or a random draw from the search space.
 */
@FunctionalInterface
public interface Searcher {

    /**
     * The architecture for the trial.
     *
     * @param seed everything random in the choice derives from it
     */
    Architecture architecture(TrialContext ctx, long seed) throws IOException;

    /** The backbone's default kernels, dilation 1: no search. */
    Searcher BACKBONE = (ctx, seed) -> ctx.backbone(true).defaultArchitecture();

    /** A (k, d) per searchable layer, drawn uniformly from the task's search space. */
    Searcher RANDOM = (ctx, seed) -> {
        SplittableRandom rng = new SplittableRandom(seed);
        SearchSpace space = ctx.spec().searchSpace();
        List<LayerChoice> layers = new ArrayList<>();
        for (ConvSlot slot : ctx.backbone(false).slots()) {
            int i = rng.nextInt(space.size());
            layers.add(new LayerChoice(slot.name(), space.kernel(i), space.dilation(i)));
        }
        return new Architecture(layers);
    };
}
