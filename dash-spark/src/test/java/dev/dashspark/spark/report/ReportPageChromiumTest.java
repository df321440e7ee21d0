package dev.dashspark.spark.report;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The report page of {@link ReportSamples} opened in headless Chromium: every chart decodes and has a size, the
 * tables render with the expected rows, and {@code submit/report-screenshot} produces a PNG of it. Skipped when no
 * Chromium is installed ({@code apt-get install chromium}; {@code .ci/run} installs it).
 *
 * <p>The report is written to {@code dash-spark/target/report-sample/}, where it can be looked at afterwards.
 */
class ReportPageChromiumTest {
    private static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    private static final Path SAMPLE = MODULE.resolve("target/report-sample");
    private static String chromium;

    @BeforeAll
    static void render() {
        chromium = findChromium();
        ReportWriter.render(ReportData.of("hand-made (ReportSamples)", ReportSamples.trials(),
                OptionalInt.of(ReportSamples.PLANNED)), SAMPLE);
    }

    /** $CHROMIUM, else chromium, chromium-browser or google-chrome on PATH; null when none. */
    static String findChromium() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("CHROMIUM");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : path.split(File.pathSeparator)) {
                candidates.add(Path.of(dir, name).toString());
            }
        }
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return null;
    }

    /** Runs a command, returns its standard output; fails with its output when it fails or hangs. */
    private static String run(List<String> command, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        assertEquals(0, p.exitValue(), () -> command + " failed:\n" + read(log));
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Test
    void chromiumRendersEveryChartAndTable(@TempDir Path tmp) throws Exception {
        assumeTrue(chromium != null, "no Chromium installed (apt-get install chromium); skipping the browser check");
        String html = Files.readString(SAMPLE.resolve("index.html"));

        // self-contained: every image is a data: URI, no script, no stylesheet link, nothing from the network
        Matcher src = Pattern.compile("\\s(?:src|href)=\"([^\"]*)\"").matcher(html);
        while (src.find()) {
            String v = src.group(1);
            assertTrue(v.startsWith("data:image/svg+xml;base64,") || v.matches("[a-z]+\\.(csv|svg|png)"),
                    "only inline images and links to the report's own files: " + v);
        }
        assertFalse(html.contains("<script") || html.contains("<link"), "no script, no external stylesheet");

        // A copy of the page with a probe script (the page's own CSP forbids scripts) that lists, after load, each
        // image's natural and laid-out size and each table's body rows and laid-out height.
        String policy = "content=\"default-src 'none';";
        assertTrue(html.contains(policy), "the page declares its Content-Security-Policy");
        String probe = """
                <script>
                window.addEventListener('load', function () {
                  var out = [];
                  document.querySelectorAll('img').forEach(function (i) {
                    out.push(['img', i.id || i.className, i.naturalWidth, i.naturalHeight,
                              Math.round(i.getBoundingClientRect().width)].join(' '));
                  });
                  document.querySelectorAll('table').forEach(function (t) {
                    out.push(['table', t.id || t.className, t.tBodies.length ? t.tBodies[0].rows.length : 0,
                              Math.round(t.getBoundingClientRect().height)].join(' '));
                  });
                  var pre = document.createElement('pre');
                  pre.id = 'probe';
                  pre.textContent = out.join('\\n');
                  document.body.appendChild(pre);
                });
                </script>
                """;
        Path check = SAMPLE.resolve("probe.html");
        Files.writeString(check, html.replace(policy, policy + " script-src 'unsafe-inline';")
                .replace("</body>", probe + "</body>"));
        String dom;
        try {
            dom = run(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--user-data-dir=" + tmp.resolve("profile"), "--window-size=1280,2000", "--virtual-time-budget=10000",
                    "--dump-dom", check.toUri().toString()), tmp.resolve("chromium.log"));
        } finally {
            Files.deleteIfExists(check);
        }
        Matcher m = Pattern.compile("<pre id=\"probe\">(.*?)</pre>", Pattern.DOTALL).matcher(dom);
        assertTrue(m.find(), () -> "the probe did not run; chromium output:\n" + dom.substring(0, Math.min(2000, dom.length()))
                + "\nlog:\n" + read(tmp.resolve("chromium.log")));
        List<String[]> images = new ArrayList<>();
        Map<String, List<int[]>> tables = new TreeMap<>();
        for (String line : m.group(1).split("\n")) {
            String[] f = line.trim().split(" ");
            if (f[0].equals("img")) {
                images.add(f);
            } else {
                tables.computeIfAbsent(f[1], k -> new ArrayList<>())
                        .add(new int[] {Integer.parseInt(f[2]), Integer.parseInt(f[3])});
            }
        }

        // 2 charts and one picture per trial with an architecture (20 of 21; the FAILED one has none)
        assertEquals(22, images.size(), m.group(1));
        Set<String> ids = new HashSet<>();
        for (String[] img : images) {
            ids.add(img[1]);
            assertTrue(Integer.parseInt(img[2]) > 0 && Integer.parseInt(img[3]) > 0, "decoded: " + String.join(" ", img));
            assertTrue(Integer.parseInt(img[4]) > 0, "laid out: " + String.join(" ", img));
        }
        assertEquals(Set.of("profile-img", "cost-img", "arch-img"), ids);
        assertEquals(List.of(Charts.PROFILE_W, Charts.PROFILE_H),
                images.stream().filter(i -> i[1].equals("profile-img")).map(i -> List.of(Integer.parseInt(i[2]),
                        Integer.parseInt(i[3]))).findFirst().orElseThrow(), "the profile SVG's intrinsic size");

        Map<String, Integer> expectedRows = Map.of("status-table", 3, "missing-table", 2, "ratio-table", 4,
                "summary-table", 4, "failures-table", 2);
        for (Map.Entry<String, Integer> e : expectedRows.entrySet()) {
            List<int[]> t = tables.get(e.getKey());
            assertTrue(t != null && t.size() == 1, "one table " + e.getKey() + " in " + tables.keySet());
            assertEquals(e.getValue(), t.get(0)[0], e.getKey() + " rows");
            assertTrue(t.get(0)[1] > 20, e.getKey() + " has a rendered height");
        }
        List<int[]> arch = tables.get("arch-table");
        assertEquals(20, arch.size());
        for (int[] a : arch) {
            assertEquals(3, a[0], "k, d and (k−1)·d+1");
            assertTrue(a[1] > 20);
        }
    }

    @Test
    void screenshotScriptWritesAPngOfThePage() throws Exception {
        assumeTrue(chromium != null, "no Chromium installed (apt-get install chromium); skipping the screenshot");
        Path script = MODULE.getParent().resolve("submit/report-screenshot");
        Path png = SAMPLE.resolve("screenshot.png");
        Files.deleteIfExists(png);
        Path log = Files.createTempFile("report-screenshot", ".log");
        try {
            String out = run(List.of("bash", script.toString(), SAMPLE.toString(), png.toString()), log);
            assertEquals(png.toString(), out.strip());
        } finally {
            Files.deleteIfExists(log);
        }
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1280, image.getWidth());
        assertEquals(2000, image.getHeight());
        // not a blank page: text, tables and coloured curves give many distinct colours
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 50, "distinct colours in the screenshot: " + colours.size());
    }
}
