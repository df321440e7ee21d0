package dev.dashspark.spark.data;

import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * A Hadoop {@link Configuration} that travels in Spark closures: take the driver's
 * ({@code spark.sparkContext().hadoopConfiguration()}, which holds every {@code spark.hadoop.*} setting such as the
 * {@code fs.s3a.*} ones) and call {@link #get()} on the executor to hand it to {@link TaskDataLoader} or
 * {@link DatasetCache}. Serialized with {@link Configuration#write}/{@link Configuration#readFields}, i.e. every
 * property as resolved on the driver.
 */
public final class SerializableHadoopConf implements Serializable {

    private static final long serialVersionUID = 1L;

    private transient Configuration conf;

    /** A snapshot (copy) of {@code conf}. */
    public SerializableHadoopConf(Configuration conf) {
        if (conf == null) {
            throw new IllegalArgumentException("conf: must not be null");
        }
        this.conf = new Configuration(conf);
    }

    /** The configuration; shared by the callers in this JVM, so treat it as read-only. */
    public Configuration get() {
        return conf;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        conf.write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        conf = new Configuration(false);
        conf.readFields(in);
    }
}
