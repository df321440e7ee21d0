package dev.dashspark.core.task;

import dev.dashspark.core.aggconv.SearchSpace;
import dev.dashspark.core.backbone.BackboneType;
import dev.dashspark.core.loss.Loss;
import dev.dashspark.core.metric.Metric;
import dev.dashspark.core.metric.Metrics;
import dev.dashspark.core.trial.HpoGrid;

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
 * One task of the benchmark (docs/algorithm.md, "Tasks"): input and output shapes, loss, metric, backbone, the DASH search
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
 * @param loss            the training loss
 * @param metric          the task's metric (one of {@link Metrics#NAMES})
 * @param backbone        the backbone ({@code resnet1d} in 1D, {@code wrn} in 2D)
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
 * @param hpoGrid         the task's hyperparameter grid ({@code reference} unless the task names another; the
 *                        reference gives PSICOV, Cosmic and FSD50K {@code reference-small})
 * @param targetNormalization how dense targets are normalised for training ({@code none} unless the task says)
 * @param dataPath        path of an {@code .npz} file or a directory of {@code .npy} files; {@code null} for
 *                        synthetic tasks or when not yet configured
 * @param synthetic       name of a {@link SyntheticTasks} generator, or {@code null}
 * @param syntheticParams the generator's parameters (empty when none; never {@code null} after construction)
 */
