package dev.dashspark.spark.report;

import dev.dashspark.core.arch.LayerChoice;
import dev.dashspark.spark.results.ResultsSchema;
import dev.dashspark.spark.results.ResultsTable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;

/**
 * The report of a results table: reads it with Spark (through {@link ResultsTable#read}, one row per trial id),
 * collects the few columns it needs to the driver (one row per trial: small), renders the files into a local
 * temporary directory ({@link ReportWriter}) and copies them to the output directory through Hadoop's
 * {@link FileSystem}, so the output may be local or on any Hadoop file system (e.g. {@code s3a://}). A path without
 * a scheme is resolved like the results path, against Spark's default file system.
 */
public final class ReportJob {
    private static final String[] COLUMNS = {
        ResultsSchema.TRIAL_ID, ResultsSchema.SWEEP_ID, ResultsSchema.TASK, ResultsSchema.METHOD, ResultsSchema.SETTING,
        ResultsSchema.SEED, ResultsSchema.STATUS, ResultsSchema.ERROR_MESSAGE, ResultsSchema.METRIC_NAME,
        ResultsSchema.METRIC_VALUE, ResultsSchema.ERROR, ResultsSchema.SEARCH_S, ResultsSchema.RETRAIN_S,
        ResultsSchema.ARCH,
    };

    private ReportJob() {
    }

    /**
     * Writes the report of the results at {@code resultsPath} into {@code outDir}. Works on partial results (a
     * running sweep, failures) and on an empty or absent results directory (an empty report).
     *
     * @param planned the number of trials the sweep plans, when known ("N of M trials finished")
     * @throws IllegalArgumentException naming the results path, the trial, the column and the value when a row is
     *                                  inconsistent (e.g. status OK with a non-finite error)
     * @throws UncheckedIOException     when the output cannot be written
     */
    public static ReportSummary write(SparkSession spark, String resultsPath, String outDir, OptionalInt planned) {
        List<Row> rows = ResultsTable.read(spark, resultsPath).select(
                Stream.of(COLUMNS).map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
                .orderBy(col(ResultsSchema.TRIAL_ID)).collectAsList();
        List<Trial> trials = new ArrayList<>(rows.size());
        for (Row r : rows) {
            trials.add(trial(resultsPath, r));
        }
        ReportData data = ReportData.of(resultsPath, trials, planned);
        java.nio.file.Path local;
        try {
            local = Files.createTempDirectory("dash-report-");
        } catch (IOException e) {
            throw new UncheckedIOException("report: cannot create a temporary directory: " + e.getMessage(), e);
        }
        try {
            List<java.nio.file.Path> files = ReportWriter.render(data, local);
            String index = copy(spark.sparkContext().hadoopConfiguration(), files, outDir);
            return new ReportSummary(index, data.trials().size(), planned, data.statusCounts(), data.tasks().size(),
                    data.methods().size(), data.missing().size(), data.profiles().headline());
        } finally {
            deleteQuietly(local);
        }
    }

    /** One results row as a {@link Trial}; errors name the results path, the trial id and the column. */
    static Trial trial(String resultsPath, Row r) {
        String id = r.isNullAt(0) ? null : r.getString(0);
        String where = "results " + resultsPath + ": trial '" + id + "'";
        for (String c : new String[] {ResultsSchema.TRIAL_ID, ResultsSchema.TASK, ResultsSchema.METHOD,
            ResultsSchema.SETTING, ResultsSchema.SEED, ResultsSchema.STATUS, ResultsSchema.METRIC_VALUE,
            ResultsSchema.ERROR, ResultsSchema.SEARCH_S, ResultsSchema.RETRAIN_S}) {
            if (r.isNullAt(r.fieldIndex(c))) {
                throw new IllegalArgumentException(where + ": column " + c + " is null");
            }
        }
        List<LayerChoice> arch = null;
        int a = r.fieldIndex(ResultsSchema.ARCH);
        if (!r.isNullAt(a)) {
            arch = new ArrayList<>();
            List<Row> layers = r.getList(a);
            for (int i = 0; i < layers.size(); i++) {
                Row l = layers.get(i);
                if (l == null || l.isNullAt(0) || l.isNullAt(1) || l.isNullAt(2)) {
                    throw new IllegalArgumentException(where + ": column " + ResultsSchema.ARCH + ", element " + i
                            + ": null or with a null field: " + l);
                }
                try {
                    arch.add(new LayerChoice(l.getString(0), l.getInt(1), l.getInt(2)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": column " + ResultsSchema.ARCH + ", element " + i + ": "
                            + e.getMessage(), e);
                }
            }
        }
        try {
            return new Trial(id, r.getAs(ResultsSchema.SWEEP_ID), r.getAs(ResultsSchema.TASK), r.getAs(ResultsSchema.METHOD),
                    r.getAs(ResultsSchema.SETTING), r.<Long>getAs(ResultsSchema.SEED), r.getAs(ResultsSchema.STATUS),
                    r.getAs(ResultsSchema.ERROR_MESSAGE), r.getAs(ResultsSchema.METRIC_NAME),
                    r.<Double>getAs(ResultsSchema.METRIC_VALUE), r.<Double>getAs(ResultsSchema.ERROR),
                    r.<Double>getAs(ResultsSchema.SEARCH_S), r.<Double>getAs(ResultsSchema.RETRAIN_S), arch);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("results " + resultsPath + ": " + e.getMessage(), e);
        }
    }

    /** Copies {@code files} into {@code outDir}; returns the written index.html (a local path when local). */
    static String copy(Configuration conf, List<java.nio.file.Path> files, String outDir) {
        try {
            Path dst = new Path(outDir);
            FileSystem fs = dst.getFileSystem(conf);
            if (fs instanceof LocalFileSystem lfs) {
                fs = lfs.getRaw(); // no .crc files next to the report
            }
            if (fs.exists(dst) && !fs.getFileStatus(dst).isDirectory()) {
                throw new IOException("exists and is not a directory");
            }
            if (!fs.mkdirs(dst)) {
                throw new IOException("cannot create the directory");
            }
            for (java.nio.file.Path f : files) {
                fs.copyFromLocalFile(false, true, new Path(f.toUri()), new Path(dst, f.getFileName().toString()));
            }
            Path index = fs.makeQualified(new Path(dst, "index.html"));
            return "file".equals(index.toUri().getScheme()) ? new File(index.toUri()).getPath() : index.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("report: cannot write into " + outDir + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(java.nio.file.Path dir) {
        try (Stream<java.nio.file.Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
