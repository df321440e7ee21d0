package dev.dashspark.core.bench;

import dev.dashspark.core.io.Npy;
import dev.dashspark.core.io.NpyDtype;
import dev.dashspark.core.io.NpyHeader;
import dev.dashspark.core.io.OffHeapFloats;
import dev.dashspark.core.task.TaskData;
import dev.dashspark.core.task.TaskDataReader;
import dev.dashspark.core.task.TaskSpec;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code bench data [--size-mb N] [--formats npy,npz,npz-deflated] [--reps N] [--dir DIR] [--keep]}: what loading a
 * task of real size costs. Writes a DeepSEA-shaped task of about N MB (default 1024): x_train float32 (B, 4, 1000),
 * y_train uint8 (B, 36), and a small test split, as a directory of {@code .npy} files ({@code npy}), an
 * {@code .npz} as {@code numpy.savez} writes it ({@code npz}, stored) or as {@code numpy.savez_compressed} does
 * ({@code npz-deflated}). Then, per format, after one untimed {@code cat} to bring the files into the page cache:
 * <ul>
 *   <li>{@code cat <files> > /dev/null}, timed: the cost of reading the bytes at all;</li>
 *   <li>allocating and releasing float32 arrays of the task's size ({@code held_bytes}), timed: the floor any
 *       loader that holds the data pays (the first touch of fresh memory: on a VM about 1 s per GiB);</li>
 *   <li>{@link TaskDataReader#load}, timed: headers, checks and the float32 arrays ({@code rest_over_cat}: the load
 *       less that allocation, against {@code cat});</li>
 *   <li>on the first repetition, the process's peak resident memory during the load (Linux {@code VmHWM}, reset
 *       before it through {@code /proc/self/clear_refs}) above its resident memory before it.</li>
 * </ul>
 * Prints CSV rows ({@value #HEADER}; the peak columns on rep 1 only) and medians on stderr. Argument parsing lives here on purpose: the
 * bench does not depend on the command line's framework.
 */
public final class DataBench {

    public static final String HEADER = "format,size_bytes,held_bytes,rep,cat_ms,alloc_ms,load_ms,load_over_cat,"
            + "rest_over_cat,rss_before_mb,peak_rss_mb,peak_delta_mb,peak_over_size";
    public static final List<String> FORMATS = List.of("npy", "npz", "npz-deflated");
    private static final int LENGTH = 1000;
    private static final int CHANNELS = 4;
    private static final int LABELS = 36;

    private DataBench() {
    }

    /** Options (see the class comment), parsed by the {@code bench data} command; checked here. */
    public record Options(long sizeMb, List<String> formats, int reps, Path dir, boolean keep) {
        public Options {
            if (sizeMb <= 0 || reps <= 0) {
                throw new IllegalArgumentException("bench data: --size-mb and --reps must be positive, got " + sizeMb
                        + " and " + reps);
            }
            for (String f : formats) {
                if (!FORMATS.contains(f)) {
                    throw new IllegalArgumentException("bench data: --formats: unknown format '" + f
                            + "'; expected some of " + FORMATS);
                }
            }
            formats = List.copyOf(formats);
        }
    }

    public static void run(Options o, PrintStream out, PrintStream log) throws Exception {
        long samples = Math.max(1, o.sizeMb() * (1L << 20) / ((long) CHANNELS * LENGTH * 4));
        Path dir = o.dir() != null ? Files.createDirectories(o.dir()) : Files.createTempDirectory("dash-bench-data");
        Nd4j.create(1);
        out.println(HEADER);
        try {
            for (String format : o.formats()) {
                Path data = write(dir, format, samples);
                List<Path> files = files(data);
                long size = 0;
                for (Path f : files) {
                    size += Files.size(f);
                }
                TaskSpec spec = spec().withDataPath(data.toString());
                long held = 4 * (samples * (CHANNELS * LENGTH + LABELS) + 64L * (CHANNELS * LENGTH + LABELS));
                cat(files);
                double[] ratios = new double[o.reps()];
                for (int rep = 1; rep <= o.reps(); rep++) {
                    long catNs = cat(files);
                    long a0 = System.nanoTime();
                    OffHeapFloats.allocate(new long[]{held / 4}, false, "bench", null).release();
                    long allocNs = System.nanoTime() - a0;
                    System.gc();
                    long before = statusKb("VmRSS");
                    boolean peak = rep == 1 && resetPeak();
                    long t0 = System.nanoTime();
                    TaskData d = TaskDataReader.load(spec);
                    long loadNs = System.nanoTime() - t0;
                    long hwm = statusKb("VmHWM");
                    release(d);
                    ratios[rep - 1] = (double) loadNs / catNs;
                    String mem = peak ? String.format(Locale.ROOT, "%.0f,%.0f,%.0f,%.3f", before / 1024.0, hwm / 1024.0,
                            (hwm - before) / 1024.0, (hwm - before) * 1024.0 / size) : ",,,";
                    out.printf(Locale.ROOT, "%s,%d,%d,%d,%.0f,%.0f,%.0f,%.2f,%.2f,%s%n", format, size, held, rep,
                            catNs / 1e6, allocNs / 1e6, loadNs / 1e6, ratios[rep - 1],
                            (double) (loadNs - allocNs) / catNs, mem);
                }
                Arrays.sort(ratios);
                log.printf(Locale.ROOT, "bench data: %s, %d samples, %.0f MB: median load / cat = %.2f%n", format,
                        samples, size / 1e6, ratios[ratios.length / 2]);
            }
        } finally {
            if (!o.keep() && o.dir() == null) {
                delete(dir);
            }
        }
    }

    /** The benchmark task: DeepSEA's shapes (4 × 1000 inputs, 36 labels). */
    static TaskSpec spec() {
        Map<String, String> p = new LinkedHashMap<>();
        String[] kv = {"dims", "1", "channels", Integer.toString(CHANNELS), "shape", Integer.toString(LENGTH),
                "output", "multi-label", "outputs", Integer.toString(LABELS), "loss", "bce", "metric", "auroc",
                "backbone", "resnet1d", "kernels", "3", "dilations", "1", "batch", "256", "search-epochs", "1",
                "hpo-epochs", "1", "retrain-epochs", "1"};
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return TaskSpec.fromProperties("bench", p);
    }

    private static Map<String, NpyHeader> arrays(long samples) {
        Map<String, NpyHeader> a = new LinkedHashMap<>();
        a.put("x_train", NpyHeader.of(NpyDtype.FLOAT32, ByteOrder.LITTLE_ENDIAN, false, samples, CHANNELS, LENGTH));
        a.put("y_train", NpyHeader.of(NpyDtype.UINT8, ByteOrder.LITTLE_ENDIAN, false, samples, LABELS));
        a.put("x_test", NpyHeader.of(NpyDtype.FLOAT32, ByteOrder.LITTLE_ENDIAN, false, 64, CHANNELS, LENGTH));
        a.put("y_test", NpyHeader.of(NpyDtype.UINT8, ByteOrder.LITTLE_ENDIAN, false, 64, LABELS));
        return a;
    }

    /** Reproducible values: inputs in [-1, 1) on a 1/1024 grid, labels 0 or 1. */
    private static double value(String array, long i) {
        long h = (i * 0x9E3779B97F4A7C15L) >>> 40;
        return array.startsWith("y") ? (h & 1) : ((h & 2047) - 1024) / 1024.0;
    }

    private static Path write(Path dir, String format, long samples) throws IOException {
        Path npyDir = Files.createDirectories(dir.resolve("npy"));
        for (Map.Entry<String, NpyHeader> e : arrays(samples).entrySet()) {
            Path f = npyDir.resolve(e.getKey() + ".npy");
            if (!Files.exists(f) || Files.size(f) != e.getValue().totalBytes()) {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(f), 1 << 20)) {
                    Npy.write(out, e.getValue(), i -> value(e.getKey(), i));
                }
            }
        }
        if (format.equals("npy")) {
            return npyDir;
        }
        boolean deflate = format.equals("npz-deflated");
        Path npz = dir.resolve(format + ".npz");
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(npz), 1 << 20))) {
            for (String name : arrays(samples).keySet()) {
                Path f = npyDir.resolve(name + ".npy");
                ZipEntry z = new ZipEntry(name + ".npy");
                if (!deflate) {
                    z.setMethod(ZipEntry.STORED);
                    z.setSize(Files.size(f));
                    z.setCompressedSize(Files.size(f));
                    z.setCrc(crc(f));
                }
                zip.putNextEntry(z);
                Files.copy(f, zip);
                zip.closeEntry();
            }
        }
        return npz;
    }

    private static long crc(Path f) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                crc.update(buf, 0, n);
            }
        }
        return crc.getValue();
    }

    private static List<Path> files(Path data) throws IOException {
        if (!Files.isDirectory(data)) {
            return List.of(data);
        }
        List<Path> out = new ArrayList<>();
        try (var s = Files.list(data)) {
            s.sorted().forEach(out::add);
        }
        return out;
    }

    /** Runs {@code cat files > /dev/null}; returns its wall time in ns. */
    private static long cat(List<Path> files) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("cat"));
        files.forEach(f -> cmd.add(f.toString()));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (p.waitFor() != 0) {
            throw new IOException("cat " + files + " exited with " + p.exitValue());
        }
        return System.nanoTime() - t0;
    }

    /** Resets the peak resident set size (VmHWM) of this process; false where the kernel does not allow it. */
    private static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5", StandardCharsets.US_ASCII);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A {@code kB} field of {@code /proc/self/status}. */
    static long statusKb(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
            }
        }
        throw new IOException("/proc/self/status has no " + field);
    }

    private static void release(TaskData d) {
        for (var a : new org.nd4j.linalg.api.ndarray.INDArray[]{d.xTrain(), d.yTrain(), d.xTest(), d.yTest()}) {
            if (a.closeable()) {
                a.close();
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
