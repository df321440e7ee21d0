package dev.dashspark.core.arch;

import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.core.type.TypeReference;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A found architecture: one {@link LayerChoice} per searchable convolution, in the backbone's layer order
 * (docs/algorithm.md, "Discretization"). Prints as a table, serialises to JSON and back.
 */
public record Architecture(List<LayerChoice> layers) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Architecture {
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("layers: an architecture needs at least one layer");
        }
        layers = List.copyOf(layers);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (LayerChoice c : layers) {
            if (!names.add(c.layer())) {
                throw new IllegalArgumentException("layers: layer '" + c.layer() + "' appears twice");
            }
        }
    }

    /** The choice for a layer by name. */
    public LayerChoice get(String layer) {
        for (LayerChoice c : layers) {
            if (c.layer().equals(layer)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no layer '" + layer + "' in " + names());
    }

    public List<String> names() {
        return layers.stream().map(LayerChoice::layer).toList();
    }

    /**
     * Receptive field of the chain of these convolutions when they are stacked one after the other with stride 1:
     * {@code 1 + Σ d_i(k_i − 1)}. For the ResNet1D backbone this is the receptive field of the path through every
     * ConvBlock (the residual shortcuts only shorten other paths).
     */
    public int chainReceptiveField() {
        int rf = 1;
        for (LayerChoice c : layers) {
            rf += c.extent() - 1;
        }
        return rf;
    }

    /** A fixed-width table: layer, k, d, extent. */
    public String table() {
        int w = Math.max(5, layers.stream().mapToInt(c -> c.layer().length()).max().orElse(5));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-" + w + "s  %3s  %4s  %6s%n", "layer", "k", "d", "extent"));
        for (LayerChoice c : layers) {
            sb.append(String.format("%-" + w + "s  %3d  %4d  %6d%n", c.layer(), c.kernel(), c.dilation(), c.extent()));
        }
        sb.append(String.format("receptive field of the conv chain: %d%n", chainReceptiveField()));
        return sb.toString();
    }

    /** {@code [{"layer":"b1c1","k":7,"d":3}, ...]}. */
    public String toJson() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LayerChoice c : layers) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", c.layer());
            m.put("k", c.kernel());
            m.put("d", c.dilation());
            rows.add(m);
        }
        try {
            return JSON.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses {@link #toJson()}'s format; errors name the entry and the field. */
    public static Architecture fromJson(String json) {
        List<Map<String, Object>> rows;
        try {
            rows = JSON.readValue(json, new TypeReference<List<Map<String, Object>>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("architecture JSON: " + e.getOriginalMessage());
        }
        List<LayerChoice> layers = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> r = rows.get(i);
            layers.add(new LayerChoice(string(r, "layer", i), integer(r, "k", i), integer(r, "d", i)));
        }
        return new Architecture(layers);
    }

    private static String string(Map<String, Object> r, String key, int i) {
        Object v = r.get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("architecture JSON: entry " + i + ": '" + key + "' must be a string, got " + v);
        }
        return s;
    }

    private static int integer(Map<String, Object> r, String key, int i) {
        Object v = r.get(key);
        if (!(v instanceof Integer n)) {
            throw new IllegalArgumentException("architecture JSON: entry " + i + ": '" + key + "' must be an integer, got " + v);
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Architecture[");
        for (int i = 0; i < layers.size(); i++) {
            LayerChoice c = layers.get(i);
            sb.append(i == 0 ? "" : ", ").append(c.layer()).append(" k=").append(c.kernel()).append(" d=").append(c.dilation());
        }
        return sb.append(']').toString();
    }
}
