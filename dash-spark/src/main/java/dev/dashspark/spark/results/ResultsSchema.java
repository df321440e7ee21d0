package dev.dashspark.spark.results;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.execution.datasources.parquet.SparkToParquetSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import scala.collection.JavaConverters;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The results table: one row per finished trial, in Parquet under {@code <output>/results}. This class is the one
 * place its columns are defined ({@link #COLUMNS}): the Spark schema, the Parquet schema and the value of every column
 * of a {@link TrialRow} derive from that list; the writer ({@link TrialRowWriter}) and the readers
 * ({@link ResultsTable}, the report) use these names and types.
 *
 * <table>
 * <caption>Columns</caption>
 * <tr><th>column</th><th>type</th><th>meaning</th></tr>
 * <tr><td>sweep_id</td><td>string</td><td>the sweep's name ({@code sweep.name})</td></tr>
 * <tr><td>trial_id</td><td>string</td><td>stable id: a hash of the resolved task, method, settings and seed</td></tr>
 * <tr><td>task, method</td><td>string</td><td>task name, method id ({@code dash}, {@code mixed-results},
 * {@code backbone}, {@code random})</td></tr>
 * <tr><td>seed</td><td>long</td><td>the trial seed</td></tr>
 * <tr><td>setting</td><td>string</td><td>the name of the sweep's hyperparameter setting</td></tr>
 * <tr><td>settings</td><td>map&lt;string,string&gt;</td><td>what the setting overrides (task keys, {@code hpo})</td></tr>
 * <tr><td>hparams</td><td>map&lt;string,string&gt;</td><td>the hyperparameters the HPO chose (lr, dropout,
 * weight_decay, momentum); null when the trial failed before</td></tr>
 * <tr><td>status</td><td>string</td><td>{@code OK}, {@code FAILED} (it threw) or {@code DIVERGED} (a loss became
 * non-finite)</td></tr>
 * <tr><td>error_message</td><td>string</td><td>why it failed or diverged; null when OK</td></tr>
 * <tr><td>metric_name</td><td>string</td><td>the task's metric (e.g. {@code accuracy})</td></tr>
 * <tr><td>metric_value</td><td>double</td><td>the metric on test; NaN unless OK</td></tr>
 * <tr><td>error</td><td>double</td><td>the metric as a lower-is-better error; +∞ unless OK</td></tr>
 * <tr><td>val_error</td><td>double</td><td>the best validation error of the retraining; +∞ unless OK</td></tr>
 * <tr><td>arch</td><td>array&lt;struct&lt;layer,k,d&gt;&gt;</td><td>the found architecture per layer; null when
 * none was found</td></tr>
 * <tr><td>search_s, hpo_s, retrain_s, total_s</td><td>double</td><td>wall seconds per stage and in all</td></tr>
 * <tr><td>attempt</td><td>int</td><td>1 for the first run of the trial, +1 for each rerun by a later sweep run</td></tr>
 * <tr><td>spark_attempt</td><td>int</td><td>Spark's task attempt number (retries and speculative copies)</td></tr>
 * <tr><td>executor</td><td>string</td><td>{@code <executor id>@<host>}</td></tr>
 * <tr><td>backend</td><td>string</td><td>the ND4J backend and, when Spark assigned one, the GPU address</td></tr>
 * <tr><td>config_hash</td><td>string</td><td>hash of the whole resolved sweep configuration</td></tr>
 * <tr><td>versions</td><td>map&lt;string,string&gt;</td><td>dash-spark, Spark, ND4J, Java versions</td></tr>
 * <tr><td>git_revision</td><td>string</td><td>the source revision that ran, or {@code unknown}</td></tr>
 * <tr><td>started_at, finished_at</td><td>timestamp</td><td>UTC wall clock of the trial</td></tr>
 * </table>
 */
public final class ResultsSchema {
    private ResultsSchema() {
    }

    public static final String SWEEP_ID = "sweep_id";
    public static final String TRIAL_ID = "trial_id";
    public static final String TASK = "task";
    public static final String METHOD = "method";
    public static final String SEED = "seed";
    public static final String SETTING = "setting";
    public static final String SETTINGS = "settings";
    public static final String HPARAMS = "hparams";
    public static final String STATUS = "status";
    public static final String ERROR_MESSAGE = "error_message";
    public static final String METRIC_NAME = "metric_name";
    public static final String METRIC_VALUE = "metric_value";
    public static final String ERROR = "error";
    public static final String VAL_ERROR = "val_error";
    public static final String ARCH = "arch";
    public static final String SEARCH_S = "search_s";
    public static final String HPO_S = "hpo_s";
    public static final String RETRAIN_S = "retrain_s";
    public static final String TOTAL_S = "total_s";
    public static final String ATTEMPT = "attempt";
    public static final String SPARK_ATTEMPT = "spark_attempt";
    public static final String EXECUTOR = "executor";
    public static final String BACKEND = "backend";
    public static final String CONFIG_HASH = "config_hash";
    public static final String VERSIONS = "versions";
    public static final String GIT_REVISION = "git_revision";
    public static final String STARTED_AT = "started_at";
    public static final String FINISHED_AT = "finished_at";

    /** Statuses. */
    public static final String OK = dev.dashspark.core.trial.TrialStatus.OK.name();
    public static final String FAILED = dev.dashspark.core.trial.TrialStatus.FAILED.name();
    public static final String DIVERGED = dev.dashspark.core.trial.TrialStatus.DIVERGED.name();
    public static final List<String> STATUSES = List.of(OK, FAILED, DIVERGED);

    /** Element of {@code arch}: one searchable layer's choice. */
    public static final StructType LAYER = new StructType(new StructField[] {
        new StructField("layer", DataTypes.StringType, false, Metadata.empty()),
        new StructField("k", DataTypes.IntegerType, false, Metadata.empty()),
        new StructField("d", DataTypes.IntegerType, false, Metadata.empty()),
    });

    private static final MapType STRING_MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true);

    /**
     * One column: name, Spark type, nullability, and its value in a {@link TrialRow} as Spark represents it
     * (timestamps as {@link Timestamp}, maps as Scala maps, {@code arch} as a sequence of {@link #LAYER} rows).
     */
    record Column(String name, DataType type, boolean nullable, Function<TrialRow, Object> value) {
    }

    /** The columns, in table order: the one definition the Spark schema, the Parquet schema and every row follow. */
    static final List<Column> COLUMNS = List.of(
        new Column(SWEEP_ID, DataTypes.StringType, false, TrialRow::sweepId),
        new Column(TRIAL_ID, DataTypes.StringType, false, TrialRow::trialId),
        new Column(TASK, DataTypes.StringType, false, TrialRow::task),
        new Column(METHOD, DataTypes.StringType, false, TrialRow::method),
        new Column(SEED, DataTypes.LongType, false, TrialRow::seed),
        new Column(SETTING, DataTypes.StringType, false, TrialRow::setting),
        new Column(SETTINGS, STRING_MAP, true, r -> scalaMap(r.settings())),
        new Column(HPARAMS, STRING_MAP, true, r -> scalaMap(r.hparams())),
        new Column(STATUS, DataTypes.StringType, false, TrialRow::status),
        new Column(ERROR_MESSAGE, DataTypes.StringType, true, TrialRow::errorMessage),
        new Column(METRIC_NAME, DataTypes.StringType, true, TrialRow::metricName),
        new Column(METRIC_VALUE, DataTypes.DoubleType, false, TrialRow::metricValue),
        new Column(ERROR, DataTypes.DoubleType, false, TrialRow::error),
        new Column(VAL_ERROR, DataTypes.DoubleType, false, TrialRow::valError),
        new Column(ARCH, new ArrayType(LAYER, false), true, r -> layers(r.arch())),
        new Column(SEARCH_S, DataTypes.DoubleType, false, TrialRow::searchS),
        new Column(HPO_S, DataTypes.DoubleType, false, TrialRow::hpoS),
        new Column(RETRAIN_S, DataTypes.DoubleType, false, TrialRow::retrainS),
        new Column(TOTAL_S, DataTypes.DoubleType, false, TrialRow::totalS),
        new Column(ATTEMPT, DataTypes.IntegerType, false, TrialRow::attempt),
        new Column(SPARK_ATTEMPT, DataTypes.IntegerType, false, TrialRow::sparkAttempt),
        new Column(EXECUTOR, DataTypes.StringType, true, TrialRow::executor),
        new Column(BACKEND, DataTypes.StringType, true, TrialRow::backend),
        new Column(CONFIG_HASH, DataTypes.StringType, true, TrialRow::configHash),
        new Column(VERSIONS, STRING_MAP, true, r -> scalaMap(r.versions())),
        new Column(GIT_REVISION, DataTypes.StringType, true, TrialRow::gitRevision),
        new Column(STARTED_AT, DataTypes.TimestampType, false, r -> Timestamp.from(r.startedAt())),
        new Column(FINISHED_AT, DataTypes.TimestampType, false, r -> Timestamp.from(r.finishedAt())));

    /** The table's Spark schema, in column order. */
    public static final StructType SCHEMA = new StructType(COLUMNS.stream()
            .map(c -> new StructField(c.name(), c.type(), c.nullable(), Metadata.empty())).toArray(StructField[]::new));

    /**
     * The Parquet schema of {@link #SCHEMA} as Spark itself writes it (standard MAP and LIST layouts, timestamps as
     * INT64 micros, nullable columns optional), so that Spark reads the files as it reads its own.
     */
    public static final MessageType PARQUET = new SparkToParquetSchemaConverter(false,
            SQLConf.ParquetOutputTimestampType$.MODULE$.TIMESTAMP_MICROS(), false).convert(SCHEMA);

    /** {@code row} as a Spark row of {@link #SCHEMA}. */
    static Row toSparkRow(TrialRow row) {
        return RowFactory.create(COLUMNS.stream().map(c -> c.value().apply(row)).toArray());
    }

    private static Object scalaMap(Map<String, String> m) {
        return m == null ? null : JavaConverters.mapAsScalaMap(m).toMap(scala.Predef$.MODULE$.$conforms());
    }

    private static Object layers(List<TrialRow.Layer> arch) {
        if (arch == null) {
            return null;
        }
        List<Row> rows = new ArrayList<>();
        for (TrialRow.Layer l : arch) {
            rows.add(RowFactory.create(l.layer(), l.k(), l.d()));
        }
        return JavaConverters.asScalaBuffer(rows).toSeq();
    }
}
