package dev.dashspark.core.fft;

/**
 * A complex FFT of one 1D or 2D size, applied to every lane of a {@link Lanes} buffer at once, in place.
 *
 * <p>{@code forward} leaves the spectrum in an order of the plan's choosing, the same for every call of one plan,
 * with the zero frequency at point 0; {@code inverse} takes that order back to the natural one. Neither is
 * normalised: {@code inverse(forward(x)) == points()·x}. So products of two spectra of one plan, point by point,
 * transform back to circular convolutions, whatever the order.
 *
 * <p>Plans keep no per-call state and may be shared across threads; a {@link Lanes} buffer may not.
 */
public interface LaneFft {
    /** Extent of the first axis (1 for a 1D plan). */
    int rows();

    /** Extent of the last axis. */
    int cols();

    /** Number of complex points, rows·cols. */
    default int points() {
        return rows() * cols();
    }

    void forward(Lanes x);

    void inverse(Lanes x);
}
