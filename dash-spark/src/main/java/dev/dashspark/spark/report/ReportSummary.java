package dev.dashspark.spark.report;

import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * What {@link ReportJob#write} produced: where the page is and how complete the results were.
 *
 * @param indexHtml       the written {@code index.html} (a local path, or a qualified URI on another file system)
 * @param trials          trials in the results (one per trial id), finished with any status
 * @param planned         the planned trial count, when the caller knew it
 * @param statusCounts    trials per status (OK, FAILED, DIVERGED; zeros included)
 * @param tasks           tasks in the results
 * @param methods         methods in the results
 * @param incompleteCells task × method cells lacking some seed (or every seed)
 * @param headline        which method is best on how many tasks, one sentence ({@link Profiles#headline})
 */
public record ReportSummary(String indexHtml, int trials, OptionalInt planned, Map<String, Integer> statusCounts,
                            int tasks, int methods, int incompleteCells, String headline) {

    public ReportSummary {
        statusCounts = Map.copyOf(statusCounts);
    }

    /** E.g. {@code 10 of 12 trials finished (OK 8, FAILED 1, DIVERGED 1); 3 tasks × 2 methods; 1 incomplete cell}. */
    public String line() {
        String done = planned.isPresent() ? trials + " of " + planned.getAsInt() + " trials finished" : trials + " trials finished";
        String counts = dev.dashspark.spark.results.ResultsSchema.STATUSES.stream()
                .map(s -> s + " " + statusCounts.getOrDefault(s, 0)).collect(Collectors.joining(", "));
        return done + " (" + counts + "); " + tasks + " tasks × " + methods + " methods; " + incompleteCells
                + (incompleteCells == 1 ? " incomplete cell" : " incomplete cells");
    }
}
