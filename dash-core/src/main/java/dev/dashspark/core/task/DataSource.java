package dev.dashspark.core.task;

import java.io.IOException;
import java.io.InputStream;

/**
 * A directory of named files that task data are read from: the local file system ({@link LocalDataSource}) here;
 * another module may implement it over a Hadoop {@code FileSystem} without dash-core depending on Hadoop.
 */
public interface DataSource {

    /** Opens the file {@code name} (relative to this source) for reading; the caller closes the stream. */
    InputStream open(String name) throws IOException;

    /** Whether the file {@code name} exists in this source. */
    boolean exists(String name) throws IOException;

    /** A human-readable location, used in error messages (e.g. the directory path or URI). */
    String describe();
}
