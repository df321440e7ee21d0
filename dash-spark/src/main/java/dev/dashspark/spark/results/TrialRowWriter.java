package dev.dashspark.spark.results;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;
import scala.collection.JavaConverters;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Commits one results row as its own Parquet file, atomically: the file is written under
 * {@code <results>/_incoming/} (which readers ignore) and then renamed to {@code <results>/<trial_id>-<uuid>.parquet}.
 * On HDFS and the local file system the rename is atomic; on S3 the rename is a copy of one object, which becomes
 * visible whole or not at all. A row is therefore either absent or complete, never half-written, and concurrent
 * attempts of one trial (Spark retries, speculative copies) never overwrite each other: each lands as its own file
 * and {@link ResultsTable#read} keeps one row per trial id. Runs on executors and on the driver alike.
 */
public final class TrialRowWriter {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrialRowWriter.class);

    private TrialRowWriter() {
    }

    /** Where rows are written before they are renamed into place; readers ignore it. */
    static final String INCOMING = "_incoming";

    /** Attempts of {@link #commit} before it gives up (a trial's hours must not be lost to one S3 hiccup). */
    static final int ATTEMPTS = 3;

    /**
     * Writes {@code row} into {@code resultsDir}, trying {@value #ATTEMPTS} times (1 s, then 2 s apart); returns the
     * committed file. When every attempt fails, the row is logged in full (so the computed result survives in the
     * executor's log) and the last error is thrown.
     */
    public static Path commit(TrialRow row, String resultsDir, Configuration conf) throws IOException {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return commitOnce(row, resultsDir, conf);
            } catch (IOException e) {
                last = e;
                LOG.warn("results: commit attempt {} of {} for trial {} failed: {}", attempt, ATTEMPTS, row.trialId(),
                        e.getMessage());
                if (attempt < ATTEMPTS) {
                    try {
                        Thread.sleep(1000L * attempt);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
        LOG.error("results: the row of trial {} could not be committed to {}; it was: {}", row.trialId(), resultsDir, row);
        throw last;
    }

    /**
     * Checks before a sweep that rows can be committed under {@code resultsDir}: creates it and commits and deletes
     * a probe file the way {@link #commit} does. Throws an {@link IllegalArgumentException} naming the path.
     */
    public static void checkWritable(String resultsDir, Configuration conf) {
        Path dir = new Path(resultsDir);
        // its own folder: a sweep that holds the output may clean _incoming at any time
        Path probes = new Path(dir, "_probe-" + UUID.randomUUID());
        Path probe = new Path(probes, "written");
        try {
            FileSystem fs = dir.getFileSystem(conf);
            try (var out = fs.create(probe, true)) {
                out.write(1);
            }
            Path moved = new Path(probes, "renamed");
            if (!fs.rename(probe, moved)) {
                throw new IOException("rename inside " + dir + " failed");
            }
            fs.delete(probes, true);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("sweep.output: cannot write results under " + resultsDir + ": "
                    + e.getMessage(), e);
        }
    }

    private static Path commitOnce(TrialRow row, String resultsDir, Configuration conf) throws IOException {
        Path dir = new Path(resultsDir);
        FileSystem fs = dir.getFileSystem(conf);
        String name = row.trialId() + "-" + UUID.randomUUID() + ".parquet";
        Path tmp = new Path(new Path(dir, INCOMING), name);
        Path dest = new Path(dir, name);
        boolean renamed = false;
        try {
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(tmp).withConf(conf).withType(ResultsSchema.PARQUET)
                    .withCompressionCodec(CompressionCodecName.SNAPPY).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .build()) {
                w.write(group(row));
            } catch (IOException | RuntimeException e) {
                throw new IOException("results: cannot write the row of trial " + row.trialId() + " to " + tmp + ": "
                        + e.getMessage(), e);
            }
            if (!fs.rename(tmp, dest)) {
                throw new IOException("results: cannot commit the row of trial " + row.trialId() + ": rename " + tmp
                        + " -> " + dest + " failed");
            }
            renamed = true;
        } finally {
            // also when the thread is interrupted (a cancelled job) between the write and the rename: a file left in
            // _incoming is only removed by the next sweep that takes the output's lease
            deleteQuietly(fs, renamed ? null : tmp);
            deleteQuietly(fs, new Path(tmp.getParent(), "." + name + ".crc"));
        }
        return dest;
    }

    private static void deleteQuietly(FileSystem fs, Path p) {
        if (p == null) {
            return;
        }
        try {
            fs.delete(p, false);
        } catch (IOException | RuntimeException e) {
            // best effort: the next sweep holding the lease removes what is left in _incoming
        }
    }

    /** {@code r} as a Parquet record of {@link ResultsSchema#PARQUET}, column by column as the schema says. */
    static Group group(TrialRow r) {
        Group g = new SimpleGroupFactory(ResultsSchema.PARQUET).newGroup();
        struct(g, ResultsSchema.SCHEMA, r.toSparkRow());
        return g;
    }

    private static void struct(Group g, StructType type, Row row) {
        StructField[] fields = type.fields();
        for (int i = 0; i < fields.length; i++) {
            if (!row.isNullAt(i)) {
                value(g, fields[i].name(), fields[i].dataType(), row.get(i));
            }
        }
    }

    /** One value in Spark's representation, into the field {@code name} of {@code g}. */
    private static void value(Group g, String name, DataType type, Object v) {
        if (type instanceof StringType) {
            g.append(name, (String) v);
        } else if (type instanceof LongType) {
            g.append(name, (Long) v);
        } else if (type instanceof IntegerType) {
            g.append(name, (Integer) v);
        } else if (type instanceof DoubleType) {
            g.append(name, (Double) v);
        } else if (type instanceof TimestampType) {
            g.append(name, micros(((Timestamp) v).toInstant()));
        } else if (type instanceof MapType m) {
            Group map = g.addGroup(name);
            for (Map.Entry<?, ?> e : JavaConverters.mapAsJavaMap((scala.collection.Map<?, ?>) v).entrySet()) {
                Group kv = map.addGroup(0); // the repeated key_value group
                value(kv, "key", m.keyType(), e.getKey());
                if (e.getValue() != null) {
                    value(kv, "value", m.valueType(), e.getValue());
                }
            }
        } else if (type instanceof ArrayType a) {
            Group list = g.addGroup(name);
            for (Object e : JavaConverters.seqAsJavaList((scala.collection.Seq<?>) v)) {
                Group item = list.addGroup(0); // the repeated list group
                if (e != null) {
                    value(item, "element", a.elementType(), e);
                }
            }
        } else if (type instanceof StructType st) {
            struct(g.addGroup(name), st, (Row) v);
        } else {
            throw new IllegalStateException("results: no Parquet encoding for column " + name + " of type " + type);
        }
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }
}
