package dev.dashspark.core.aggconv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Kronecker dilation (W ⊗ one-hot, last d − 1 dropped) equals zero insertion, 1D and 2D. */
class KroneckerDilationTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int dims : new int[]{1, 2}) {
            for (int k : new int[]{1, 3, 5, 7}) {
                for (int d : new int[]{1, 2, 3, 7}) {
                    for (int rows : new int[]{1, 3, 4}) {
                        out.add(Arguments.of(dims, k, d, rows));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "dims={0} k={1} d={2} rows={3}")
    @MethodSource("cases")
    void kroneckerDilationEqualsZeroInsertionAndPutsW_jAtIndexDTimesJ(int dims, int k, int d, int rows) {
        SplittableRandom rng = new SplittableRandom(1000L * dims + 100L * k + 10L * d + rows);
        int ka = dims == 2 ? k : 1;
        double[] w = DirectReference.normal(rng, rows * ka * k);
        double[] kron = Kernels.dilateKronecker(w, rows, k, d, dims);
        double[] zeros = Kernels.dilateZeroInsertion(w, rows, k, d, dims);

        int l = d * (k - 1) + 1;
        int la = dims == 2 ? l : 1;
        assertEquals(rows * la * l, kron.length, "Kronecker-dilated length rows·L^dims");
        assertArrayEquals(zeros, kron, 0.0, "Kronecker dilation vs zero insertion");

        // independent statement of zero insertion: position (a, b) holds w[a/d, b/d] when d divides both, else 0
        double[] expected = new double[rows * la * l];
        for (int r = 0; r < rows; r++) {
            for (int a = 0; a < la; a++) {
                for (int b = 0; b < l; b++) {
                    boolean onGrid = b % d == 0 && (dims == 1 || a % d == 0);
                    int ia = dims == 2 ? a / d : 0;
                    expected[(r * la + a) * l + b] = onGrid ? w[(r * ka + ia) * k + b / d] : 0.0;
                }
            }
        }
        assertArrayEquals(expected, kron, 0.0, "index d·j holds w[j], the rest is 0");
    }

    @Test
    void handWrittenOneDimensionalExampleK3D2() {
        // two rows: [a,b,c] and [d,e,f] with k = 3, d = 2 → [a,0,b,0,c] and [d,0,e,0,f]
        double[] w = {1, 2, 3, 4, 5, 6};
        double[] expected = {1, 0, 2, 0, 3, 4, 0, 5, 0, 6};
        assertArrayEquals(expected, Kernels.dilateKronecker(w, 2, 3, 2, 1), 0.0);
        assertArrayEquals(expected, Kernels.dilateZeroInsertion(w, 2, 3, 2, 1), 0.0);
    }

    @Test
    void handWrittenOneDimensionalExampleK2D3() {
        // k = 2, d = 3: [a, b] → [a, 0, 0, b] (L = 4)
        assertArrayEquals(new double[]{7, 0, 0, -2}, Kernels.dilateKronecker(new double[]{7, -2}, 1, 2, 3, 1), 0.0);
    }

    @Test
    void handWrittenTwoDimensionalExampleK3D2() {
        double[] w = {
                1, 2, 3,
                4, 5, 6,
                7, 8, 9};
        double[] expected = {
                1, 0, 2, 0, 3,
                0, 0, 0, 0, 0,
                4, 0, 5, 0, 6,
                0, 0, 0, 0, 0,
                7, 0, 8, 0, 9};
        assertArrayEquals(expected, Kernels.dilateKronecker(w, 1, 3, 2, 2), 0.0);
        assertArrayEquals(expected, Kernels.dilateZeroInsertion(w, 1, 3, 2, 2), 0.0);
    }

    @Test
    void dilationOneIsTheIdentityAndKernelSizeOneIsUnchangedByAnyDilation() {
        double[] w = {0.5, -1.5, 2.5, 3.5, -4.5, 5.5, 6.5, 7.5, -8.5};
        assertArrayEquals(w, Kernels.dilateKronecker(w, 1, 3, 1, 2), 0.0);
        assertArrayEquals(w, Kernels.dilateKronecker(w, 3, 3, 1, 1), 0.0);
        double[] single = {3.0, -4.0};
        assertArrayEquals(single, Kernels.dilateKronecker(single, 2, 1, 7, 2), 0.0);
        assertArrayEquals(single, Kernels.dilateKronecker(single, 2, 1, 7, 1), 0.0);
    }

    @Test
    void kronOfTwoByTwoMatricesByHand() {
        double[] a = {1, 2, 3, 4};
        double[] b = {0, 5, 6, 7};
        double[] expected = {
                0, 5, 0, 10,
                6, 7, 12, 14,
                0, 15, 0, 20,
                18, 21, 24, 28};
        assertArrayEquals(expected, Kernels.kron(a, new int[]{2, 2}, b, new int[]{2, 2}), 0.0);
    }

    @Test
    void kronOfNonSquareShapesByHand() {
        // (1×3) ⊗ (2×1) = (2×3): out[p][j] = a[j]·b[p]
        double[] a = {1, 2, 3};
        double[] b = {10, -1};
        double[] expected = {
                10, 20, 30,
                -1, -2, -3};
        assertArrayEquals(expected, Kernels.kron(a, new int[]{1, 3}, b, new int[]{2, 1}), 0.0);
        // 1D: [1,2,3] ⊗ [1,0] = [1,0,2,0,3,0]
        assertArrayEquals(new double[]{1, 0, 2, 0, 3, 0}, Kernels.kron(a, new int[]{3}, new double[]{1, 0}, new int[]{2}), 0.0);
    }

    @Test
    void kronRejectsDifferentRanks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Kernels.kron(new double[]{1, 2}, new int[]{2}, new double[]{1}, new int[]{1, 1}));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("ranks"), e.getMessage());
    }
}