public record TaskSpec(String name, int dims, int inputChannels, int[] inputShape, OutputKind outputKind,
                       int numOutputs, Loss loss, Metric metric, BackboneType backbone, int[] kernels, int[] dilations,
                       int batchSize, int searchEpochs, int hpoEpochs, int retrainEpochs, double gradScale,
                       double posWeight, HpoGrid hpoGrid, TargetNormalization targetNormalization, String dataPath,
                       String synthetic, Map<String, String> syntheticParams) {

    /** The default α-gradient scale (docs/algorithm.md, "Search"). */
    public static final double DEFAULT_GRAD_SCALE = 100.0;

    /** Keys understood by {@link #fromProperties}; {@code synthetic.<param>} keys come on top. */
    public static final List<String> KEYS = List.of("dims", "channels", "shape", "output", "outputs", "loss",
            "metric", "backbone", "kernels", "dilations", "batch", "search-epochs", "hpo-epochs", "retrain-epochs",
            "grad-scale", "pos-weight", "hpo-grid", "target-normalization", "data", "synthetic");

    private static final Set<String> OPTIONAL_KEYS = Set.of("grad-scale", "pos-weight", "hpo-grid",
            "target-normalization", "data", "synthetic");
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
        if (loss == null) {
            throw new IllegalArgumentException(at + "loss: must not be null");
        }
        if (!loss.suits(outputKind)) {
            throw new IllegalArgumentException(at + "loss: '" + loss + "' does not suit output " + outputKind.configName()
                    + "; expected one of " + Loss.namesFor(outputKind));
        }
        if (metric == null) {
            throw new IllegalArgumentException(at + "metric: must not be null");
        }
        if (metric.outputKind() != outputKind) {
            throw new IllegalArgumentException(at + "metric: '" + metric.name() + "' does not suit output "
                    + outputKind.configName() + "; expected one of " + Metrics.namesFor(outputKind));
        }
        if (backbone == null) {
            throw new IllegalArgumentException(at + "backbone: must not be null");
        }
        if (backbone.dims() != dims) {
            throw new IllegalArgumentException(at + "backbone: '" + backbone + "' does not suit dims " + dims
                    + "; expected '" + BackboneType.forDims(dims) + "'");
        }
        if (hpoGrid == null || hpoGrid == HpoGrid.NONE) {
            throw new IllegalArgumentException(at + "hpo-grid: " + hpoGrid + " is not a task grid; expected one of "
                    + List.of(HpoGrid.REFERENCE, HpoGrid.REFERENCE_SMALL, HpoGrid.LR));
        }
        if (targetNormalization == null) {
            throw new IllegalArgumentException(at + "target-normalization: must not be null");
        }
        if (targetNormalization != TargetNormalization.NONE && outputKind != OutputKind.DENSE) {
            throw new IllegalArgumentException(at + "target-normalization: '" + targetNormalization
                    + "' applies to dense outputs only, not " + outputKind.configName());
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
        if (posWeight != 1.0 && loss != Loss.BCE) {
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
     * grad-scale = 100 (optional)  pos-weight = 1 (optional)    hpo-grid = reference | reference-small | lr (optional)
     * target-normalization = none | per-position (optional)
     * data = path (optional)       synthetic = name (optional)  synthetic.&lt;param&gt; = value
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
        OutputKind kind = parse(at, () -> OutputKind.parse(p.get("output")));
        Loss loss = parse(at, () -> Loss.parse(p.get("loss")));
        Metric metric = parse(at, () -> Metrics.parse(p.get("metric")));
        BackboneType backbone = parse(at, () -> BackboneType.parse(p.get("backbone")));
        HpoGrid grid = parse(at, () -> HpoGrid.parse(p.getOrDefault("hpo-grid", HpoGrid.REFERENCE.configName())));
        TargetNormalization norm = parse(at, () -> TargetNormalization.parse(
                p.getOrDefault("target-normalization", TargetNormalization.NONE.configName())));
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
                integer(at, p, "outputs"), loss, metric, backbone,
                list(at, "kernels", p.get("kernels")), list(at, "dilations", p.get("dilations")),
                integer(at, p, "batch"), integer(at, p, "search-epochs"), integer(at, p, "hpo-epochs"),
                integer(at, p, "retrain-epochs"), gradScale, posWeight, grid, norm, p.get("data"), p.get("synthetic"),
                params);
    }

    /** {@code parser}'s value, its error prefixed by the task. */
    private static <T> T parse(String at, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + e.getMessage(), e);
        }
    }

    /** The properties {@link #fromProperties} reads back into an equal spec (for provenance and config hashes). */
    public Map<String, String> toProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("dims", Integer.toString(dims));
        p.put("channels", Integer.toString(inputChannels));
        p.put("shape", String.join("x", Arrays.stream(inputShape).mapToObj(Integer::toString).toList()));
        p.put("output", outputKind.configName());
        p.put("outputs", Integer.toString(numOutputs));
        p.put("loss", loss.configName());
        p.put("metric", metric.name());
        p.put("backbone", backbone.configName());
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
        p.put("hpo-grid", hpoGrid.configName());
        if (targetNormalization != TargetNormalization.NONE) {
            p.put("target-normalization", targetNormalization.configName());
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
                kernels, dilations, batchSize, searchEpochs, hpoEpochs, retrainEpochs, gradScale, posWeight, hpoGrid,
                targetNormalization, path, synthetic, syntheticParams);
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
                && loss == t.loss && metric.name().equals(t.metric.name()) && backbone == t.backbone
                && Arrays.equals(kernels, t.kernels) && Arrays.equals(dilations, t.dilations)
                && batchSize == t.batchSize && searchEpochs == t.searchEpochs && hpoEpochs == t.hpoEpochs
                && retrainEpochs == t.retrainEpochs && Double.compare(gradScale, t.gradScale) == 0
                && Double.compare(posWeight, t.posWeight) == 0 && hpoGrid == t.hpoGrid
                && targetNormalization == t.targetNormalization
                && Objects.equals(dataPath, t.dataPath) && Objects.equals(synthetic, t.synthetic)
                && syntheticParams.equals(t.syntheticParams);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dims, inputChannels, Arrays.hashCode(inputShape), outputKind, numOutputs, loss,
                metric.name(), backbone, Arrays.hashCode(kernels), Arrays.hashCode(dilations), batchSize, searchEpochs,
                hpoEpochs, retrainEpochs, gradScale, posWeight, hpoGrid, targetNormalization, dataPath, synthetic,
                syntheticParams);
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
