package dev.dashspark.core.fft;

/**
 * Where FFTs come from. ND4J has no FFT op, so the CPU backend is JTransforms ({@link JTransformsBackend}); a CUDA
 * backend can plug cuFFT in behind the same two methods.
 */
public interface FftBackend {
    /** A plan for the calling thread: 1D when {@code rows == 1}, else 2D {@code rows × cols}. */
    ComplexFft plan(int rows, int cols);

    /**
     * The transform length this backend prefers among those ≥ {@code n}. Any length ≥ the minimum gives the same
     * convolution result, so the choice is purely about speed.
     */
    int fastLength(int n);

    /** The default backend of this JVM. */
    static FftBackend defaultBackend() {
        return JTransformsBackend.INSTANCE;
    }
}
