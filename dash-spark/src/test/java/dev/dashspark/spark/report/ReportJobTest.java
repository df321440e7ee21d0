package dev.dashspark.spark.report;

import dev.dashspark.spark.results.ResultsSchema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report job on hand-made Parquet results ({@link ReportSamples}), through Spark and ResultsTable.read. */
class ReportJobTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = dev.dashspark.spark.testing.LocalSpark.start(ReportJobTest.class);
        spark.sparkContext().setLogLevel("WARN");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static String writeResults(Path dir, List<Row> rows) {
        String path = dir.resolve("results").toString();
        spark.createDataFrame(rows, ResultsSchema.SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite).parquet(path);
        return path;
    }

    @Test
    void reportOfHandMadeResults(@TempDir Path tmp) throws IOException {
        String results = writeResults(tmp, ReportSamples.rows());
        Path out = tmp.resolve("report");
        ReportSummary s = ReportJob.write(spark, results, out.toString(), OptionalInt.of(ReportSamples.PLANNED));

        assertEquals(out.resolve("index.html").toString(), s.indexHtml());
        assertEquals(21, s.trials(), "the earlier FAILED attempt of cifar100-random-s1 is dropped");
        assertEquals(Map.of("OK", 19, "FAILED", 1, "DIVERGED", 1), s.statusCounts());
        assertEquals(4, s.tasks());
        assertEquals(3, s.methods());
        assertEquals(2, s.incompleteCells(), "ecg/random (no results) and satellite/backbone (seed 1)");
        assertEquals("21 of 24 trials finished (OK 19, FAILED 1, DIVERGED 1); 4 tasks × 3 methods; 2 incomplete cells",
                s.line());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(ReportWriter.FILES.stream().sorted().toList(),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "exactly the report files, no .crc");
        }

        // the hand-computed profile (see ReportSamples)
        assertEquals("""
                method,tau,rho
                backbone,1.0,0.5
                backbone,2.0,0.5
                backbone,4.0,0.5
                dash,1.0,1.0
                dash,2.0,1.0
                dash,4.0,1.0
                random,1.0,0.0
                random,2.0,0.25
                random,4.0,0.5
                """, Files.readString(out.resolve("profile.csv")));

        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals("task,method,metric,higher_is_better,trials,ok,failed,diverged,seeds,metric_mean,metric_std,"
                + "error_mean,error_std,profile_error,ratio,best", summary.get(0));
        assertEquals(1 + 12, summary.size(), "one row per task × method, empty cells included");
        // mean first: dash's seeds 0.0625 and 0.1875 average to backbone's 0.125: a tie, both best
        assertEquals("cifar100,backbone,accuracy,true,2,2,0,0,0;1,0.875,0.0,0.125,0.0,0.125,1.0,true", summary.get(1));
        assertEquals("cifar100,dash,accuracy,true,2,2,0,0,0;1,0.875,0.08838834764831845,0.125,0.08838834764831845,0.125,1.0,true",
                summary.get(2));
        assertEquals("cifar100,random,accuracy,true,2,2,0,0,0;1,0.75,0.0,0.25,0.0,0.25,2.0,false", summary.get(3),
                "the OK attempt of seed 1 was kept");
        assertEquals("darcyflow,backbone,rel-l2,false,2,1,1,0,0;1,0.125,,0.125,,Infinity,Infinity,false", summary.get(4),
                "a FAILED seed makes the profile error ∞");
        assertEquals("darcyflow,random,rel-l2,false,2,2,0,0,0;1,0.25,0.0,0.25,0.0,0.25,4.0,false", summary.get(6));
        assertEquals("ecg,backbone,macro-f1,true,2,1,0,1,0;1,0.25,,0.75,,Infinity,Infinity,false", summary.get(7));
        assertEquals("ecg,random,macro-f1,true,0,0,0,0,,,,,,Infinity,Infinity,false", summary.get(9), "no results");
        assertEquals("satellite,backbone,accuracy,true,1,1,0,0,0,1.0,,0.0,,0.0,1.0,true", summary.get(10));
        assertEquals("satellite,random,accuracy,true,2,2,0,0,0;1,0.5,0.0,0.5,0.0,0.5,Infinity,false", summary.get(12),
                "best error 0: any other error has ratio ∞");

        List<String> arch = Files.readAllLines(out.resolve("arch.csv"));
        assertEquals("trial_id,task,method,seed,status,index,layer,k,d,extent", arch.get(0));
        assertEquals(1 + 20 * 4, arch.size(), "20 trials with an architecture (the FAILED one has none), 4 layers each");
        assertTrue(arch.contains("cifar100-dash-s0,cifar100,dash,0,OK,3,block1.conv2,7,4,25"), "(7−1)·4+1 = 25");
        assertTrue(arch.contains("ecg-backbone-s1,ecg,backbone,1,DIVERGED,1,stem,3,1,3"));

        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("<b>21 of 24 trials finished</b>"), "completeness");
        assertFalse(html.contains("mixed-results-note"), "no mixed-results trial, no note about it");
        assertTrue(s.headline().startsWith("Best method per task: ") && s.headline().contains(" of 4 tasks"), s.headline());
        assertTrue(html.contains("<p id=\"headline\" class=\"headline\">" + s.headline().replace("'", "&#39;") + "</p>"),
                "the page opens with the headline");
        assertEquals(3, rows(html, "status-table"));
        assertTrue(html.contains("<tr><td>OK</td><td class=\"num\">19</td></tr>"));
        assertEquals(2, rows(html, "missing-table"));
        assertTrue(html.contains("<tr><td>ecg</td><td>random</td><td>—</td><td>no results</td></tr>"));
        assertTrue(html.contains("<tr><td>satellite</td><td>backbone</td><td>[0]</td><td>[1]</td></tr>"));
        assertTrue(html.contains("No result, counted as τ = ∞: random on ecg."), "the page says a missing method is ∞");
        assertTrue(html.contains("Best error exactly 0 on: satellite."));
        assertEquals(4, rows(html, "ratio-table"));
        assertEquals(4, rows(html, "summary-table"));
        assertTrue(html.contains("<td>cifar100</td><td>accuracy ↑</td>"), "the metric's own name and direction");
        assertTrue(html.contains("<td>darcyflow</td><td>rel-l2 ↓</td>"));
        assertTrue(html.contains("★ 0.875 ± 0.08839"), "dash on cifar100: best, metric mean ± std");
        assertEquals(2, rows(html, "failures-table"));
        assertTrue(html.contains("java.lang.OutOfMemoryError: Java heap space\n\tat TrialRunner.retrain"));
        assertTrue(html.contains("loss became NaN at epoch 3 &lt;retrain&gt;"), "messages are escaped");
        assertEquals(20, count(html, "<table class=\"arch-table\">"));
        assertEquals(20, count(html, "<img class=\"arch-img\""));
        assertFalse(html.contains("http://") || html.contains("https://"), "nothing fetched from the network");

        BufferedImage png = ImageIO.read(out.resolve("profile.png").toFile());
        assertEquals(Charts.PROFILE_W, png.getWidth());
        assertEquals(Charts.PROFILE_H, png.getHeight());
        BufferedImage cost = ImageIO.read(out.resolve("cost.png").toFile());
        assertEquals(Charts.costHeight(4), cost.getHeight());
        String svg = Files.readString(out.resolve("profile.svg"));
        assertTrue(svg.contains("<svg") && svg.contains("</svg>") && svg.contains("dash") && svg.contains("random"));
    }

    @Test
    void aReportWithMixedResultsSaysItIsDashsSearchByTheCostlierRoute(@TempDir Path tmp) throws IOException {
        List<Trial> trials = new java.util.ArrayList<>(ReportSamples.trials());
        trials.add(ReportSamples.ok("cifar100", "mixed-results", 0, "accuracy", 0.9375, ReportSamples.DASH_ARCH, 900, 150));
        ReportWriter.render(ReportData.of("hand-made", trials, OptionalInt.empty()), tmp);
        String html = Files.readString(tmp.resolve("index.html"));
        assertTrue(html.contains("<p class=\"note\" id=\"mixed-results-note\"><code>mixed-results</code> is DASH's search"),
                "the report says what mixed-results is");
        assertTrue(html.contains("It is not DARTS."));
    }

    @Test
    void absentResultsGiveAnEmptyReport(@TempDir Path tmp) throws IOException {
        ReportSummary s = ReportJob.write(spark, tmp.resolve("none").toString(), tmp.resolve("r").toString(), OptionalInt.empty());
        assertEquals(0, s.trials());
        assertEquals("0 trials finished (OK 0, FAILED 0, DIVERGED 0); 0 tasks × 0 methods; 0 incomplete cells", s.line());
        String html = Files.readString(tmp.resolve("r/index.html"));
        assertTrue(html.contains("<b>0 trials finished (planned count unknown)</b>"));
        assertEquals("method,tau,rho\n", Files.readString(tmp.resolve("r/profile.csv")));
    }

    @Test
    void anInconsistentRowIsNamedByPathTrialColumnAndValue(@TempDir Path tmp) {
        List<Row> rows = new ArrayList<>(ReportSamples.rows());
        Row ok = ReportSamples.row(ReportSamples.ok("ecg", "random", 0, "macro-f1", 0.5, null, 1, 1), 1,
                Timestamp.valueOf("2025-01-01 12:00:00"));
        rows.add(ReportSamples.with(ok, ResultsSchema.ERROR, Double.NaN));
        String results = writeResults(tmp, rows);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReportJob.write(spark, results, tmp.resolve("r").toString(), OptionalInt.empty()));
        assertEquals("results " + results + ": trial 'ecg-random-s0' (task 'ecg', method 'random', seed 0): status OK but "
                + "column error is NaN; expected a finite error ≥ 0", e.getMessage());
    }

    @Test
    void anUnknownMetricIsNamedByTaskAndValue(@TempDir Path tmp) {
        List<Row> rows = new ArrayList<>();
        for (Trial t : ReportSamples.trials()) {
            rows.add(ReportSamples.row(t.task().equals("ecg")
                    ? new Trial(t.trialId(), t.sweepId(), t.task(), t.method(), t.setting(), t.seed(), t.status(),
                    t.errorMessage(), "f1-macro", t.metricValue(), t.error(), t.searchS(), t.retrainS(), t.arch())
                    : t, 1, Timestamp.valueOf("2025-01-01 12:00:00")));
        }
        String results = writeResults(tmp, rows);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReportJob.write(spark, results, tmp.resolve("r").toString(), OptionalInt.empty()));
        assertEquals("results " + results + ": task 'ecg': column metric_name: metric: unknown metric 'f1-macro'; "
                + "expected one of " + dev.dashspark.core.metric.Metrics.NAMES, e.getMessage());
    }

    @Test
    void commandWritesTheReportAndPrintsTheIndexPathLast(@TempDir Path tmp) {
        String results = writeResults(tmp, ReportSamples.rows());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int rc = ReportCommand.run(new String[] {"--results", results, "--out", tmp.resolve("r").toString(),
            "--planned", "30", "--master", "local[2]"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(0, rc);
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        assertEquals(List.of("report: 21 of 30 trials finished (OK 19, FAILED 1, DIVERGED 1); 4 tasks × 3 methods; "
                + "2 incomplete cells", tmp.resolve("r/index.html").toString()), List.of(lines.get(0), lines.get(2)));
        assertTrue(lines.get(1).startsWith("report: Best method per task: "), lines.get(1));
        assertFalse(spark.sparkContext().isStopped(), "a session the command did not create is left running");

        assertEquals(2, ReportCommand.run(new String[] {"--results", results}, System.out), "--out is required");
        assertEquals(2, ReportCommand.run(new String[] {"--results", results, "--out", "x", "--planned", "-1"}, System.out));
        assertEquals(2, ReportCommand.run(new String[] {"--result", results}, System.out));
    }

    private static int rows(String html, String tableId) {
        Matcher m = Pattern.compile("<table id=\"" + tableId + "\">.*?<tbody>(.*?)</tbody>", Pattern.DOTALL).matcher(html);
        assertTrue(m.find(), "table " + tableId);
        return count(m.group(1), "<tr>");
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
