package dev.dashspark.core.fft;

import java.util.Locale;

/**
 * Where FFTs come from. ND4J has no FFT op, so dash-core brings its own: {@link MixedRadixBackend} (pure Java,
 * the default) and {@link JTransformsBackend} (JTransforms, the previous default, kept as a reference). The system
 * property {@value #PROPERTY} chooses one by its {@link #id()}; docs/fft.md compares them.
 */
public interface FftBackend {
    /** The system property naming the default backend: {@code java} (default) or {@code jtransforms}. */
    String PROPERTY = "dash.fft";

    /** The name {@link #named} knows this backend by. */
    String id();

    /** A plan of rows × cols points (1D when {@code rows == 1}). */
    LaneFft plan(int rows, int cols);

    /**
     * The transform length this backend prefers among those ≥ {@code n}. Any length ≥ the minimum gives the same
     * convolution result, so the choice is purely about speed.
     */
    int fastLength(int n);

    /** Throws unless both extents are positive (the check every backend's {@link #plan} makes first). */
    static void checkSize(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("FFT size must be positive, got " + rows + "×" + cols);
        }
    }

    /** The backend named by the system property {@value #PROPERTY}, else the pure-Java one. */
    static FftBackend defaultBackend() {
        String id = System.getProperty(PROPERTY);
        return id == null || id.isBlank() ? MixedRadixBackend.INSTANCE : named(id);
    }

    /** The backend with this {@link #id()}; the error names the property and the choices. */
    static FftBackend named(String id) {
        return switch (id.trim().toLowerCase(Locale.ROOT)) {
            case MixedRadixBackend.ID -> MixedRadixBackend.INSTANCE;
            case JTransformsBackend.ID -> JTransformsBackend.INSTANCE;
            default -> throw new IllegalArgumentException("FFT backend (" + PROPERTY + "): expected "
                    + MixedRadixBackend.ID + " or " + JTransformsBackend.ID + ", got '" + id + "'");
        };
    }
}
