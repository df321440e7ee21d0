package dev.dashspark.spark.data;

import dev.dashspark.core.task.TaskSpec;
import org.apache.hadoop.conf.Configuration;

/** PLACEHOLDER until the data branch is merged. */
public final class TaskDataLoader {
    public static void checkReadable(TaskSpec spec, Configuration conf) {
        if (spec.dataPath() != null && !new java.io.File(spec.dataPath()).exists()) {
            throw new IllegalArgumentException("task '" + spec.name() + "': data: " + spec.dataPath() + " does not exist");
        }
    }
}
