package dev.dashspark.spark.report;

import dev.dashspark.core.arch.LayerChoice;
import dev.dashspark.spark.results.ResultsSchema;

import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report page: one self-contained HTML file (inline CSS, charts inlined as SVG {@code data:} images, no script,
 * no network; a Content-Security-Policy forbids any other source). Sections: completeness, performance profiles,
 * the task × method table, error vs cost, failures, architectures.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    /** The SVG documents the page inlines (the same ones the report writes as files). */
    public record Images(String profileSvg, String costSvg) {
    }

    /** Explains the treatment of a best error of 0 (also in {@link Profiles}). */
    static final String ZERO_RULE = "When the best error on a task is exactly 0 (e.g. 100 % accuracy) the ratio is "
            + "undefined; methods whose error is also 0 get τ = 1 and every other method τ = ∞ (no epsilon is added).";

    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:24px auto;\
            max-width:1180px;padding:0 16px;color:#222;line-height:1.4}
            h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}
            h3{margin:1.1em 0 .4em}h4{margin:.9em 0 .3em;font-size:1em}
            table{border-collapse:collapse;margin:.5em 0 1em;font-size:.92em}
            th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
            th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
            td.best{background:#e4f4e4;font-weight:600}p.headline{font-size:1.15em;font-weight:600}td.bad{color:#a33}td.none{color:#888;font-style:italic}
            .meta,.note{color:#555;font-size:.92em}.warn{color:#a33}
            img.chart{max-width:100%;height:auto;border:1px solid #eee}
            .scroll{overflow-x:auto}.arch{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
            .msg{white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:.85em;max-width:640px}
            code{font-size:.92em}.swatch{display:inline-block;width:.8em;height:.8em;margin-right:.3em;vertical-align:baseline}
            """;

    /** The whole page. */
    public static String render(ReportData d, Images images) {
        Map<String, Color> colors = Charts.colors(d.methods());
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
                        + "style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>dash-spark report").append(d.sweepIds().isEmpty() ? "" : ": " + esc(String.join(", ", d.sweepIds())))
                .append("</title>\n<style>").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>dash-spark report</h1>\n<p class=\"meta\">sweep ")
                .append(d.sweepIds().isEmpty() ? "(none yet)" : "<b>" + esc(String.join(", ", d.sweepIds())) + "</b>")
                .append(" · results <code>").append(esc(d.source())).append("</code> · generated ")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(" UTC</p>\n");
        h.append("<p id=\"headline\" class=\"headline\">").append(esc(d.profiles().headline())).append("</p>\n");

        completeness(h, d);
        profiles(h, d, images.profileSvg());
        summary(h, d, colors);
        cost(h, d, images.costSvg());
        failures(h, d);
        architectures(h, d, colors);
        h.append("<h2 id=\"files\">Files</h2>\n<p>Next to this page: ")
                .append("<a href=\"summary.csv\">summary.csv</a> (the task × method table), ")
                .append("<a href=\"profile.csv\">profile.csv</a> (the profile curves: method, τ, ρ), ")
                .append("<a href=\"arch.csv\">arch.csv</a> (architectures, one row per trial and layer), ")
                .append("<a href=\"profile.svg\">profile.svg</a>/<a href=\"profile.png\">png</a>, ")
                .append("<a href=\"cost.svg\">cost.svg</a>/<a href=\"cost.png\">png</a>.</p>\n");
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void completeness(StringBuilder h, ReportData d) {
        h.append("<h2 id=\"completeness\">Completeness</h2>\n<p id=\"completeness-line\"><b>")
                .append(esc(d.completeness())).append("</b>");
        if (d.planned().isPresent() && d.trials().size() > d.planned().getAsInt()) {
            h.append(" <span class=\"warn\">(more trials than planned: is the planned count right?)</span>");
        }
        h.append(" · ").append(d.tasks().size()).append(" tasks × ").append(d.methods().size()).append(" methods × ")
                .append(d.seeds().size()).append(" seeds ").append(esc(d.seeds().toString())).append("</p>\n");
        if (d.settings().size() > 1) {
            h.append("<p class=\"note\">Several hyperparameter settings ").append(esc(d.settings().toString()))
                    .append(": methods are shown as <code>method [setting]</code>.</p>\n");
        }
        h.append("<table id=\"status-table\"><thead><tr><th>status</th><th>trials</th></tr></thead><tbody>\n");
        for (Map.Entry<String, Integer> e : d.statusCounts().entrySet()) {
            h.append("<tr><td>").append(e.getKey()).append("</td><td class=\"num\">").append(e.getValue()).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
        if (d.missing().isEmpty()) {
            h.append("<p id=\"missing-none\">Every task × method cell has every seed.</p>\n");
        } else {
            h.append("<p>Cells lacking seeds (expected: every seed seen in the results, ").append(esc(d.seeds().toString()))
                    .append("):</p>\n<table id=\"missing-table\"><thead><tr><th>task</th><th>method</th>"
                            + "<th>seeds present</th><th>missing</th></tr></thead><tbody>\n");
            for (ReportData.MissingCell m : d.missing()) {
                h.append("<tr><td>").append(esc(m.task())).append("</td><td>").append(esc(m.method())).append("</td><td>")
                        .append(m.present().isEmpty() ? "—" : esc(m.present().toString())).append("</td><td>")
                        .append(m.present().isEmpty() ? "no results" : esc(m.missing().toString()))
                        .append("</td></tr>\n");
            }
            h.append("</tbody></table>\n");
        }
        for (String w : d.warnings()) {
            h.append("<p class=\"warn\">").append(esc(w)).append("</p>\n");
        }
    }

    private static void profiles(StringBuilder h, ReportData d, String svg) {
        Profiles p = d.profiles();
        h.append("<h2 id=\"profiles\">Performance profiles</h2>\n")
                .append("<p><img id=\"profile-img\" class=\"chart\" alt=\"performance profiles\" width=\"")
                .append(Charts.PROFILE_W).append("\" height=\"").append(Charts.PROFILE_H).append("\" src=\"")
                .append(dataUri(svg)).append("\"></p>\n")
                .append("<p class=\"note\">Dolan–Moré profiles as in NAS-Bench-360: for each method, ρ(τ) is the fraction of "
                        + "the ").append(p.tasks().size()).append(" tasks on which its error is within a factor τ of the "
                        + "best method's error on that task (τ = error ÷ best error, so τ = 1 means best). The error "
                        + "of a method on a task is the mean over its seeds of the lower-is-better <code>error</code>; a "
                        + "FAILED or DIVERGED seed counts as +∞, so the method has τ = ∞ on that task. A method with "
                        + "no result on a task also counts as τ = ∞ there. ").append(esc(ZERO_RULE))
                .append(" Curves are step functions, drawn up to τ = ").append(fmt(Charts.tauMax(p)))
                .append(" and constant beyond.</p>\n");
        List<String> noResult = d.missing().stream().filter(m -> m.present().isEmpty())
                .map(m -> m.method() + " on " + m.task()).toList();
        if (!noResult.isEmpty()) {
            h.append("<p class=\"note\" id=\"missing-methods\">No result, counted as τ = ∞: ")
                    .append(esc(String.join("; ", noResult))).append(".</p>\n");
        }
        if (!p.zeroBestTasks().isEmpty()) {
            h.append("<p class=\"note\">Best error exactly 0 on: ").append(esc(String.join(", ", p.zeroBestTasks())))
                    .append(".</p>\n");
        }
        if (!p.unsolvedTasks().isEmpty()) {
            h.append("<p class=\"note warn\">No method finished on: ").append(esc(String.join(", ", p.unsolvedTasks())))
                    .append(" (every method τ = ∞ there; these tasks still count in the denominator).</p>\n");
        }
        h.append("<h3>Ratios τ per task</h3>\n<div class=\"scroll\"><table id=\"ratio-table\"><thead><tr><th>task</th>");
        for (String m : d.methods()) {
            h.append("<th>").append(esc(m)).append("</th>");
        }
        h.append("</tr></thead><tbody>\n");
        for (String t : d.tasks()) {
            h.append("<tr><td>").append(esc(t)).append("</td>");
            for (String m : d.methods()) {
                double r = p.ratio(t, m);
                ReportData.Cell c = d.cell(t, m);
                if (r == Double.POSITIVE_INFINITY) {
                    String why;
                    if (c.trials().isEmpty()) {
                        why = "no result";
                    } else if (c.ok() < c.trials().size()) {
                        why = (c.trials().size() - c.ok()) + " of " + c.trials().size() + " seeds failed";
                    } else if (p.unsolvedTasks().contains(t)) {
                        why = "no method finished";
                    } else {
                        why = "best error is 0";
                    }
                    h.append("<td class=\"num bad\">∞ <span class=\"note\">(").append(why).append(")</span></td>");
                } else {
                    h.append("<td class=\"num").append(r == 1.0 ? " best" : "").append("\">").append(fmt(r)).append("</td>");
                }
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");
    }

    private static void summary(StringBuilder h, ReportData d, Map<String, Color> colors) {
        h.append("<h2 id=\"summary\">Results per task and method</h2>\n")
                .append("<p class=\"note\">The task's metric (<code>metric_value</code>, ↑ higher is better, ↓ lower is better): "
                        + "mean ± sample standard deviation over the OK seeds; n = OK seeds / trials. ★ marks the best "
                        + "method on the task (lowest mean error, every seed OK; ties all marked). A cell with a failed or "
                        + "diverged seed cannot be best: its profile error is ∞.</p>\n");
        if (d.methods().stream().anyMatch(m -> m.startsWith(dev.dashspark.core.trial.Method.MIXED_RESULTS.id()))) {
            h.append("<p class=\"note\" id=\"mixed-results-note\"><code>mixed-results</code> is DASH's search with its "
                    + "operator computed by the costlier route (the |K||D| dilated convolutions summed) instead of the "
                    + "FFT: the same function, so it finds what <code>dash</code> finds up to rounding (which can flip "
                    + "a near-tie of the architecture weights); compare their search times to see what the FFT saves. "
                    + "It is not DARTS.</p>\n");
        }
        h.append("<div class=\"scroll\"><table id=\"summary-table\"><thead><tr><th>task</th><th>metric</th>");
        for (String m : d.methods()) {
            h.append("<th><span class=\"swatch\" style=\"background:").append(hex(colors.get(m))).append("\"></span>")
                    .append(esc(m)).append("</th>");
        }
        h.append("</tr></thead><tbody>\n");
        for (String t : d.tasks()) {
            h.append("<tr><td>").append(esc(t)).append("</td><td>").append(esc(d.metric(t).label())).append("</td>");
            for (String m : d.methods()) {
                ReportData.Cell c = d.cell(t, m);
                int n = c.trials().size();
                if (n == 0) {
                    h.append("<td class=\"none\">no results</td>");
                    continue;
                }
                boolean best = d.profiles().ratio(t, m) == 1.0;
                h.append("<td class=\"num").append(best ? " best" : "").append("\">");
                if (c.ok() == 0) {
                    h.append("—");
                } else {
                    h.append(best ? "★ " : "").append(fmt(c.metricMean()));
                    if (c.ok() > 1) {
                        h.append(" ± ").append(fmt(c.metricStd()));
                    }
                }
                h.append(" <span class=\"note\">n=").append(c.ok()).append("/").append(n).append("</span>");
                int failed = c.count(ResultsSchema.FAILED);
                int diverged = c.count(ResultsSchema.DIVERGED);
                if (failed > 0) {
                    h.append(" <span class=\"warn\">").append(failed).append(" failed</span>");
                }
                if (diverged > 0) {
                    h.append(" <span class=\"warn\">").append(diverged).append(" diverged</span>");
                }
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");
    }

    private static void cost(StringBuilder h, ReportData d, String svg) {
        long ok = d.trials().stream().filter(Trial::ok).count();
        long noCost = d.trials().stream().filter(t -> t.ok() && !Double.isFinite(t.costS())).count();
        h.append("<h2 id=\"cost\">Error vs cost</h2>\n<p><img id=\"cost-img\" class=\"chart\" alt=\"error vs cost\" width=\"")
                .append(Charts.COST_W).append("\" height=\"").append(Charts.costHeight(d.tasks().size()))
                .append("\" src=\"").append(dataUri(svg)).append("\"></p>\n<p class=\"note\">One point per OK trial: "
                        + "the task's lower-is-better error against <code>search_s + retrain_s</code> (HPO time not "
                        + "included). ").append(ok - noCost).append(" of ").append(ok).append(" OK trials plotted");
        if (noCost > 0) {
            h.append(" (<span class=\"warn\">").append(noCost).append(" without a finite cost</span>)");
        }
        h.append("; FAILED and DIVERGED trials have no error and are listed under Failures.</p>\n");
    }

    private static void failures(StringBuilder h, ReportData d) {
        List<Trial> f = d.failures();
        h.append("<h2 id=\"failures\">Failures</h2>\n");
        if (f.isEmpty()) {
            h.append("<p id=\"failures-none\">No FAILED or DIVERGED trial.</p>\n");
            return;
        }
        h.append("<table id=\"failures-table\"><thead><tr><th>trial</th><th>task</th><th>method</th><th>seed</th>"
                + "<th>status</th><th>message</th></tr></thead><tbody>\n");
        for (Trial t : f) {
            h.append("<tr><td><code>").append(esc(t.trialId())).append("</code></td><td>").append(esc(t.task()))
                    .append("</td><td>").append(esc(d.methodOf(t))).append("</td><td class=\"num\">").append(t.seed())
                    .append("</td><td>").append(t.status()).append("</td><td class=\"msg\">")
                    .append(t.errorMessage() == null ? "(no message)" : esc(t.errorMessage())).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void architectures(StringBuilder h, ReportData d, Map<String, Color> colors) {
        h.append("<h2 id=\"architectures\">Architectures found</h2>\n<p class=\"note\">Per trial, kernel size k and "
                + "dilation d of each searchable convolution, in backbone order, and the extent (k−1)·d+1 of each "
                + "dilated kernel (the bars).</p>\n");
        for (String task : d.tasks()) {
            h.append("<details open><summary><b>").append(esc(task)).append("</b></summary>\n");
            for (String m : d.methods()) {
                for (Trial t : d.cell(task, m).trials()) {
                    h.append("<h4>").append(esc(m)).append(" · seed ").append(t.seed()).append(" <span class=\"meta\">")
                            .append(t.status()).append(" · trial <code>").append(esc(t.trialId())).append("</code></span></h4>\n");
                    if (t.arch() == null || t.arch().isEmpty()) {
                        h.append("<p class=\"note\">No architecture recorded").append(t.ok() ? "" : " (the trial did not finish)")
                                .append(".</p>\n");
                        continue;
                    }
                    List<LayerChoice> arch = t.arch();
                    h.append("<div class=\"arch\"><div class=\"scroll\"><table class=\"arch-table\"><thead><tr><th>layer</th>");
                    for (int i = 0; i < arch.size(); i++) {
                        h.append("<th title=\"").append(esc(arch.get(i).layer())).append("\">").append(i + 1)
                                .append("<br><span class=\"note\">").append(esc(arch.get(i).layer())).append("</span></th>");
                    }
                    h.append("</tr></thead><tbody>\n");
                    archRow(h, "k", arch, LayerChoice::kernel);
                    archRow(h, "d", arch, LayerChoice::dilation);
                    archRow(h, "(k−1)·d+1", arch, LayerChoice::extent);
                    h.append("</tbody></table></div>\n");
                    int w = Charts.archWidth(arch.size());
                    String svg = Charts.svg(Charts.arch(arch, colors.get(m)), w, Charts.ARCH_H);
                    h.append("<img class=\"arch-img\" alt=\"extent per layer\" width=\"").append(w).append("\" height=\"")
                            .append(Charts.ARCH_H).append("\" src=\"").append(dataUri(svg)).append("\"></div>\n");
                }
            }
            h.append("</details>\n");
        }
    }

    private static void archRow(StringBuilder h, String name, List<LayerChoice> arch,
                                java.util.function.ToIntFunction<LayerChoice> f) {
        h.append("<tr><th>").append(name).append("</th>");
        for (LayerChoice c : arch) {
            h.append("<td class=\"num\">").append(f.applyAsInt(c)).append("</td>");
        }
        h.append("</tr>\n");
    }

    /** An SVG document as a base64 {@code data:} URI. */
    static String dataUri(String svg) {
        return "data:image/svg+xml;base64," + Base64.getEncoder().encodeToString(svg.getBytes(StandardCharsets.UTF_8));
    }

    /** Four significant digits; ∞ and — (NaN). */
    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "−∞";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e5) {
            String s = String.format(Locale.ROOT, "%.4g", v);
            if (s.contains(".") && !s.contains("e")) {
                s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
            }
            return s;
        }
        return String.format(Locale.ROOT, "%.3e", v);
    }

    private static String hex(Color c) {
        return String.format(Locale.ROOT, "#%06X", c.getRGB() & 0xFFFFFF);
    }

    /** HTML-escapes text (also safe inside attribute values). */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
