package dev.dashspark.spark.testing;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server for tests: <a href="https://github.com/gaul/s3proxy">S3Proxy</a> with the in-memory
 * jclouds {@code transient} store, in a <b>separate JVM</b> (its Jetty, jclouds and Guava never meet Spark's on the
 * test classpath), listening on {@code 127.0.0.1} on a free port, checking AWS v2/v4 signatures against fixed test
 * credentials, with one bucket created. Clients reach it through Hadoop's S3A ({@code s3a://bucket/key}) configured
 * by {@link #hadoopProperties()}, {@link #configuration()} or {@link #sparkProperties()}.
 *
 * <pre>
 * try (S3Server s3 = S3Server.start()) {
 *     s3.put("tasks/x.npz", bytes);
 *     TaskDataLoader.load(spec.withDataPath(s3.uri("tasks/x.npz")), seed, s3.configuration());
 *     SparkSession.builder().master("local[2]").config(s3.sparkProperties()) ...
 * }
 * </pre>
 *
 * <p>The server's jar ({@code org.gaul:s3proxy:jar-with-dependencies}) is copied by Maven into
 * {@code dash-spark/target/s3proxy/s3proxy.jar} at {@code generate-test-resources}, and surefire passes its path as
 * the system property {@value #JAR_PROPERTY}. When the jar is missing, or the server does not answer within
 * {@link #STARTUP_TIMEOUT}, {@link #start} throws, with the server's log, so the test fails rather than skips.
 *
 * <p>Each server gets its own bucket name by default ({@code dash-test-<random>}): Hadoop caches one S3A file system
 * per bucket for the whole JVM, endpoint regardless, so a second server reusing a bucket name would be reached through
 * the first one's cached client. {@link #close()} closes that cached file system and stops the process.
 */
public final class S3Server implements AutoCloseable {

    /** System property with the path of the S3Proxy jar-with-dependencies (set by the dash-spark pom). */
    public static final String JAR_PROPERTY = "dash.test.s3proxy.jar";

    /** Where the jar is looked for when {@value #JAR_PROPERTY} is unset (relative to the module directory). */
    public static final String DEFAULT_JAR = "target/s3proxy/s3proxy.jar";

    /** The access key every server accepts. */
    public static final String ACCESS_KEY = "dash-test-access";

    /** The secret key every server accepts. */
    public static final String SECRET_KEY = "dash-test-secret";

    /** How long {@link #start} waits for the server to answer. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private static final int BIND_ATTEMPTS = 3;

    private final Process process;
    private final int port;
    private final String bucket;
    private final java.nio.file.Path log;
    private final Duration startup;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private S3Server(Process process, int port, String bucket, java.nio.file.Path log, Duration startup) {
        this.process = process;
        this.port = port;
        this.bucket = bucket;
        this.log = log;
        this.startup = startup;
        this.shutdownHook = new Thread(this::stopProcess, "s3proxy-" + port + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a server with a fresh bucket {@code dash-test-<random>}. */
    public static S3Server start() throws IOException {
        return start("dash-test-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /**
     * Starts a server with the bucket {@code bucket} created.
     *
     * @throws IllegalStateException if the jar is missing, or the server exits or does not answer in time (with its
     *                               log)
     */
    public static S3Server start(String bucket) throws IOException {
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("bucket: '" + bucket + "' is not a valid S3 bucket name");
        }
        java.nio.file.Path jar = java.nio.file.Path.of(System.getProperty(JAR_PROPERTY, DEFAULT_JAR)).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3 test server: " + jar + " does not exist (system property "
                    + JAR_PROPERTY + "); run the tests through Maven, which copies"
                    + " org.gaul:s3proxy:jar-with-dependencies there at generate-test-resources");
        }
        java.nio.file.Path work = jar.getParent().resolve("runs");
        Files.createDirectories(work);
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            int port = freePort();
            java.nio.file.Path dir = Files.createTempDirectory(work, "s3proxy-" + port + "-");
            java.nio.file.Path props = dir.resolve("s3proxy.properties");
            Files.writeString(props, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=transient",
                    "jclouds.identity=" + ACCESS_KEY,
                    "jclouds.credential=" + SECRET_KEY,
                    ""), StandardCharsets.UTF_8);
            java.nio.file.Path log = dir.resolve("s3proxy.log");
            String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(javaBin, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-jar", jar.toString(), "--properties", props.toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            long t0 = System.nanoTime();
            Process p = pb.start();
            try {
                awaitAnswer(p, port, log);
                S3Server server = new S3Server(p, port, bucket, log, Duration.ofNanos(System.nanoTime() - t0));
                try {
                    server.createBucket();
                } catch (IOException | RuntimeException e) {
                    server.close();
                    throw e;
                }
                return server;
            } catch (IllegalStateException e) {
                destroy(p);
                last = e;
                if (!readLog(log).contains("Address already in use")) {
                    throw e;
                }
            }
        }
        throw last;
    }

    /** The port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** The bucket created at start. */
    public String bucket() {
        return bucket;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    /** {@code s3a://BUCKET/key} (no leading slash on {@code key}; an empty key is the bucket's root). */
    public String uri(String key) {
        return "s3a://" + bucket + "/" + (key.startsWith("/") ? key.substring(1) : key);
    }

    /** How long the server took from process start to its first answer. */
    public Duration startupTime() {
        return startup;
    }

    /** The server's log (stdout and stderr). */
    public java.nio.file.Path log() {
        return log;
    }

    /**
     * The S3A settings that reach this server: endpoint, path-style access, no TLS, the standard
     * {@code SimpleAWSCredentialsProvider} with this server's keys, short retries and timeouts (a broken test fails
     * in seconds, not minutes), and no bucket probe.
     */
    public Map<String, String> hadoopProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("fs.s3a.endpoint", endpoint());
        p.put("fs.s3a.endpoint.region", "us-east-1");
        p.put("fs.s3a.path.style.access", "true");
        p.put("fs.s3a.connection.ssl.enabled", "false");
        p.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        p.put("fs.s3a.access.key", ACCESS_KEY);
        p.put("fs.s3a.secret.key", SECRET_KEY);
        p.put("fs.s3a.bucket.probe", "0");
        p.put("fs.s3a.change.detection.mode", "client");
        p.put("fs.s3a.change.detection.version.required", "false");
        p.put("fs.s3a.attempts.maximum", "2");
        p.put("fs.s3a.retry.limit", "2");
        p.put("fs.s3a.retry.interval", "100ms");
        p.put("fs.s3a.retry.throttle.limit", "2");
        p.put("fs.s3a.retry.throttle.interval", "100ms");
        p.put("fs.s3a.connection.establish.timeout", "5000");
        p.put("fs.s3a.connection.timeout", "20000");
        p.put("fs.s3a.fast.upload.buffer", "bytebuffer");
        p.put("fs.s3a.multipart.size", "8M");
        return p;
    }

    /** {@link #hadoopProperties()} prefixed with {@code spark.hadoop.}, for a {@code SparkSession} or SparkConf. */
    public Map<String, String> sparkProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        hadoopProperties().forEach((k, v) -> p.put("spark.hadoop." + k, v));
        return p;
    }

    /** A new Hadoop configuration (defaults loaded) with {@link #hadoopProperties()} set. */
    public Configuration configuration() {
        Configuration conf = new Configuration();
        apply(conf);
        return conf;
    }

    /** Sets {@link #hadoopProperties()} on {@code conf}; returns it. */
    public Configuration apply(Configuration conf) {
        hadoopProperties().forEach(conf::set);
        return conf;
    }

    /** The (cached) S3A file system of the bucket. */
    public FileSystem fileSystem() throws IOException {
        return FileSystem.get(URI.create("s3a://" + bucket + "/"), configuration());
    }

    /** Writes {@code bytes} to {@code key} through S3A. */
    public void put(String key, byte[] bytes) throws IOException {
        try (FSDataOutputStream out = fileSystem().create(new Path(uri(key)), true)) {
            out.write(bytes);
        }
    }

    /** Reads {@code key} through S3A. */
    public byte[] get(String key) throws IOException {
        try (FSDataInputStream in = fileSystem().open(new Path(uri(key)))) {
            return in.readAllBytes();
        }
    }

    /** Keys of the files below {@code prefix} (a directory key such as {@code out/}), recursively, sorted. */
    public List<String> list(String prefix) throws IOException {
        List<String> keys = new ArrayList<>();
        String root = "s3a://" + bucket + "/";
        RemoteIterator<LocatedFileStatus> it = fileSystem().listFiles(new Path(uri(prefix)), true);
        while (it.hasNext()) {
            String s = it.next().getPath().toString();
            keys.add(s.startsWith(root) ? s.substring(root.length()) : s);
        }
        keys.sort(null);
        return keys;
    }

    /** Whether the server process is running. */
    public boolean isRunning() {
        return process.isAlive();
    }

    /** Closes the bucket's cached S3A file system and stops the server. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            FileSystem.get(URI.create("s3a://" + bucket + "/"), configuration()).close();
        } catch (IOException | RuntimeException e) {
            System.err.println("S3Server: closing the S3A file system of " + bucket + ": " + e);
        }
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
    }

    @Override
    public String toString() {
        return "S3Server[" + endpoint() + ", bucket " + bucket + "]";
    }

    private void stopProcess() {
        destroy(process);
    }

    private static void destroy(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Waits until the server answers any HTTP request (an unsigned GET gets 403). */
    private static void awaitAnswer(Process p, int port, java.nio.file.Path log) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("S3 test server on port " + port + " exited with status "
                        + p.exitValue() + " before answering; its log " + log + ":\n" + tail(readLog(log)));
            }
            try {
                http.send(probe, HttpResponse.BodyHandlers.discarding());
                return;
            } catch (ConnectException | HttpConnectTimeoutException e) {
                // not listening yet
            } catch (IOException e) {
                // listening but not ready (connection reset, timeout): try again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the S3 test server", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3 test server on port " + port + " did not answer within "
                        + STARTUP_TIMEOUT.toSeconds() + " s; its log " + log + ":\n" + tail(readLog(log)));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the S3 test server", e);
            }
        }
    }

    /** PUT /bucket, signed with AWS signature v2 (which the server accepts besides v4). */
    private void createBucket() throws IOException {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT)
                .format(ZonedDateTime.now(ZoneOffset.UTC));
        String toSign = "PUT\n\n\n\nx-amz-date:" + date + "\n/" + bucket;
        String signature;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(SECRET_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            signature = Base64.getEncoder().encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
        HttpRequest put = HttpRequest.newBuilder(URI.create(endpoint() + "/" + bucket))
                .timeout(Duration.ofSeconds(20))
                .header("x-amz-date", date)
                .header("Authorization", "AWS " + ACCESS_KEY + ":" + signature)
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> r;
        try {
            r = HttpClient.newHttpClient().send(put, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating bucket " + bucket, e);
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("S3 test server " + endpoint() + ": creating bucket " + bucket
                    + " answered HTTP " + r.statusCode() + ": " + r.body() + "\nits log " + log + ":\n"
                    + tail(readLog(log)));
        }
    }

    private static String readLog(java.nio.file.Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static String tail(String s) {
        return s.length() <= 6000 ? s : "..." + s.substring(s.length() - 6000);
    }
}
