package dev.dashspark.spark.report;

import dev.dashspark.core.arch.LayerChoice;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.Stroke;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's charts, drawn by JFreeChart and written as SVG (JFreeSVG) or PNG. No drawing code of our own: each
 * method builds a chart, {@link #svg} and {@link #png} render it.
 */
public final class Charts {
    static {
        // charts are drawn off-screen; never try to open a display
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Okabe–Ito colours (distinguishable with colour-blindness), then a few more. */
    private static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0x8C564B),
        new Color(0x7F7F7F), new Color(0xBCBD22),
    };

    private static final float[][] DASHES = {null, {9f, 5f}, {2f, 4f}, {10f, 4f, 2f, 4f}};

    public static final int PROFILE_W = 820;
    public static final int PROFILE_H = 460;
    public static final int COST_W = 820;

    private Charts() {
    }

    /** A fixed colour per method, in the order given. */
    public static Map<String, Color> colors(List<String> methods) {
        Map<String, Color> out = new LinkedHashMap<>();
        for (int i = 0; i < methods.size(); i++) {
            out.put(methods.get(i), PALETTE[i % PALETTE.length]);
        }
        return out;
    }

    /** The right end of the τ axis: past the largest finite ratio, at least 2. */
    static double tauMax(Profiles p) {
        return Math.max(2.0, p.maxFiniteRatio() * 1.25);
    }

    /** Performance profiles: one step curve per method, ρ against τ on a log axis. */
    public static JFreeChart profile(Profiles p, Map<String, Color> colors) {
        double upper = tauMax(p);
        XYSeriesCollection data = new XYSeriesCollection();
        for (String m : p.methods()) {
            XYSeries s = new XYSeries(m, false, true);
            List<Profiles.Point> curve = p.curve(m);
            for (Profiles.Point pt : curve) {
                s.add(pt.tau(), pt.rho());
            }
            // ρ stays at its last value up to the axis end (and to τ = ∞)
            s.add(upper, curve.get(curve.size() - 1).rho());
            data.addSeries(s);
        }
        LogAxis x = new LogAxis("τ: error ÷ best error on the task (log scale)");
        x.setBase(2);
        x.setRange(1.0, upper);
        // ticks at 1, √2, 2, 2√2, 4, ... on short ranges, at powers of 2 beyond (at most about 10 labels)
        double octaves = Math.log(upper) / Math.log(2);
        x.setTickUnit(new NumberTickUnit(octaves <= 3 ? 0.5 : Math.max(1, Math.ceil(octaves / 10))));
        x.setNumberFormatOverride(new DecimalFormat("0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        NumberAxis y = new NumberAxis("ρ(τ): fraction of tasks within τ");
        y.setRange(0.0, 1.04);
        y.setTickUnit(new NumberTickUnit(0.1));
        XYStepRenderer r = new XYStepRenderer();
        for (int i = 0; i < p.methods().size(); i++) {
            r.setSeriesPaint(i, colors.get(p.methods().get(i)));
            r.setSeriesStroke(i, stroke(i));
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        style(plot);
        plot.setNoDataMessage("no tasks yet");
        JFreeChart chart = new JFreeChart("Performance profiles", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.addSubtitle(new TextTitle(p.tasks().size() + " tasks; failed, diverged or missing = τ ∞"));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** Error against search + retraining seconds: one panel per task, one point per OK trial, coloured by method. */
    public static JFreeChart cost(ReportData d, Map<String, Color> colors) {
        NumberAxis x = new NumberAxis("search + retrain seconds");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
        plot.setGap(14);
        Shape[] shapeSeq = DefaultDrawingSupplier.createStandardSeriesShapes();
        LegendItemCollection legend = new LegendItemCollection();
        for (int i = 0; i < d.methods().size(); i++) {
            String m = d.methods().get(i);
            legend.add(new LegendItem(m, null, null, null, shapeSeq[i % shapeSeq.length], colors.get(m)));
        }
        for (String task : d.tasks()) {
            XYSeriesCollection data = new XYSeriesCollection();
            for (String m : d.methods()) {
                XYSeries s = new XYSeries(m, false, true);
                for (Trial t : d.cell(task, m).trials()) {
                    if (t.ok() && Double.isFinite(t.costS())) {
                        s.add(t.costS(), t.error());
                    }
                }
                data.addSeries(s);
            }
            NumberAxis y = new NumberAxis(task + ": " + errorName(d.metric(task)));
            y.setAutoRangeIncludesZero(false);
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
            for (int i = 0; i < d.methods().size(); i++) {
                r.setSeriesPaint(i, colors.get(d.methods().get(i)));
                r.setSeriesShape(i, shapeSeq[i % shapeSeq.length]);
            }
            XYPlot sub = new XYPlot(data, null, y, r);
            style(sub);
            sub.setNoDataMessage("no OK trial");
            plot.add(sub, 1);
        }
        if (d.tasks().isEmpty()) {
            XYPlot empty = new XYPlot(new XYSeriesCollection(), null, new NumberAxis("error"), new XYLineAndShapeRenderer(false, true));
            empty.setNoDataMessage("no finished trials yet");
            plot.add(empty, 1);
        }
        plot.setFixedLegendItems(legend);
        JFreeChart chart = new JFreeChart("Error vs cost (lower is better)", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** The height of the cost chart for {@code tasks} panels. */
    public static int costHeight(int tasks) {
        return 120 + 190 * Math.max(1, tasks);
    }

    /** One bar per searchable layer (in backbone order): the dilated kernel's extent (k − 1)·d + 1. */
    public static JFreeChart arch(List<LayerChoice> arch, Color color) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int i = 0; i < arch.size(); i++) {
            data.addValue(arch.get(i).extent(), "extent", Integer.toString(i + 1));
        }
        CategoryAxis x = new CategoryAxis("layer");
        NumberAxis y = new NumberAxis("(k−1)·d+1");
        y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        y.setUpperMargin(0.18);
        BarRenderer r = new BarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, color);
        r.setMaximumBarWidth(0.08);
        r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator());
        r.setDefaultItemLabelsVisible(true);
        r.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        CategoryPlot plot = new CategoryPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setOutlineVisible(false);
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** The width of an architecture picture of {@code layers} bars. */
    public static int archWidth(int layers) {
        return Math.max(240, 70 + 26 * layers);
    }

    public static final int ARCH_H = 150;

    /** E.g. {@code 1 − accuracy}, {@code rel-l2}, {@code error}. */
    static String errorName(ReportData.TaskMetric m) {
        if (m == null || m.name() == null) {
            return "error";
        }
        return m.higherIsBetter() ? "1 − " + m.name() : m.name();
    }

    /** The chart as a standalone SVG document. */
    public static String svg(JFreeChart chart, int width, int height) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        chart.draw(g, new Rectangle(0, 0, width, height));
        return g.getSVGDocument();
    }

    /** The chart as PNG bytes. */
    public static byte[] png(JFreeChart chart, int width, int height) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(out, chart, width, height);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("report: cannot encode a chart as PNG: " + e.getMessage(), e);
        }
    }

    private static Stroke stroke(int i) {
        float[] dash = DASHES[i % DASHES.length];
        float width = 2.6f;
        return dash == null ? new BasicStroke(width)
                : new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f);
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setOutlinePaint(new Color(0x999999));
    }
}
