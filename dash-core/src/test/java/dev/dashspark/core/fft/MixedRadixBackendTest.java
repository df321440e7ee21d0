package dev.dashspark.core.fft;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transform lengths and backend selection. */
class MixedRadixBackendTest {
    private final MixedRadixBackend backend = MixedRadixBackend.INSTANCE;

    @Test
    void fastLengthIsTheCheapestProductOfTwosAndThreesAtLeastN() {
        assertEquals(1024 * 10, MixedRadixBackend.cost(1024));
        assertEquals(1536 * (9 + MixedRadixBackend.RADIX3_COST), MixedRadixBackend.cost(1536));
        for (int n = 1; n <= 5000; n++) {
            int m = backend.fastLength(n);
            assertTrue(m >= n && MixedRadixFft.supports(m), n + " → " + m);
            for (int k = n; k < 2 * n + 2; k++) {
                if (MixedRadixFft.supports(k)) {
                    assertTrue(MixedRadixBackend.cost(m) <= MixedRadixBackend.cost(k), n + " → " + m + ", but " + k + " costs less");
                }
            }
        }
    }

    @Test
    void fastLengthsOfTheKdSweep() {
        // n + p for len 1000 at the seven points of bench aggconv --sweep kd
        assertEquals(1024, backend.fastLength(1001));
        assertEquals(1024, backend.fastLength(1021));
        assertEquals(1152, backend.fastLength(1060));
        assertEquals(1536, backend.fastLength(1155));
        assertEquals(1536, backend.fastLength(1378));
        assertEquals(2048, backend.fastLength(1889));
    }

    @Test
    void otherLengthsAndUnknownBackendsAreRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.plan(1, 1000));
        assertTrue(e.getMessage().contains("2^a·3^b") && e.getMessage().contains("1000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FftBackend.named("fftw"));
        assertTrue(e.getMessage().contains(FftBackend.PROPERTY) && e.getMessage().contains("java")
                && e.getMessage().contains("jtransforms") && e.getMessage().contains("fftw"), e.getMessage());
        assertEquals("jtransforms", FftBackend.named(" JTransforms ").id());
    }
}
