package dev.dashspark.core.task;

import dev.dashspark.core.aggconv.SearchSpace;
import dev.dashspark.core.metric.Metrics;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One task of the benchmark (ALGORITHM.md §3): input and output shapes, loss, metric, backbone, the DASH search
 * space K × D, batch size, epoch budgets, the α-gradient scale, and where its data come from.
 *
 * <p>Shapes: inputs are (B, inputChannels, L) when {@code dims = 1} and (B, inputChannels, H, W) when
 * {@code dims = 2}, with {@code inputShape = {L}} or {@code {H, W}}. Labels depend on {@link OutputKind}: one-hot
 * (B, numOutputs) for {@code CLASSES}, 0/1 (B, numOutputs) for {@code MULTI_LABEL}, (B, numOutputs, spatial...) for
 * {@code DENSE}.
 *
 * <p>Validated once, here, whether built from code or from {@link #fromProperties(String, Map) properties}; every
 * error names the task, the field and the value, e.g. {@code task 'ecg': kernels: kernel size 4 in [3, 4] is even}.
 * Besides each field's own range, the combinations are checked: the loss and metric must suit the output kind
 * ({@code ce} and {@code accuracy}/{@code macro-f1} for classes; {@code bce} and {@code map}/{@code auroc} for
 * multi-label; {@code mse}/{@code rel-l2}/{@code bce} and {@code rel-l2}/{@code mae}/{@code fnr} for dense), the
 * backbone the dimensionality ({@code resnet1d} in 1D, {@code wrn} in 2D), and a synthetic generator's layout the
 * declared shapes.
 *
 * @param name            task name: letters, digits, {@code _} and {@code -}
 * @param dims            1 or 2 spatial dimensions
 * @param inputChannels   input channels C ≥ 1
 * @param inputShape      spatial input shape, {@code {L}} or {@code {H, W}}, each ≥ 1
 * @param outputKind      what the task predicts
 * @param numOutputs      classes (≥ 2), labels (≥ 1) or dense output channels (≥ 1)
 * @param loss            {@code ce}, {@code bce}, {@code mse} or {@code rel-l2}
 * @param metric          a {@link Metrics#NAMES metric name}
 * @param backbone        {@code resnet1d} or {@code wrn}
 * @param kernels         candidate kernel sizes K (validated by {@link SearchSpace})
 * @param dilations       candidate dilations D (validated by {@link SearchSpace})
 * @param batchSize       minibatch size &gt; 0
 * @param searchEpochs    supernet search epochs &gt; 0 (100 in the paper)
 * @param hpoEpochs       epochs per hyperparameter configuration &gt; 0 (80)
 * @param retrainEpochs   retraining epochs &gt; 0 (200)
 * @param gradScale       α-gradient scale of {@code scale_grad} &gt; 0 ({@value #DEFAULT_GRAD_SCALE} unless the task
 *                        sets one)
 * @param posWeight       weight of the positive term of the binary cross-entropy (PyTorch's {@code pos_weight};
 *                        FSD50K 10, DeepSEA 4); 1 unless the task sets one, and only with loss {@code bce}
 * @param dataPath        path of an {@code .npz} file or a directory of {@code .npy} files; {@code null} for
 *                        synthetic tasks or when not yet configured
 * @param synthetic       name of a {@link SyntheticTasks} generator, or {@code null}
 * @param syntheticParams the generator's parameters (empty when none; never {@code null} after construction)
 */
public record TaskSpec(String name, int dims, int inputChannels, int[] inputShape, OutputKind outputKind,
                       int numOutputs, String loss, String metric, String backbone, int[] kernels, int[] dilations,
                       int batchSize, int searchEpochs, int hpoEpochs, int retrainEpochs, double gradScale,
                       double posWeight, String dataPath, String synthetic, Map<String, String> syntheticParams) {

    /** The default α-gradient scale (ALGORITHM.md §1.2). */
    public static final double DEFAULT_GRAD_SCALE = 100.0;

    /** Valid losses. */
    public static final List<String> LOSSES = List.of("ce", "bce", "mse", "rel-l2");

    /** Valid backbones: {@code resnet1d} for 1D tasks, {@code wrn} for 2D tasks. */
    public static final List<String> BACKBONES = List.of("resnet1d", "wrn");

    /** Keys understood by {@link #fromProperties}; {@code synthetic.<param>} keys come on top. */
    public static final List<String> KEYS = List.of("dims", "channels", "shape", "output", "outputs", "loss",
            "metric", "backbone", "kernels", "dilations", "batch", "search-epochs", "hpo-epochs", "retrain-epochs",
            "grad-scale", "pos-weight", "data", "synthetic");

    private static final Set<String> OPTIONAL_KEYS = Set.of("grad-scale", "pos-weight", "data", "synthetic");
    private static final String SYNTHETIC_PREFIX = "synthetic.";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    public TaskSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("task name: '" + name + "' must be non-empty letters, digits, '_' or '-'");
        }
        String at = "task '" + name + "': ";
        if (dims != 1 && dims != 2) {
            throw new IllegalArgumentException(at + "dims: " + dims + " must be 1 or 2");
        }
        if (inputChannels < 1) {
            throw new IllegalArgumentException(at + "channels: " + inputChannels + " must be ≥ 1");
        }
        if (inputShape == null || inputShape.length != dims) {
            throw new IllegalArgumentException(at + "shape: " + (inputShape == null ? "null" : Arrays.toString(inputShape))
                    + " must have " + dims + " dimension" + (dims == 1 ? " {L}" : "s {H, W}") + " for dims " + dims);
        }
        inputShape = inputShape.clone();
        for (int s : inputShape) {
            if (s < 1) {
                throw new IllegalArgumentException(at + "shape: " + Arrays.toString(inputShape) + " must be positive");
            }
        }
        if (outputKind == null) {
            throw new IllegalArgumentException(at + "output: must not be null");
        }
        int minOutputs = outputKind == OutputKind.CLASSES ? 2 : 1;
        if (numOutputs < minOutputs) {
            throw new IllegalArgumentException(at + "outputs: " + numOutputs + " must be ≥ " + minOutputs + " for output "
                    + outputKind.configName());
        }
        if (!LOSSES.contains(loss)) {
            throw new IllegalArgumentException(at + "loss: unknown loss '" + loss + "'; expected one of " + LOSSES);
        }
        List<String> lossesForKind = switch (outputKind) {
            case CLASSES -> List.of("ce");
            case MULTI_LABEL -> List.of("bce");
            case DENSE -> List.of("mse", "rel-l2", "bce");
        };
        if (!lossesForKind.contains(loss)) {
            throw new IllegalArgumentException(at + "loss: '" + loss + "' does not suit output " + outputKind.configName()
                    + "; expected one of " + lossesForKind);
        }
        try {
            Metrics.parse(metric);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + e.getMessage(), e);
        }
        List<String> metricsForKind = switch (outputKind) {
            case CLASSES -> List.of("accuracy", "macro-f1");
            case MULTI_LABEL -> List.of("map", "auroc");
            case DENSE -> List.of("rel-l2", "mae", "fnr");
        };
        if (!metricsForKind.contains(metric)) {
            throw new IllegalArgumentException(at + "metric: '" + metric + "' does not suit output "
                    + outputKind.configName() + "; expected one of " + metricsForKind);
        }
        if (!BACKBONES.contains(backbone)) {
            throw new IllegalArgumentException(at + "backbone: unknown backbone '" + backbone + "'; expected one of "
                    + BACKBONES);
        }
        String backboneForDims = dims == 1 ? "resnet1d" : "wrn";
        if (!backbone.equals(backboneForDims)) {
            throw new IllegalArgumentException(at + "backbone: '" + backbone + "' does not suit dims " + dims
                    + "; expected '" + backboneForDims + "'");
        }
        try {
            SearchSpace space = SearchSpace.of(kernels, dilations);
            kernels = space.kernels();
            dilations = space.dilations();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + e.getMessage(), e);
        }
        positive(at, "batch", batchSize);
        positive(at, "search-epochs", searchEpochs);
        positive(at, "hpo-epochs", hpoEpochs);
        positive(at, "retrain-epochs", retrainEpochs);
        if (!(gradScale > 0) || !Double.isFinite(gradScale)) {
            throw new IllegalArgumentException(at + "grad-scale: " + gradScale + " must be finite and > 0");
        }
        if (!(posWeight > 0) || !Double.isFinite(posWeight)) {
            throw new IllegalArgumentException(at + "pos-weight: " + posWeight + " must be finite and > 0");
        }
        if (posWeight != 1.0 && !"bce".equals(loss)) {
            throw new IllegalArgumentException(at + "pos-weight: " + posWeight + " applies to loss bce only, not '" + loss + "'");
        }
        if (dataPath != null && dataPath.isBlank()) {
            throw new IllegalArgumentException(at + "data: must not be blank (leave it out for no data path)");
        }
        if (dataPath != null && synthetic != null) {
            throw new IllegalArgumentException(at + "data: '" + dataPath + "' and synthetic: '" + synthetic
                    + "' exclude each other");
        }
        syntheticParams = syntheticParams == null ? Map.of()
                : Collections.unmodifiableMap(new TreeMap<>(syntheticParams));
        if (synthetic == null) {
            if (!syntheticParams.isEmpty()) {
                throw new IllegalArgumentException(at + "synthetic parameters " + syntheticParams
                        + " given without a synthetic generator");
            }
        } else {
            SyntheticTasks.Layout layout;
            try {
                layout = SyntheticTasks.layout(synthetic, syntheticParams);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + e.getMessage(), e);
            }
            String declared = "dims " + dims + ", channels " + inputChannels + ", shape " + Arrays.toString(inputShape)
                    + ", output " + outputKind.configName() + ", outputs " + numOutputs;
            if (!layout.describe().equals(declared)) {
                throw new IllegalArgumentException(at + "declares " + declared + " but synthetic '" + synthetic
                        + "' with " + syntheticParams + " produces " + layout.describe());
            }
        }
    }

    private static void positive(String at, String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(at + field + ": " + value + " must be > 0");
        }
    }

    /**
     * A task from {@code key → value} pairs (keys without the {@code task.<name>.} prefix; values are trimmed):
     * <pre>
     * dims = 1 | 2                 channels = C                 shape = L | HxW (e.g. 1000, 16x52)
     * output = classes | multi-label | dense                    outputs = N
     * loss = ce | bce | mse | rel-l2                            metric = accuracy | macro-f1 | map | auroc | rel-l2 | mae | fnr
     * backbone = resnet1d | wrn    kernels = 3,5,7              dilations = 1,3,7
     * batch = B                    search-epochs = E            hpo-epochs = E               retrain-epochs = E
     * grad-scale = 100 (optional)  data = path (optional)       synthetic = name (optional)  synthetic.&lt;param&gt; = value
     * </pre>
     * Unknown keys, missing required keys and unparsable values are rejected naming the task and the key.
     */
    public static TaskSpec fromProperties(String name, Map<String, String> properties) {
        String at = "task '" + name + "': ";
        if (properties == null) {
            throw new IllegalArgumentException(at + "properties must not be null");
        }
        Map<String, String> p = new LinkedHashMap<>();
        Map<String, String> params = new TreeMap<>();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String key = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().trim();
            if (key.startsWith(SYNTHETIC_PREFIX)) {
                String param = key.substring(SYNTHETIC_PREFIX.length());
                if (param.isEmpty()) {
                    throw new IllegalArgumentException(at + "key '" + key + "' names no synthetic parameter");
                }
                params.put(param, value);
            } else if (KEYS.contains(key)) {
                p.put(key, value);
            } else {
                throw new IllegalArgumentException(at + "unknown key '" + key + "'; expected one of " + KEYS
                        + " or synthetic.<param>");
            }
        }
        for (String key : KEYS) {
            if (!OPTIONAL_KEYS.contains(key) && !p.containsKey(key)) {
                throw new IllegalArgumentException(at + "missing key '" + key + "'");
            }
        }
        OutputKind kind;
        try {
            kind = OutputKind.parse(p.get("output"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + e.getMessage(), e);
        }
        double gradScale = DEFAULT_GRAD_SCALE;
        if (p.containsKey("grad-scale")) {
            try {
                gradScale = Double.parseDouble(p.get("grad-scale"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(at + "grad-scale: '" + p.get("grad-scale") + "' is not a number", e);
            }
        }
        double posWeight = 1.0;
        if (p.containsKey("pos-weight")) {
            try {
                posWeight = Double.parseDouble(p.get("pos-weight"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(at + "pos-weight: '" + p.get("pos-weight") + "' is not a number", e);
            }
        }
        return new TaskSpec(name, integer(at, p, "dims"), integer(at, p, "channels"), shape(at, p.get("shape")), kind,
                integer(at, p, "outputs"), p.get("loss"), p.get("metric"), p.get("backbone"),
                list(at, "kernels", p.get("kernels")), list(at, "dilations", p.get("dilations")),
                integer(at, p, "batch"), integer(at, p, "search-epochs"), integer(at, p, "hpo-epochs"),
                integer(at, p, "retrain-epochs"), gradScale, posWeight, p.get("data"), p.get("synthetic"), params);
    }

    /** The properties {@link #fromProperties} reads back into an equal spec (for provenance and config hashes). */
    public Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("dims", Integer.toString(dims));
        p.put("channels", Integer.toString(inputChannels));
        p.put("shape", String.join("x", Arrays.stream(inputShape).mapToObj(Integer::toString).toList()));
        p.put("output", outputKind.configName());
        p.put("outputs", Integer.toString(numOutputs));
        p.put("loss", loss);
        p.put("metric", metric);
        p.put("backbone", backbone);
        p.put("kernels", join(kernels));
        p.put("dilations", join(dilations));
        p.put("batch", Integer.toString(batchSize));
        p.put("search-epochs", Integer.toString(searchEpochs));
        p.put("hpo-epochs", Integer.toString(hpoEpochs));
        p.put("retrain-epochs", Integer.toString(retrainEpochs));
        p.put("grad-scale", Double.toString(gradScale));
        if (posWeight != 1.0) {
            p.put("pos-weight", Double.toString(posWeight));
        }
        if (dataPath != null) {
            p.put("data", dataPath);
        }
        if (synthetic != null) {
            p.put("synthetic", synthetic);
            syntheticParams.forEach((k, v) -> p.put(SYNTHETIC_PREFIX + k, v));
        }
        return p;
    }

    /** This spec with another data path (e.g. given on the command line); {@code null} clears it. */
    public TaskSpec withDataPath(String path) {
        return new TaskSpec(name, dims, inputChannels, inputShape, outputKind, numOutputs, loss, metric, backbone,
                kernels, dilations, batchSize, searchEpochs, hpoEpochs, retrainEpochs, gradScale, posWeight, path,
                synthetic, syntheticParams);
    }

    /** The DASH search space K × D of every searchable convolution of this task. */
    public SearchSpace searchSpace() {
        return SearchSpace.of(kernels, dilations);
    }

    /** The expected input shape of a batch of {@code b} samples: (b, C, L) or (b, C, H, W). */
    public long[] inputShapeFor(long b) {
        long[] s = new long[dims + 2];
        s[0] = b;
        s[1] = inputChannels;
        for (int i = 0; i < dims; i++) {
            s[i + 2] = inputShape[i];
        }
        return s;
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int[] kernels() {
        return kernels.clone();
    }

    @Override
    public int[] dilations() {
        return dilations.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskSpec t && name.equals(t.name) && dims == t.dims && inputChannels == t.inputChannels
                && Arrays.equals(inputShape, t.inputShape) && outputKind == t.outputKind && numOutputs == t.numOutputs
                && loss.equals(t.loss) && metric.equals(t.metric) && backbone.equals(t.backbone)
                && Arrays.equals(kernels, t.kernels) && Arrays.equals(dilations, t.dilations)
                && batchSize == t.batchSize && searchEpochs == t.searchEpochs && hpoEpochs == t.hpoEpochs
                && retrainEpochs == t.retrainEpochs && Double.compare(gradScale, t.gradScale) == 0
                && Double.compare(posWeight, t.posWeight) == 0
                && Objects.equals(dataPath, t.dataPath) && Objects.equals(synthetic, t.synthetic)
                && syntheticParams.equals(t.syntheticParams);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dims, inputChannels, Arrays.hashCode(inputShape), outputKind, numOutputs, loss,
                metric, backbone, Arrays.hashCode(kernels), Arrays.hashCode(dilations), batchSize, searchEpochs,
                hpoEpochs, retrainEpochs, gradScale, posWeight, dataPath, synthetic, syntheticParams);
    }

    @Override
    public String toString() {
        return "TaskSpec[" + name + ": " + toProperties() + "]";
    }

    private static int integer(String at, Map<String, String> p, String key) {
        String v = p.get(key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(at + key + ": '" + v + "' is not an integer", e);
        }
    }

    private static int[] shape(String at, String v) {
        String[] parts = v.split("x", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException(at + "shape: '" + v + "' is not L or HxW");
        }
        int[] s = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                s[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(at + "shape: '" + v + "' is not L or HxW", e);
            }
        }
        return s;
    }

    private static int[] list(String at, String key, String v) {
        String[] parts = v.split(",", -1);
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(at + key + ": '" + v + "' is not a comma-separated list of integers",
                        e);
            }
        }
        return out;
    }

    private static String join(int[] v) {
        return String.join(",", Arrays.stream(v).mapToObj(Integer::toString).toList());
    }
}
