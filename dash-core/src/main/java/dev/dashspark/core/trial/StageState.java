package dev.dashspark.core.trial;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.core.type.TypeReference;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The checkpoint of a training stage in one blob (so that it is replaced atomically as a whole): a zip holding
 * {@code state.json} (the epochs done and the stage's own values), {@code params.bin} (every parameter of the network,
 * batch-norm statistics included), {@code updater.bin} (the optimiser's state) and any named arrays the stage keeps
 * (the retraining's best-on-validation parameters). The network itself is rebuilt from the trial's configuration, so
 * only numbers are stored.
 *
 * @param values the stage's values; {@code epochs} (finished epochs) always
 * @param arrays named arrays besides the network's
 */
record StageState(Map<String, Object> values, Map<String, INDArray> arrays) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PARAMS = "params";
    private static final String UPDATER = "updater";

    int epochs() {
        return ((Number) values.get("epochs")).intValue();
    }

    double number(String key) {
        Object v = values.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
    }

    /** Writes the network's parameters and updater state with {@code values} and {@code arrays} to {@code store}. */
    static void save(Checkpoints store, String name, ComputationGraph net, Map<String, Object> values,
                     Map<String, INDArray> arrays) throws IOException {
        Map<String, INDArray> all = new LinkedHashMap<>(arrays);
        all.put(PARAMS, net.params());
        if (net.getUpdater() != null && net.getUpdater().getStateViewArray() != null) {
            all.put(UPDATER, net.getUpdater().getStateViewArray());
        }
        store.write(name, out -> write(out, values, all));
    }

    private static void write(OutputStream out, Map<String, Object> values, Map<String, INDArray> arrays)
            throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        zip.putNextEntry(new ZipEntry("state.json"));
        zip.write(JSON.writeValueAsBytes(values));
        zip.closeEntry();
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            zip.putNextEntry(new ZipEntry(e.getKey() + ".bin"));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream data = new DataOutputStream(bytes)) {
                Nd4j.write(e.getValue(), data);
            }
            bytes.writeTo(zip);
            zip.closeEntry();
        }
        zip.finish();
    }

    /** The stage's checkpoint, or empty; the network's parameters and updater state are restored into {@code net}. */
    static Optional<StageState> restore(Checkpoints store, String name, ComputationGraph net) throws IOException {
        Optional<StageState> s = store.read(name, StageState::read);
        if (s.isEmpty()) {
            return s;
        }
        Map<String, INDArray> arrays = new LinkedHashMap<>(s.get().arrays());
        INDArray params = arrays.remove(PARAMS);
        if (params == null || params.length() != net.params().length()) {
            throw new IOException("checkpoint '" + name + "': " + (params == null ? "no parameters"
                    : params.length() + " parameters, the network has " + net.params().length()));
        }
        net.params().assign(params);
        INDArray updater = arrays.remove(UPDATER);
        if (updater != null) {
            INDArray view = net.getUpdater().getStateViewArray();
            if (view == null || view.length() != updater.length()) {
                throw new IOException("checkpoint '" + name + "': updater state of " + updater.length()
                        + " values does not fit the network's " + (view == null ? 0 : view.length()));
            }
            view.assign(updater);
        }
        return Optional.of(new StageState(s.get().values(), arrays));
    }

    private static StageState read(InputStream in) throws IOException {
        Map<String, Object> values = null;
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        ZipInputStream zip = new ZipInputStream(in);
        for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
            byte[] bytes = zip.readAllBytes();
            if (e.getName().equals("state.json")) {
                values = JSON.readValue(bytes, new TypeReference<Map<String, Object>>() {
                });
            } else if (e.getName().endsWith(".bin")) {
                try (DataInputStream data = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
                    arrays.put(e.getName().substring(0, e.getName().length() - 4), Nd4j.read(data));
                }
            }
        }
        if (values == null || !(values.get("epochs") instanceof Number)) {
            throw new IOException("checkpoint: no state.json with an 'epochs' count");
        }
        return new StageState(values, arrays);
    }
}
