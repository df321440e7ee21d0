package dev.dashspark.core.task;

import dev.dashspark.core.io.DataFileException;
import dev.dashspark.core.io.Npy;
import dev.dashspark.core.io.NpyDtype;
import dev.dashspark.core.io.NpyHeader;
import dev.dashspark.core.io.ZipBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Malformed task data, generated from a seed: {@code .npy} and {@code .npz} files truncated at random offsets, with
 * corrupted headers, huge, negative or overflowing shapes, wrong dtypes and ranks, missing or misnamed arrays, zip
 * entries whose sizes, offsets, CRCs or methods lie, random byte flips, and task configuration files with wrong keys and
 * wrong value types. Each case is read as an executor reads it (headers, then values) and checked as the driver checks
 * it (headers only); every outcome must be the data read (a harmless mutation) or a {@link DataFileException} that
 * names the task, the file and, when one is concerned, the array, in words (no Java exception names). No case may
 * take more than 20 s, throw anything else, or run out of memory.
 *
 * <p>The seed and the count are printed; replay a run with {@code -Ddash.fuzz.seed=<seed>} (and
 * {@code -Ddash.fuzz.cases=<n>} to change the {@value #DEFAULT_CASES} cases).
 */
class MalformedDataFuzzTest {

    static final int DEFAULT_CASES = 640;

    @TempDir
    Path tmp;

    enum Kind { TRUNCATED, CORRUPT_HEADER, SHAPE, DTYPE, MISSING_ARRAY, LYING_ZIP, FLIPPED_BYTES, TASK_CONFIG }

    private static final TaskSpec SPEC = spec();

    private static TaskSpec spec() {
        Map<String, String> p = new LinkedHashMap<>();
        String[] kv = {"dims", "1", "channels", "2", "shape", "16", "output", "classes", "outputs", "3", "loss", "ce",
                "metric", "accuracy", "backbone", "resnet1d", "kernels", "3", "dilations", "1", "batch", "4",
                "search-epochs", "1", "hpo-epochs", "1", "retrain-epochs", "1"};
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return TaskSpec.fromProperties("fz", p);
    }

    private static byte[] npy(NpyDtype t, ByteOrder o, boolean fortran, Npy.Values v, long... shape) {
        return Npy.toNpy(NpyHeader.of(t, o, fortran, shape), v);
    }

    /** A valid task: several dtypes, byte orders and a Fortran-order array. */
    private static Map<String, byte[]> valid() {
        Map<String, byte[]> a = new LinkedHashMap<>();
        a.put("x_train", npy(NpyDtype.FLOAT32, ByteOrder.LITTLE_ENDIAN, false, i -> i * 0.5, 6, 2, 16));
        a.put("y_train", npy(NpyDtype.INT64, ByteOrder.BIG_ENDIAN, false, i -> i % 3, 6));
        a.put("x_val", npy(NpyDtype.FLOAT64, ByteOrder.LITTLE_ENDIAN, true, i -> -i, 2, 2, 16));
        a.put("y_val", npy(NpyDtype.UINT8, ByteOrder.LITTLE_ENDIAN, false, i -> 2, 2, 1));
        a.put("x_test", npy(NpyDtype.FLOAT16, ByteOrder.BIG_ENDIAN, false, i -> i % 7, 3, 2, 16));
        a.put("y_test", npy(NpyDtype.UINT8, ByteOrder.LITTLE_ENDIAN, false, i -> i % 4 == 0 ? 1 : 0, 3, 3));
        return a;
    }

    /** One generated input: an archive, a directory of .npy files, or a task configuration. */
    private record Case(int id, Kind kind, String what, boolean archive, boolean deflate, Map<String, byte[]> arrays,
                        byte[] zip, String conf) {
    }

    @Test
    void everyMalformedInputGetsAClearErrorNamingFileAndArray() throws Exception {
        long seed = Long.getLong("dash.fuzz.seed", new SplittableRandom().nextLong());
        int count = Integer.getInteger("dash.fuzz.cases", DEFAULT_CASES);
        System.out.println("MalformedDataFuzzTest: seed " + seed + ", " + count + " cases (replay: -Ddash.fuzz.seed="
                + seed + " -Ddash.fuzz.cases=" + count + ")");
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<Kind, int[]> tally = new EnumMap<>(Kind.class);
        for (int id = 0; id < count; id++) {
            Kind kind = Kind.values()[id % Kind.values().length];
            Case c = generate(id, kind, rnd.split());
            String replay = "case " + id + " (" + kind + ": " + c.what() + "; seed " + seed + ")";
            boolean refused = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> run(c, replay), replay);
            tally.computeIfAbsent(kind, k -> new int[2])[refused ? 0 : 1]++;
        }
        StringBuilder summary = new StringBuilder();
        tally.forEach((k, v) -> summary.append(' ').append(k).append(' ').append(v[0]).append('/').append(v[0] + v[1]));
        System.out.println("MalformedDataFuzzTest: seed " + seed + ", " + count + " cases, refused per kind:" + summary);
        assertTrue(count >= 500 || System.getProperty("dash.fuzz.cases") != null, "at least 500 cases");
        for (Kind k : List.of(Kind.SHAPE, Kind.DTYPE, Kind.MISSING_ARRAY, Kind.TASK_CONFIG)) {
            int[] v = tally.get(k);
            assertTrue(v == null || v[1] == 0, k + ": every case is malformed, yet " + (v == null ? 0 : v[1])
                    + " were accepted (seed " + seed + ")");
        }
    }

    /** Runs one case; returns whether it was refused. */
    private boolean run(Case c, String replay) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("case-" + c.id()));
        if (c.kind() == Kind.TASK_CONFIG) {
            try {
                TaskConfig.load(new StringReader(c.conf()), "tasks.conf");
                return false;
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                assertTrue(m.startsWith("tasks.conf: ") && (m.contains("task 'fz'") || m.contains("key '")), replay
                        + ": " + m);
                assertTrue(!m.contains("Exception"), replay + ": " + m);
                return true;
            } catch (RuntimeException e) {
                throw new AssertionError(replay + " threw " + e, e);
            }
        }
        TaskFiles files;
        String container;
        if (c.archive()) {
            Path f = Files.write(dir.resolve("task.npz"), c.zip());
            container = f.toString();
            files = TaskFiles.npz(new LocalDataSource(dir), "task.npz", container);
        } else {
            for (Map.Entry<String, byte[]> e : c.arrays().entrySet()) {
                Files.write(dir.resolve(e.getKey() + ".npy"), e.getValue());
            }
            container = dir.toString();
            files = TaskFiles.npyDirectory(new LocalDataSource(dir), container);
        }
        boolean refused = false;
        DataFileException driverError = null;
        try (TaskFiles f = files) {
            TaskDataReader.checkHeaders(SPEC, f);
        } catch (DataFileException e) {
            check(e, container, replay);
            driverError = e;
        } catch (Throwable t) {
            throw new AssertionError(replay + ": the header check threw " + t, t);
        }
        TaskFiles again = c.archive() ? TaskFiles.npz(new LocalDataSource(dir), "task.npz", container)
                : TaskFiles.npyDirectory(new LocalDataSource(dir), container);
        try (TaskFiles f = again) {
            TaskData d = TaskDataReader.read(SPEC, f);
            assertTrue(driverError == null, replay + ": the driver refused what the executor read: " + driverError);
            d.xTrain().close();
        } catch (DataFileException e) {
            check(e, container, replay);
            if (driverError != null) {
                assertTrue(driverError.getMessage().equals(e.getMessage()), replay + ": the driver said "
                        + driverError.getMessage() + " but the executor " + e.getMessage());
            }
            refused = true;
        } catch (Throwable t) {
            throw new AssertionError(replay + ": reading threw " + t, t);
        }
        return refused;
    }

    private static void check(DataFileException e, String container, String replay) {
        String m = e.getMessage();
        assertTrue("fz".equals(e.task()) && m.startsWith("task 'fz': data: "), replay + ": no task in " + m);
        assertTrue(e.file() != null && e.file().startsWith(container) && m.contains(e.file()), replay + ": no file in " + m);
        assertTrue(e.array() == null || m.contains(e.array()), replay + ": no array in " + m);
        assertTrue(!m.contains("java.") && !m.contains("Exception"), replay + ": a bare Java exception in " + m);
    }

    private static Case generate(int id, Kind kind, SplittableRandom rnd) {
        Map<String, byte[]> a = valid();
        boolean archive = rnd.nextBoolean();
        boolean deflate = rnd.nextBoolean();
        String array = List.copyOf(a.keySet()).get(rnd.nextInt(a.size()));
        byte[] arr = a.get(array);
        String what;
        switch (kind) {
            case TRUNCATED -> {
                if (archive) {
                    byte[] zip = Npy.zip(a, deflate);
                    int cut = rnd.nextInt(zip.length);
                    return new Case(id, kind, (deflate ? "deflated" : "stored") + " archive cut at " + cut + " of "
                            + zip.length, true, deflate, a, Arrays.copyOf(zip, cut), null);
                }
                int cut = rnd.nextInt(arr.length);
                a.put(array, Arrays.copyOf(arr, cut));
                what = array + ".npy cut at " + cut + " of " + arr.length;
            }
            case CORRUPT_HEADER -> {
                byte[] b = arr.clone();
                int end = headerEnd(b);
                int n = 1 + rnd.nextInt(4);
                StringBuilder at = new StringBuilder();
                String pool = "{}()[]',: -0123456789TrueFalse<>|fiub\n\u0000\u00ff";
                for (int k = 0; k < n; k++) {
                    int p = rnd.nextInt(end);
                    b[p] = rnd.nextBoolean() ? (byte) rnd.nextInt(256) : (byte) pool.charAt(rnd.nextInt(pool.length()));
                    at.append(p).append(' ');
                }
                a.put(array, b);
                what = array + " header bytes " + at.toString().trim() + " overwritten";
            }
            case SHAPE -> {
                long[] shape = randomShape(rnd, a, array);
                NpyDtype t = NpyDtype.values()[rnd.nextInt(NpyDtype.values().length)];
                String dict = "{'descr': '" + t.descr(ByteOrder.LITTLE_ENDIAN) + "', 'fortran_order': False, 'shape': "
                        + tuple(shape) + ", }";
                a.put(array, withHeader(dict, new byte[rnd.nextInt(64)]));
                what = array + " declared " + t.numpyName() + " " + tuple(shape);
            }
            case DTYPE -> {
                String[] bad = {"<c8", "<c16", "|O", "<U5", "|S3", ">f16", "<i3", "f4", "<b2", "|f8", "<M8[s]", "<m8",
                        "|V8", "", "<", "<f", "=f4", "<F4", "<u16"};
                String d = bad[rnd.nextInt(bad.length)];
                String dict = "{'descr': '" + d + "', 'fortran_order': False, 'shape': (6, 2, 16), }";
                a.put(array, withHeader(dict, new byte[192]));
                what = array + " dtype '" + d + "'";
            }
            case MISSING_ARRAY -> {
                String[] renames = {"X_train", "x_train.npy", "train_x", "x-train", "xtrain", "x_trian", " x_train"};
                List<String> required = TaskLayout.REQUIRED;
                String victim = required.get(rnd.nextInt(required.size()));
                byte[] b = a.remove(victim);
                if (rnd.nextBoolean()) {
                    String to = renames[rnd.nextInt(renames.length)].replace("x_train", victim);
                    a.put(to, b);
                    what = victim + " renamed '" + to + "'";
                } else {
                    what = victim + " missing";
                }
            }
            case LYING_ZIP -> {
                byte[] zip = Npy.zip(a, deflate);
                List<Integer> entries = ZipBytes.centralEntries(zip);
                int e = entries.get(rnd.nextInt(entries.size()));
                int[] fields = {ZipBytes.SIZE, ZipBytes.COMPRESSED_SIZE, ZipBytes.LOCAL_HEADER_OFFSET, ZipBytes.CRC,
                        -1, -2, -3};
                int f = fields[rnd.nextInt(fields.length)];
                int at = f >= 0 ? e + f : ZipBytes.eocd(zip) + (f == -1 ? 10 : f == -2 ? 12 : 16);
                int old = f == -1 ? ZipBytes.intAt(zip, at) & 0xffff : ZipBytes.intAt(zip, at);
                int[] values = {old + 1, old - 1, old + 1 + rnd.nextInt(1 << 20), old / 2, 0, -1, rnd.nextInt(),
                        Integer.MAX_VALUE};
                int v = values[rnd.nextInt(values.length)];
                byte[] lying = f == -1 ? ZipBytes.withShort(zip, at, v) : ZipBytes.withInt(zip, at, v);
                return new Case(id, kind, (deflate ? "deflated" : "stored") + " archive, field at " + at + " "
                        + old + " -> " + v, true, deflate, a, lying, null);
            }
            case FLIPPED_BYTES -> {
                byte[] zip = Npy.zip(a, deflate);
                int n = 1 + rnd.nextInt(8);
                StringBuilder at = new StringBuilder();
                for (int k = 0; k < n; k++) {
                    int p = rnd.nextInt(zip.length);
                    zip[p] ^= (byte) (1 + rnd.nextInt(255));
                    at.append(p).append(' ');
                }
                return new Case(id, kind, (deflate ? "deflated" : "stored") + " archive, bytes " + at.toString().trim()
                        + " flipped", true, deflate, a, zip, null);
            }
            default -> {
                return taskConfig(id, rnd);
            }
        }
        return new Case(id, kind, (archive ? (deflate ? "deflated archive, " : "stored archive, ") : "npy directory, ")
                + what, archive, deflate, a, archive ? Npy.zip(a, deflate) : null, null);
    }

    private static int headerEnd(byte[] npy) {
        int len = (npy[8] & 0xff) | (npy[9] & 0xff) << 8;
        return Math.min(npy.length, 10 + len);
    }

    /** A shape that cannot be this array's: huge, negative, overflowing, zero, or of the wrong rank or size. */
    private static long[] randomShape(SplittableRandom rnd, Map<String, byte[]> a, String array) {
        long[] pool = {-1, -51200, 0, 1L << 40, 1L << 62, Long.MAX_VALUE, 4294967296L, 5, 7, 15, 17};
        int rank = rnd.nextInt(6);
        long[] s = new long[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = pool[rnd.nextInt(pool.length)];
        }
        return s;
    }

    private static String tuple(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return s.append(')').toString();
    }

    private static byte[] withHeader(String dict, byte[] data) {
        int len = dict.length() + 1;
        byte[] out = new byte[10 + len + data.length];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) len, (byte) (len >> 8)};
        System.arraycopy(magic, 0, out, 0, 10);
        System.arraycopy((dict + "\n").getBytes(StandardCharsets.ISO_8859_1), 0, out, 10, len);
        System.arraycopy(data, 0, out, 10 + len, data.length);
        return out;
    }

    /** A task configuration with one wrong key or one value of the wrong type. */
    private static Case taskConfig(int id, SplittableRandom rnd) {
        Map<String, String> p = new LinkedHashMap<>(SPEC.toProperties());
        p.keySet().removeAll(List.of("grad-scale", "pos-weight", "hpo-grid", "target-normalization"));
        List<String> keys = new ArrayList<>(p.keySet());
        String key = keys.get(rnd.nextInt(keys.size()));
        String what;
        switch (rnd.nextInt(3)) {
            case 0 -> {
                String[] typos = {"chanels", "dim", "ouputs", "kernel", "Batch", "data_path", "shape.x", "loss "};
                String typo = typos[rnd.nextInt(typos.length)];
                p.put(typo.strip().equals("loss") ? "los" : typo, p.get(key));
                what = "unknown key '" + typo + "'";
            }
            case 1 -> {
                String gone = keys.get(rnd.nextInt(keys.size()));
                p.remove(gone);
                what = "key '" + gone + "' missing";
            }
            default -> {
                String[] wrong = {"abc", "3.5", "-1", "", "1,,2", "0x10", "1e3", "NaN", "[1, 2]", "99999999999",
                        "true", "16x", "x16", "2,4"};
                List<String> typed = List.of("dims", "channels", "shape", "outputs", "kernels", "dilations", "batch",
                        "search-epochs", "hpo-epochs", "retrain-epochs", "output", "loss", "metric", "backbone");
                String k = typed.get(rnd.nextInt(typed.size()));
                String v = wrong[rnd.nextInt(wrong.length)];
                if (k.equals("dilations") && v.equals("2,4")) {
                    v = "0";
                }
                p.put(k, v);
                what = k + " = '" + v + "'";
            }
        }
        StringBuilder conf = new StringBuilder();
        p.forEach((k, v) -> conf.append("task.fz.").append(k).append(" = ").append(v).append('\n'));
        return new Case(id, Kind.TASK_CONFIG, what, false, false, null, null, conf.toString());
    }
}
