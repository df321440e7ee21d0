package dev.dashspark.core.aggconv;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import dev.dashspark.core.io.Npy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Map;

/** One test vector of the original implementation, in src/test/resources/aggconv (see its README.md). */
record ReferenceCase(String name, Map<String, INDArray> arrays) {
    static final String[] NAMES = {"s1_1d_depthwise", "s2_1d_dense", "s3_2d_dense", "s4_2d_depthwise_stride2"};

    static ReferenceCase load(String name) {
        URL url = ReferenceCase.class.getResource("/aggconv/" + name + ".npz");
        if (url == null) {
            throw new IllegalStateException("missing test resource /aggconv/" + name + ".npz");
        }
        try (InputStream in = url.openStream()) {
            return new ReferenceCase(name, Npy.readNpz(in, url.toString()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + url, e);
        }
    }

    INDArray get(String key) {
        INDArray a = arrays.get(key);
        if (a == null) {
            throw new IllegalStateException(name + ": no array '" + key + "'");
        }
        return a;
    }

    INDArray get(String key, DataType type) {
        return get(key).castTo(type);
    }

    int scalar(String key) {
        return get(key).getInt();
    }

    int[] ints(String key) {
        return get(key).toIntVector();
    }

    double[] doubles(String key) {
        return get(key).castTo(DataType.DOUBLE).toDoubleVector();
    }

    SearchSpace space() {
        return new SearchSpace(ints("k_list"), ints("d_list"));
    }

    int candidates() {
        return space().size();
    }

    AggConvSpec spec() {
        INDArray x = get("x");
        INDArray w0 = get("w_0");
        return new AggConvSpec(scalar("dims"), (int) x.size(1), (int) w0.size(0), scalar("separable") == 1,
                scalar("stride"), space());
    }

    INDArray[] weights(DataType type) {
        INDArray[] w = new INDArray[candidates()];
        for (int i = 0; i < w.length; i++) {
            w[i] = get("w_" + i, type);
        }
        return w;
    }

    @Override
    public String toString() {
        return name;
    }
}
