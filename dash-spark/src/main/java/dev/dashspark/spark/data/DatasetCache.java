package dev.dashspark.spark.data;

import dev.dashspark.core.task.SyntheticTasks;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskDataReader;
import dev.dashspark.core.task.TaskSpec;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;

/** PLACEHOLDER until the data branch is merged. */
public final class DatasetCache {
    private static final DatasetCache SHARED = new DatasetCache();

    public static DatasetCache shared() {
        return SHARED;
    }

    public TaskData get(TaskSpec spec, long seed, Configuration conf) throws IOException {
        return spec.synthetic() != null ? SyntheticTasks.generate(spec, seed) : TaskDataReader.load(spec);
    }
}
