package dev.dashspark.core.trial;

import dev.dashspark.core.arch.Architecture;

import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one trial: the architecture, the chosen hyperparameters, the metric on the test split (evaluated
 * once), the validation error that selected the checkpoint, and wall time per stage.
 *
 * @param status       {@link TrialStatus#OK}, or {@link TrialStatus#DIVERGED} when a stage's loss became non-finite (then metric and error are NaN / +∞)
 * @param error        the metric's lower-is-better error on test (for performance profiles)
 * @param valError     the best validation error of the retraining
 */
public record TrialResult(String task, String method, long seed, TrialStatus status, String message,
                          Architecture architecture, Hyperparams hyperparams, String metricName, double metricValue,
                          double error, double valError, double searchSeconds, double hpoSeconds,
                          double retrainSeconds, double totalSeconds) {

    public boolean ok() {
        return status == TrialStatus.OK;
    }

    /** One JSON object, the architecture as a list of {layer, k, d}. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task);
        m.put("method", method);
        m.put("seed", seed);
        m.put("status", status.name());
        m.put("message", message);
        m.put("metric_name", metricName);
        m.put("metric_value", finite(metricValue));
        m.put("error", finite(error));
        m.put("val_error", finite(valError));
        m.put("hparams", hyperparams == null ? null : hyperparams.asMap());
        try {
            ObjectMapper json = new ObjectMapper();
            m.put("arch", architecture == null ? null : json.readValue(architecture.toJson(), Object.class));
            m.put("search_s", searchSeconds);
            m.put("hpo_s", hpoSeconds);
            m.put("retrain_s", retrainSeconds);
            m.put("total_s", totalSeconds);
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? v : Double.toString(v);
    }
}
