package dev.dashspark.spark.results;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

/**
 * Reads the results table. Writers commit one Parquet file per trial attempt (see {@link TrialRowWriter}), so a
 * Spark task retry, a speculative copy or a rerun of a failed trial can leave several rows for one trial id; every
 * reader goes through {@link #read} which keeps exactly one row per trial id: an OK row if there is one, else the
 * latest.
 */
public final class ResultsTable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultsTable.class);

    private ResultsTable() {
    }

    /** The results directory of a sweep output location. */
    public static String resultsPath(String output) {
        return output.endsWith("/") ? output + "results" : output + "/results";
    }

    /**
     * One row per trial id, with {@link ResultsSchema#SCHEMA}; empty when {@code path} does not exist or holds no
     * results yet.
     */
    public static Dataset<Row> read(SparkSession spark, String path) {
        Dataset<Row> all = readAllAttempts(spark, path);
        WindowSpec byTrial = Window.partitionBy(col(ResultsSchema.TRIAL_ID)).orderBy(
                when(col(ResultsSchema.STATUS).equalTo(lit(ResultsSchema.OK)), 0).otherwise(1),
                col(ResultsSchema.FINISHED_AT).desc(), col(ResultsSchema.ATTEMPT).desc());
        Column rank = row_number().over(byTrial);
        return all.withColumn("_rank", rank).where(col("_rank").equalTo(1)).drop("_rank");
    }

    /** Every committed row, duplicates included (for audits; use {@link #read} for analysis). */
    public static Dataset<Row> readAllAttempts(SparkSession spark, String path) {
        if (!hasResults(spark.sparkContext().hadoopConfiguration(), path)) {
            return spark.createDataFrame(java.util.List.of(), ResultsSchema.SCHEMA);
        }
        return spark.read().schema(ResultsSchema.SCHEMA).parquet(path);
    }

    /** Whether {@code path} is a directory with at least one committed Parquet file. */
    public static boolean hasResults(Configuration conf, String path) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) {
                return false;
            }
            for (FileStatus s : fs.listStatus(p)) {
                String name = s.getPath().getName();
                if (s.isFile() && name.endsWith(".parquet") && !name.startsWith("_") && !name.startsWith(".")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("results: cannot list " + path + ": " + e.getMessage(), e);
        }
    }

    /** What {@link #repair} did: the files it set aside (each with why), and the stale files it removed. */
    public record Repair(List<String> quarantined, int incomingRemoved) {
    }

    /**
     * Makes the results directory readable again before a sweep reads it: every entry that is not a results file
     * (a foreign file or folder, a file that is not Parquet or not this table's schema, a truncated file) is moved
     * to {@code results/_corrupt/} and named in the returned list, so the trial it belonged to runs again; and every
     * file left in {@code results/_incoming/} by a writer that died is removed (call this while holding the output's
     * lease: no live writer of another sweep is then committing there).
     */
    public static Repair repair(String path, Configuration conf) {
        try {
            Path dir = new Path(path);
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.exists(dir)) {
                return new Repair(List.of(), 0);
            }
            int removed = 0;
            Path incoming = new Path(dir, TrialRowWriter.INCOMING);
            if (fs.exists(incoming)) {
                for (FileStatus s : fs.listStatus(incoming)) {
                    if (fs.delete(s.getPath(), true)) {
                        removed++;
                    }
                }
            }
            List<FileStatus> entries = new ArrayList<>();
            for (FileStatus s : fs.listStatus(dir)) {
                String name = s.getPath().getName();
                if (!name.startsWith("_") && !name.startsWith(".")) {
                    entries.add(s);
                }
            }
            ForkJoinPool pool = new ForkJoinPool(8);
            List<String> problems;
            try {
                problems = pool.submit(() -> entries.parallelStream().map(s -> problem(s, conf)).toList()).get();
            } finally {
                pool.shutdown();
            }
            List<String> quarantined = new ArrayList<>();
            Path corrupt = new Path(dir, CORRUPT);
            for (int i = 0; i < entries.size(); i++) {
                if (problems.get(i) == null) {
                    continue;
                }
                Path from = entries.get(i).getPath();
                Path to = new Path(corrupt, from.getName());
                fs.mkdirs(corrupt);
                if (fs.exists(to)) {
                    to = new Path(corrupt, from.getName() + "." + UUID.randomUUID());
                }
                if (!fs.rename(from, to)) {
                    throw new IOException("cannot move " + from + " to " + to);
                }
                String what = shown(from) + " (" + problems.get(i) + ") -> " + shown(to);
                LOG.warn("results: set aside {}", what);
                quarantined.add(what);
            }
            return new Repair(List.copyOf(quarantined), removed);
        } catch (IOException e) {
            throw new UncheckedIOException("results: cannot check " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("results: interrupted while checking " + path, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("results: cannot check " + path + ": " + e.getCause(), e.getCause());
        }
    }

    /** A path as users wrote it: local paths without {@code file:}. */
    private static String shown(Path p) {
        return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
    }

    /** Where unreadable or foreign results files are moved, inside the results directory. */
    public static final String CORRUPT = "_corrupt";

    /** Why {@code s} is not a readable results file of this table, or null when it is. */
    static String problem(FileStatus s, Configuration conf) {
        if (s.isDirectory()) {
            return "a folder, not a results file";
        }
        if (!s.getPath().getName().endsWith(".parquet")) {
            return "not a .parquet file";
        }
        MessageType schema;
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromStatus(s, conf))) {
            schema = r.getFooter().getFileMetaData().getSchema();
        } catch (IOException | RuntimeException e) {
            return "not a readable Parquet file: " + e.getMessage();
        }
        for (Type column : ResultsSchema.PARQUET.getFields()) {
            if (!schema.containsField(column.getName())) {
                return "no column " + column.getName() + ": not a results file of this table";
            }
            Type theirs = schema.getType(column.getName());
            if (theirs.isPrimitive() != column.isPrimitive() || (column.isPrimitive()
                    && theirs.asPrimitiveType().getPrimitiveTypeName() != column.asPrimitiveType().getPrimitiveTypeName())) {
                return "column " + column.getName() + " is " + theirs + ", expected " + column;
            }
        }
        return null;
    }
}
