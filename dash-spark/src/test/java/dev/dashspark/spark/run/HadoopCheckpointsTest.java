package dev.dashspark.spark.run;

import dev.dashspark.core.trial.Checkpoints;
import dev.dashspark.spark.testing.S3Server;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Checkpoints} contract of {@link HadoopCheckpoints}, on local files and on a real S3 server: a name never
 * written reads empty; a write replaces the blob whole; a writer that fails or dies leaves the previous blob; two
 * writers racing never leave a mixed blob; clear removes the trial's blobs and no other trial's.
 */
class HadoopCheckpointsTest {

    /** A blob of {@code n} copies of {@code b}, with its length first: a reader can tell a whole one from a part. */
    private static Checkpoints.Writer blob(int b, int n) {
        return out -> {
            DataOutputStream d = new DataOutputStream(out);
            d.writeInt(n);
            byte[] bytes = new byte[n];
            Arrays.fill(bytes, (byte) b);
            d.write(bytes);
            d.flush();
        };
    }

    /** The blob's byte value, after checking it is whole and uniform. */
    private static final Checkpoints.Reader<Integer> WHOLE = in -> {
        DataInputStream d = new DataInputStream(in);
        int n = d.readInt();
        byte[] bytes = d.readAllBytes();
        assertEquals(n, bytes.length, "a blob read whole");
        for (byte x : bytes) {
            assertEquals(bytes[0], x, "one writer's blob");
        }
        return (int) bytes[0];
    };

    private static void contract(String root, Configuration conf, int racers) throws Exception {
        HadoopCheckpoints a = new HadoopCheckpoints(root, "trial-a", conf);
        HadoopCheckpoints b = new HadoopCheckpoints(root, "trial-b", conf);
        assertEquals(Optional.empty(), a.read("search", WHOLE), "never written");

        a.write("search", blob(1, 1000));
        b.write("search", blob(9, 10));
        assertEquals(Optional.of(1), a.read("search", WHOLE));
        a.write("search", blob(2, 3000));
        assertEquals(Optional.of(2), a.read("search", WHOLE), "replaced whole");
        a.write("search", blob(3, 2000));
        assertEquals(Optional.of(3), a.read("search", WHOLE));
        FileSystem fs = a.dir().getFileSystem(conf);
        assertEquals(List.of("v-1", "v-2"), names(fs, new Path(a.dir(), "search")), "versions before the previous pruned");

        // a writer that fails half-way leaves the previous blob and no temporary file
        IOException e = assertThrows(IOException.class, () -> a.write("search", out -> {
            out.write(new byte[100]);
            throw new IOException("disk full");
        }));
        assertTrue(e.getMessage().contains("cannot write 'search'") && e.getMessage().contains("disk full"), e.getMessage());
        assertEquals(Optional.of(3), a.read("search", WHOLE));
        assertEquals(List.of("v-1", "v-2"), names(fs, new Path(a.dir(), "search")));

        // a writer killed before its rename leaves a temporary file that readers ignore
        try (OutputStream out = fs.create(new Path(new Path(a.dir(), "search"), "_tmp-killed"))) {
            out.write(new byte[] {0, 0, 0, 50, 7});
        }
        assertEquals(Optional.of(3), a.read("search", WHOLE));

        // two writers of one trial racing (a retry and a zombie attempt): every read sees one whole blob
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> fs2 = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int value = 10 + w;
                fs2.add(pool.submit(() -> {
                    for (int i = 0; i < racers; i++) {
                        a.write("hpo", blob(value, 5000 + 100 * i));
                        int seen = a.read("hpo", WHOLE).orElseThrow();
                        assertTrue(seen == 10 || seen == 11, "read " + seen);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs2) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        int last = a.read("hpo", WHOLE).orElseThrow();
        assertTrue(last == 10 || last == 11);

        assertThrows(IllegalArgumentException.class, () -> a.write("../escape", blob(1, 1)));
        assertThrows(IllegalArgumentException.class, () -> a.write("_tmp-x", blob(1, 1)));

        a.clear();
        assertEquals(Optional.empty(), a.read("search", WHOLE), "cleared");
        assertEquals(Optional.empty(), a.read("hpo", WHOLE));
        assertTrue(!fs.exists(a.dir()));
        assertEquals(Optional.of(9), b.read("search", WHOLE), "another trial's checkpoints stay");
    }

    private static List<String> names(FileSystem fs, Path dir) throws IOException {
        return Arrays.stream(fs.listStatus(dir)).map(s -> s.getPath().getName()).filter(n -> !n.startsWith("."))
                .sorted().toList();
    }

    @Test
    void theContractHoldsOnLocalFiles(@TempDir java.nio.file.Path dir) throws Exception {
        contract(HadoopCheckpoints.root(dir.toString()), new Configuration(), 25);
        assertEquals(dir + "/_checkpoints", HadoopCheckpoints.root(dir.toString()));
    }

    @Test
    void theContractHoldsOnS3a() throws Exception {
        try (S3Server s3 = S3Server.start()) {
            contract(HadoopCheckpoints.root(s3.uri("sweeps/c")), s3.configuration(), 4);
            assertTrue(s3.list("sweeps/c/_checkpoints/trial-b/search/").stream().anyMatch(k -> k.endsWith("/v-0")),
                    s3.list("sweeps/c/").toString());
        }
    }
}
