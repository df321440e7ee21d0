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

import java.io.IOException;
import java.io.UncheckedIOException;

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
}
