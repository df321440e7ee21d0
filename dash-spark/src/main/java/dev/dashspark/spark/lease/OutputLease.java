package dev.dashspark.spark.lease;

import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import dev.dashspark.core.cli.ExitStatus;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One sweep per output: before any job, a sweep creates {@code <output>/_LEASE} without overwriting, holding its
 * owner, host, process, start time and a heartbeat it renews; it deletes the file when it ends. A second sweep on the
 * same output finds the file and stops with {@link Held} (exit status 4) naming the holder, or with {@code --wait}
 * waits for it. A lease whose heartbeat is older than its timeout, or whose process is gone from this host, is
 * stale: it is taken over, and the takeover is logged.
 *
 * <p>What each file system gives (details in the project's {@code docs/operations.md}):
 * <ul>
 *   <li>local ({@code file:}): {@code O_CREAT|O_EXCL} through {@link StandardOpenOption#CREATE_NEW}: atomic, exactly
 *       one creator wins (Hadoop's own local create-without-overwrite checks, then creates: not atomic);</li>
 *   <li>HDFS: {@code create(path, overwrite = false)} is atomic at the NameNode;</li>
 *   <li>s3a (and any other store): S3A's create without overwrite checks for the object, then uploads it: two
 *       sweeps within the same second can both pass the check, the last upload wins. So on these stores the lease is
 *       read back after a settling delay, and the sweep whose token is not there backs off as if it had found the
 *       file.</li>
 * </ul>
 * A takeover renames the stale file aside (atomic on local and HDFS) before creating a new one, so two sweeps that
 * both find it stale do not both take it.
 */
public final class OutputLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutputLease.class);
    static final String FILE = "_LEASE";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a non-atomic store is given before the lease is read back. */
    static final Duration SETTLE = Duration.ofSeconds(2);

    /** The content of the lease file. */
    public record Holder(String owner, String token, String host, long pid, long pidStartedMs, String startedAt,
                         String heartbeatAt, long timeoutMs) {
        /** Stale: the heartbeat is older than the timeout, or the process is gone from this very host. */
        boolean stale(Instant now, String thisHost) {
            Instant beat = Instant.parse(heartbeatAt);
            if (Duration.between(beat, now).toMillis() > timeoutMs) {
                return true;
            }
            if (host.equals(thisHost)) {
                Optional<ProcessHandle> p = ProcessHandle.of(pid);
                return p.isEmpty() || !p.get().isAlive() || p.get().info().startInstant()
                        .map(s -> Math.abs(s.toEpochMilli() - pidStartedMs) > 1000).orElse(false);
            }
            return false;
        }

        String describe() {
            return "sweep '" + owner + "' on " + host + " (pid " + pid + "), started " + startedAt + ", last heartbeat "
                    + heartbeatAt;
        }
    }

    /** The output is held by another sweep: exit status 4. */
    public static final class Held extends ExitStatus.Failure {
        private static final long serialVersionUID = 1L;

        Held(String message) {
            super(ExitStatus.OUTPUT_HELD, message);
        }
    }

    private final FileSystem fs;
    private final Path path;
    private final Holder mine;
    private final ScheduledExecutorService heartbeat;
    private volatile boolean lost;
    private volatile Runnable onLost = () -> { };

    private OutputLease(FileSystem fs, Path path, Holder mine, Duration every) {
        this.fs = fs;
        this.path = path;
        this.mine = mine;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dash-lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long ms = every.toMillis();
        heartbeat.scheduleWithFixedDelay(this::renew, ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lease on {@code output} for sweep {@code owner}; with {@code wait}, waits while another sweep holds
     * it. {@code log} gets the lines a user should see (waiting, takeovers).
     *
     * @throws Held when another live sweep holds it and {@code wait} is false
     */
    public static OutputLease acquire(String output, Configuration conf, String owner, Duration timeout, boolean wait,
                                      Consumer<String> log) throws IOException {
        Path dir = new Path(output);
        FileSystem f = dir.getFileSystem(conf);
        FileSystem fs = f instanceof LocalFileSystem l ? l.getRaw() : f;
        fs.mkdirs(dir);
        Path path = new Path(dir, FILE);
        String host = host();
        ProcessHandle self = ProcessHandle.current();
        long selfStart = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        String token = UUID.randomUUID().toString();
        String started = Instant.now().toString();
        Duration poll = every(timeout);
        boolean told = false;
        while (true) {
            Holder mine = new Holder(owner, token, host, self.pid(), selfStart, started, Instant.now().toString(),
                    timeout.toMillis());
            if (create(fs, path, mine)) {
                LOG.info("lease on {} taken by sweep '{}' (token {})", output, owner, token);
                return new OutputLease(fs, path, mine, poll);
            }
            Optional<Holder> other = read(fs, path);
            if (other.isEmpty()) {
                continue; // released between our create and read: try again
            }
            Holder h = other.get();
            if (h.stale(Instant.now(), host)) {
                Path aside = new Path(dir, FILE + ".stale-" + UUID.randomUUID());
                if (fs.rename(path, aside)) {
                    Optional<Holder> moved = read(fs, aside);
                    if (moved.isPresent() && !moved.get().token().equals(h.token())) {
                        fs.rename(aside, path); // not the stale one: another sweep took it meanwhile; put it back
                        continue;
                    }
                    fs.delete(aside, false);
                    log.accept("output " + output + ": taking over the stale lease of " + h.describe());
                    LOG.warn("output {}: taking over the stale lease of {}", output, h.describe());
                }
                continue;
            }
            if (!wait) {
                throw new Held("output " + output + " is held by " + h.describe() + "; run with --wait to wait, or"
                        + " remove " + path + " if that sweep is gone (it is taken over by itself "
                        + Duration.ofMillis(h.timeoutMs()).toSeconds() + " s after its last heartbeat)");
            }
            if (!told) {
                log.accept("output " + output + " is held by " + h.describe() + "; waiting (--wait)");
                told = true;
            }
            sleep(poll.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : poll);
        }
    }

    /** The heartbeat period: a quarter of the timeout, between 1 s and 30 s. */
    static Duration every(Duration timeout) {
        long ms = Math.max(250, Math.min(30_000, timeout.toMillis() / 4));
        return Duration.ofMillis(ms);
    }

    /** Creates {@code path} with {@code h} unless it exists; true when this process now holds it. */
    private static boolean create(FileSystem fs, Path path, Holder h) throws IOException {
        byte[] bytes = json(h);
        String scheme = fs.getUri().getScheme();
        if ("file".equals(scheme)) {
            java.nio.file.Path p = java.nio.file.Path.of(fs.makeQualified(path).toUri());
            try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(bytes);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            }
            return true;
        }
        try (OutputStream out = fs.create(path, false)) {
            out.write(bytes);
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        if ("hdfs".equals(scheme)) {
            return true;
        }
        sleep(SETTLE); // check-then-put stores: the last upload wins; whoever is not there backs off
        return read(fs, path).map(r -> r.token().equals(h.token())).orElse(false);
    }

    /** The holder of the lease at {@code path}, or empty when there is none. */
    public static Optional<Holder> read(FileSystem fs, Path path) throws IOException {
        try (FSDataInputStream in = fs.open(path)) {
            byte[] b = in.readAllBytes();
            try {
                return Optional.of(JSON.readValue(b, Holder.class));
            } catch (IOException e) {
                // a lease file cut short (its writer killed while writing): stale from its modification time
                long mtime = fs.getFileStatus(path).getModificationTime();
                return Optional.of(new Holder("unknown (unreadable lease file)", "", "", -1, 0, Instant.ofEpochMilli(mtime)
                        .toString(), Instant.ofEpochMilli(mtime).toString(), Duration.ofMinutes(1).toMillis()));
            }
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Rewrites the heartbeat, unless another sweep took the lease over meanwhile: then it is lost. */
    private void renew() {
        if (lost) {
            return;
        }
        try {
            Optional<Holder> now = read(fs, path);
            if (now.isEmpty() || !now.get().token().equals(mine.token())) {
                lost = true;
                LOG.error("lease on {} lost: {}", path.getParent(), now.map(Holder::describe).orElse("the file is gone"));
                onLost.run();
                return;
            }
            Holder beat = new Holder(mine.owner(), mine.token(), mine.host(), mine.pid(), mine.pidStartedMs(),
                    mine.startedAt(), Instant.now().toString(), mine.timeoutMs());
            try (OutputStream out = fs.create(path, true)) {
                out.write(json(beat));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("lease on {}: heartbeat failed: {}", path.getParent(), e.getMessage());
        }
    }

    /** Runs {@code action} (once) when the heartbeat finds the lease taken over by another sweep. */
    public void onLost(Runnable action) {
        this.onLost = action;
    }

    /** Whether another sweep took this lease over (this sweep was thought dead). */
    public boolean lost() {
        return lost;
    }

    /** Stops the heartbeat and deletes the lease file if it is still this sweep's. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(10, TimeUnit.SECONDS);
            Optional<Holder> now = read(fs, path);
            if (now.isPresent() && now.get().token().equals(mine.token())) {
                fs.delete(path, false);
            }
        } catch (IOException e) {
            LOG.warn("lease on {}: cannot release it: {}", path.getParent(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] json(Holder h) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(h).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the output lease", e);
        }
    }
}
