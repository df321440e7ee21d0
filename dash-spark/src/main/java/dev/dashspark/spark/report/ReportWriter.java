package dev.dashspark.spark.report;

import dev.dashspark.core.arch.LayerChoice;
import dev.dashspark.spark.results.ResultsSchema;
import org.jfree.chart.JFreeChart;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes the report files into a local directory, without Spark: {@code index.html}, {@code profile.svg},
 * {@code profile.png}, {@code profile.csv}, {@code cost.svg}, {@code cost.png}, {@code summary.csv} and
 * {@code arch.csv}.
 */
public final class ReportWriter {
    /** The files {@link #render} writes, in this order. */
    public static final List<String> FILES = List.of("index.html", "profile.svg", "profile.png", "profile.csv",
            "cost.svg", "cost.png", "summary.csv", "arch.csv");

    private ReportWriter() {
    }

    /** Renders {@code d} into {@code dir} (created if needed; files of the same names are replaced). */
    public static List<Path> render(ReportData d, Path dir) {
        try {
            Files.createDirectories(dir);
            Map<String, Color> colors = Charts.colors(d.methods());
            JFreeChart profile = Charts.profile(d.profiles(), colors);
            String profileSvg = Charts.svg(profile, Charts.PROFILE_W, Charts.PROFILE_H);
            JFreeChart cost = Charts.cost(d, colors);
            int costH = Charts.costHeight(d.tasks().size());
            String costSvg = Charts.svg(cost, Charts.COST_W, costH);

            List<Path> out = new ArrayList<>();
            out.add(write(dir, "index.html", HtmlReport.render(d, new HtmlReport.Images(profileSvg, costSvg))));
            out.add(write(dir, "profile.svg", profileSvg));
            out.add(Files.write(dir.resolve("profile.png"), Charts.png(profile, Charts.PROFILE_W, Charts.PROFILE_H)));
            out.add(write(dir, "profile.csv", profileCsv(d.profiles())));
            out.add(write(dir, "cost.svg", costSvg));
            out.add(Files.write(dir.resolve("cost.png"), Charts.png(cost, Charts.COST_W, costH)));
            out.add(write(dir, "summary.csv", summaryCsv(d)));
            out.add(write(dir, "arch.csv", archCsv(d)));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("report: cannot write into " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Path write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    /**
     * {@code method,tau,rho}: every method's ρ at every breakpoint τ (1 and each finite ratio, ascending); ρ is
     * constant until the next τ, and after the last one.
     */
    static String profileCsv(Profiles p) {
        StringBuilder b = new StringBuilder("method,tau,rho\n");
        for (String m : p.methods()) {
            for (Profiles.Point pt : p.curve(m)) {
                b.append(csv(m)).append(',').append(num(pt.tau())).append(',').append(num(pt.rho())).append('\n');
            }
        }
        return b.toString();
    }

    /**
     * One row per task × method (cells without results included, with {@code trials} 0). Numbers in Java's notation:
     * {@code Infinity} for ∞, empty for undefined (NaN).
     */
    static String summaryCsv(ReportData d) {
        StringBuilder b = new StringBuilder("task,method,metric,higher_is_better,trials,ok,failed,diverged,seeds,"
                + "metric_mean,metric_std,error_mean,error_std,profile_error,ratio,best\n");
        for (String t : d.tasks()) {
            ReportData.TaskMetric metric = d.metric(t);
            for (String m : d.methods()) {
                ReportData.Cell c = d.cell(t, m);
                double ratio = d.profiles().ratio(t, m);
                b.append(csv(t)).append(',').append(csv(m)).append(',')
                        .append(metric.name() == null ? "" : csv(metric.name())).append(',')
                        .append(metric.higherIsBetter() == null ? "" : metric.higherIsBetter()).append(',')
                        .append(c.trials().size()).append(',').append(c.ok()).append(',')
                        .append(c.count(ResultsSchema.FAILED)).append(',').append(c.count(ResultsSchema.DIVERGED)).append(',')
                        .append(c.seeds().stream().map(String::valueOf).collect(Collectors.joining(";"))).append(',')
                        .append(num(c.metricMean())).append(',').append(num(c.metricStd())).append(',')
                        .append(num(c.errorMean())).append(',').append(num(c.errorStd())).append(',')
                        .append(num(c.profileError())).append(',').append(num(ratio)).append(',')
                        .append(ratio == 1.0).append('\n');
            }
        }
        return b.toString();
    }

    /** {@code trial_id,task,method,seed,status,index,layer,k,d,extent}: one row per trial and layer. */
    static String archCsv(ReportData d) {
        StringBuilder b = new StringBuilder("trial_id,task,method,seed,status,index,layer,k,d,extent\n");
        for (Trial t : d.trials()) {
            if (t.arch() == null) {
                continue;
            }
            for (int i = 0; i < t.arch().size(); i++) {
                LayerChoice c = t.arch().get(i);
                b.append(csv(t.trialId())).append(',').append(csv(t.task())).append(',').append(csv(d.methodOf(t)))
                        .append(',').append(t.seed()).append(',').append(t.status()).append(',').append(i + 1).append(',')
                        .append(csv(c.layer())).append(',').append(c.kernel()).append(',').append(c.dilation()).append(',')
                        .append(c.extent()).append('\n');
            }
        }
        return b.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    /** RFC 4180 quoting when needed. */
    static String csv(String s) {
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
