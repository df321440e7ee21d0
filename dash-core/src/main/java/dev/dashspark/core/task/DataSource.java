package dev.dashspark.core.task;

import dev.dashspark.core.io.RandomAccessInput;

import java.io.IOException;
import java.io.InputStream;

/**
 * A directory of named files that task data are read from: the local file system ({@link LocalDataSource}) here;
 * another module may implement it over a Hadoop {@code FileSystem} without dash-core depending on Hadoop.
 */
public interface DataSource {

    /** Opens the file {@code name} (relative to this source) for reading; the caller closes the stream. */
    InputStream open(String name) throws IOException;

    /**
     * Opens the file {@code name} for reading by position: small reads of headers, and bulk reads of array data
     * ({@link RandomAccessInput}). The caller closes it.
     *
     * @throws java.io.FileNotFoundException if it does not exist
     */
    RandomAccessInput openRandom(String name) throws IOException;

    /** Whether the file {@code name} exists in this source. */
    boolean exists(String name) throws IOException;

    /** A human-readable location, used in error messages (e.g. the directory path or URI). */
    String describe();
}
