package dev.dashspark.spark.sweep;

import dev.dashspark.core.io.Npy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sweep configurations for tests, written into a directory: a tasks file with a tiny long-lag task ({@code tiny},
 * a few seconds per trial) and, on request, three file-backed tasks that go wrong on the executor, where only their
 * values show it: {@code nan-data} (an input is NaN: reading the data refuses it, the trial FAILS),
 * {@code bad-labels} (a class label out of range: the trial FAILS) and {@code huge-data} (finite inputs near
 * float32's largest value: the data are valid, but the training loss overflows to NaN, the trial DIVERGES).
 */
public final class SweepFixtures {
    private SweepFixtures() {
    }

    public static final String TINY = """
            task.tiny.dims = 1
            task.tiny.channels = 1
            task.tiny.shape = 64
            task.tiny.output = classes
            task.tiny.outputs = 2
            task.tiny.loss = ce
            task.tiny.metric = accuracy
            task.tiny.backbone = resnet1d
            task.tiny.kernels = 3,5
            task.tiny.dilations = 1,2
            task.tiny.batch = 16
            task.tiny.search-epochs = 1
            task.tiny.hpo-epochs = 1
            task.tiny.retrain-epochs = 1
            task.tiny.synthetic = long-lag
            task.tiny.synthetic.length = 64
            task.tiny.synthetic.lag = 8
            task.tiny.synthetic.train = 32
            task.tiny.synthetic.val = 16
            task.tiny.synthetic.test = 16
            """;

    /** The tiny synthetic task under another name, with {@code key = value} overrides (e.g. a longer budget). */
    public static String tinyTask(String name, String... overrides) {
        String t = TINY.replace("task.tiny.", "task." + name + ".");
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            t = t.replaceAll("(?m)^task\\." + name + "\\." + overrides[i] + " = .*$", "task." + name + "." + overrides[i]
                    + " = " + overrides[i + 1]);
        }
        return t;
    }

    public static String fileTask(String name, String data) {
        return TINY.replace("task.tiny.", "task." + name + ".").replaceAll("(?m)^task\\." + name + "\\.synthetic.*\\n", "")
                + "task." + name + ".data = " + data + "\n";
    }

    /**
     * Writes {@code tasks.conf} (tiny, and with {@code bad} also nan-data, bad-labels and huge-data with their .npy
     * files).
     */
    public static Path tasks(Path dir, boolean bad) throws IOException {
        StringBuilder sb = new StringBuilder(TINY);
        if (bad) {
            sb.append(fileTask("nan-data", "nan-data")).append(fileTask("bad-labels", "bad-labels"))
                    .append(fileTask("huge-data", "huge-data"));
            writeTask(dir.resolve("nan-data"), true, false);
            writeTask(dir.resolve("bad-labels"), false, true);
            writeTask(dir.resolve("huge-data"), Float.MAX_VALUE);
        }
        Path f = dir.resolve("tasks.conf");
        Files.writeString(f, sb.toString(), StandardCharsets.UTF_8);
        return f;
    }

    /** x (n, 1, 64) Gaussian, y class indices in {0, 1}; optionally NaN inputs or a label 7. */
    public static void writeTask(Path dir, boolean nan, boolean badLabel) throws IOException {
        writeTask(dir, nan, badLabel, 0f);
    }

    /** {@link #writeTask(Path, boolean, boolean)} without faults, every input ±{@code magnitude} (its sign random). */
    public static void writeTask(Path dir, float magnitude) throws IOException {
        writeTask(dir, false, false, magnitude);
    }

    private static void writeTask(Path dir, boolean nan, boolean badLabel, float magnitude) throws IOException {
        Files.createDirectories(dir);
        Nd4j.getRandom().setSeed(3);
        for (String split : new String[]{"train", "test"}) {
            int n = split.equals("train") ? 32 : 16;
            INDArray x = Nd4j.randn(DataType.FLOAT, n, 1, 64);
            if (magnitude > 0) {
                x = org.nd4j.linalg.ops.transforms.Transforms.sign(x).muli(magnitude);
            }
            if (nan) {
                x.putScalar(new long[]{0, 0, 5}, Float.NaN);
            }
            INDArray y = Nd4j.create(DataType.INT64, n);
            for (int i = 0; i < n; i++) {
                y.putScalar(i, i % 2);
            }
            if (badLabel) {
                y.putScalar(1, 7);
            }
            Files.write(dir.resolve("x_" + split + ".npy"), Npy.toNpy(x));
            Files.write(dir.resolve("y_" + split + ".npy"), Npy.toNpy(y));
        }
    }

    /** Writes {@code sweep.conf} with the given body lines inside {@code sweep { ... }} and {@code spark { ... }}. */
    public static Path sweep(Path dir, String sweepBody, String sparkBody) throws IOException {
        Path f = dir.resolve("sweep.conf");
        Files.writeString(f, "sweep {\n" + sweepBody + "\n}\n" + (sparkBody == null ? "" : "spark {\n" + sparkBody + "\n}\n"),
                StandardCharsets.UTF_8);
        return f;
    }

    /** A valid sweep body: tasks, methods, seeds and settings as given, output under {@code dir/out}. */
    public static String body(Path dir, String tasks, String methods, String seeds, String extra) {
        return "name = test\ntasks-file = tasks.conf\ntasks = [" + tasks + "]\nmethods = [" + methods + "]\nseeds = ["
                + seeds + "]\nsettings { quick { hpo = none } }\noutput = \"" + dir.resolve("out") + "\"\nreport = false\n"
                + (extra == null ? "" : extra);
    }
}
