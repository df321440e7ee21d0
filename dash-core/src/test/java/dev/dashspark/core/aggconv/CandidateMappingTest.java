package dev.dashspark.core.aggconv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/algorithm.md, "Candidates": candidate i ↔ (k, d) is kernel-major (i = iK·|D| + iD, as {@code product(K, D)}), the
 * span S, pad p and per-candidate offsets of the search spaces of the paper, and the validation of
 * {@link SearchSpace} and {@link AggConvSpec} with messages that name the offending field.
 */
class CandidateMappingTest {

    private static final int[][][] SPACES = {
            {{3, 5, 7, 9}, {1, 3, 7, 15}},
            {{3, 7, 11, 15, 19}, {1, 3, 7, 15}},
            {{3, 5, 7}, {1, 3, 7}},
            {{5, 1, 3}, {2, 1}},
            {{3}, {1}},
            {{1}, {4, 2, 9}}};

    @Test
    void indexIsKernelMajorAndInverseOfKernelAndDilation() {
        for (int[][] kd : SPACES) {
            int[] ks = kd[0];
            int[] ds = kd[1];
            SearchSpace space = SearchSpace.of(ks, ds);
            assertEquals(ks.length * ds.length, space.size(), space + ": size");
            for (int iK = 0; iK < ks.length; iK++) {
                for (int iD = 0; iD < ds.length; iD++) {
                    int i = iK * ds.length + iD;
                    assertEquals(ks[iK], space.kernel(i), space + ": kernel(" + i + ")");
                    assertEquals(ds[iD], space.dilation(i), space + ": dilation(" + i + ")");
                    assertEquals(i, space.index(ks[iK], ds[iD]), space + ": index(" + ks[iK] + ", " + ds[iD] + ")");
                    assertEquals(ds[iD] * (ks[iK] - 1) + 1, space.extent(i), space + ": extent(" + i + ")");
                }
            }
            for (int i = 0; i < space.size(); i++) {
                assertEquals(i, space.index(space.kernel(i), space.dilation(i)), space + ": round trip " + i);
            }
        }
    }

    @Test
    void explicitOrderOfASmallSpace() {
        SearchSpace space = SearchSpace.of(new int[]{3, 5}, new int[]{1, 2});
        int[][] expected = {{3, 1}, {3, 2}, {5, 1}, {5, 2}};
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], new int[]{space.kernel(i), space.dilation(i)}, "candidate " + i);
        }
    }

    @Test
    void spanAndPadOfThePaperSpaces() {
        assertSpan(SearchSpace.of(new int[]{3, 5, 7, 9}, new int[]{1, 3, 7, 15}), 121, 60);
        assertSpan(SearchSpace.of(new int[]{3, 7, 11, 15, 19}, new int[]{1, 3, 7, 15}), 271, 135);
        assertSpan(SearchSpace.of(new int[]{3, 5, 7}, new int[]{1, 3, 7}), 43, 21);
        assertSpan(SearchSpace.of(new int[]{3}, new int[]{1}), 3, 1);
        assertSpan(SearchSpace.of(new int[]{1}, new int[]{4, 2, 9}), 1, 0);
        // unsorted lists: the span comes from the widest candidate, (5, 2), wherever it sits in the order
        assertSpan(SearchSpace.of(new int[]{5, 1, 3}, new int[]{2, 1}), 9, 4);
    }

    private static void assertSpan(SearchSpace space, int span, int pad) {
        assertEquals(span, space.span(), space + ": span");
        assertEquals(pad, space.pad(), space + ": pad");
        for (int i = 0; i < space.size(); i++) {
            int l = space.extent(i);
            int off = space.offset(i);
            assertEquals((span - l) / 2, off, space + ": offset(" + i + ")");
            assertEquals(span, 2 * off + l, space + ": candidate " + i + " is centred in the span");
        }
    }

    @Test
    void offsetsOfNamedCandidates() {
        SearchSpace space = SearchSpace.of(new int[]{3, 5, 7}, new int[]{1, 3, 7});
        assertEquals(20, space.offset(space.index(3, 1)), "(3,1): L = 3");
        assertEquals(15, space.offset(space.index(5, 3)), "(5,3): L = 13");
        assertEquals(14, space.offset(space.index(3, 7)), "(3,7): L = 15");
        assertEquals(0, space.offset(space.index(7, 7)), "(7,7): L = 43");
        SearchSpace paper = SearchSpace.of(new int[]{3, 5, 7, 9}, new int[]{1, 3, 7, 15});
        assertEquals(59, paper.offset(paper.index(3, 1)));
        assertEquals(0, paper.offset(paper.index(9, 15)));
        assertEquals(32, paper.offset(paper.index(9, 7)), "(9,7): L = 57");
    }

    @Test
    void outOfRangeCandidatesAndUnknownPairsAreRejected() {
        SearchSpace space = SearchSpace.of(new int[]{3, 5}, new int[]{1, 2});
        assertThrows(IndexOutOfBoundsException.class, () -> space.kernel(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> space.kernel(4));
        assertThrows(IndexOutOfBoundsException.class, () -> space.dilation(4));
        assertThrows(IndexOutOfBoundsException.class, () -> space.offset(4));
        assertMessage(() -> space.index(7, 1), "k=7");
        assertMessage(() -> space.index(3, 3), "d=3");
    }

    @Test
    void invalidSpacesAreRejectedWithTheFieldInTheMessage() {
        assertMessage(() -> SearchSpace.of(new int[]{3, 4}, new int[]{1}), "kernels", "even");
        assertMessage(() -> SearchSpace.of(new int[]{2}, new int[]{1}), "kernels", "even");
        assertMessage(() -> SearchSpace.of(new int[]{}, new int[]{1}), "kernels", "empty");
        assertMessage(() -> SearchSpace.of(null, new int[]{1}), "kernels");
        assertMessage(() -> SearchSpace.of(new int[]{3}, new int[]{}), "dilations", "empty");
        assertMessage(() -> SearchSpace.of(new int[]{3}, null), "dilations");
        assertMessage(() -> SearchSpace.of(new int[]{0}, new int[]{1}), "kernels");
        assertMessage(() -> SearchSpace.of(new int[]{-3}, new int[]{1}), "kernels");
        assertMessage(() -> SearchSpace.of(new int[]{3}, new int[]{0}), "dilations");
        assertMessage(() -> SearchSpace.of(new int[]{3}, new int[]{1, -2}), "dilations");
        assertMessage(() -> SearchSpace.of(new int[]{3, 5, 3}, new int[]{1}), "kernels", "distinct");
        assertMessage(() -> SearchSpace.of(new int[]{3}, new int[]{1, 2, 2}), "dilations", "distinct");
    }

    @Test
    void searchSpaceIsAValueThatItsCallersCannotMutate() {
        int[] ks = {3, 5};
        int[] ds = {1, 2};
        SearchSpace space = SearchSpace.of(ks, ds);
        ks[0] = 7;
        ds[1] = 9;
        assertEquals(3, space.kernel(0), "constructor copies the kernels");
        assertEquals(2, space.dilation(1), "constructor copies the dilations");
        space.kernels()[0] = 11;
        space.dilations()[0] = 11;
        assertArrayEquals(new int[]{3, 5}, space.kernels(), "kernels() returns a copy");
        assertArrayEquals(new int[]{1, 2}, space.dilations(), "dilations() returns a copy");
        assertEquals(SearchSpace.of(new int[]{3, 5}, new int[]{1, 2}), space);
        assertEquals(SearchSpace.of(new int[]{3, 5}, new int[]{1, 2}).hashCode(), space.hashCode());
        assertNotEquals(SearchSpace.of(new int[]{5, 3}, new int[]{1, 2}), space, "order matters (it is the candidate order)");
    }

    @Test
    void specRejectsInvalidSettingsNamingTheField() {
        SearchSpace space = SearchSpace.of(new int[]{3}, new int[]{1});
        assertMessage(() -> new AggConvSpec(1, 2, 3, true, 1, space), "depthwise");
        assertMessage(() -> new AggConvSpec(2, 4, 2, true, 1, space), "depthwise");
        assertMessage(() -> new AggConvSpec(1, 2, 2, false, 0, space), "stride");
        assertMessage(() -> new AggConvSpec(1, 2, 2, false, -1, space), "stride");
        assertMessage(() -> new AggConvSpec(3, 2, 2, false, 1, space), "dims");
        assertMessage(() -> new AggConvSpec(0, 2, 2, false, 1, space), "dims");
        assertMessage(() -> new AggConvSpec(1, 0, 2, false, 1, space), "inChannels");
        assertMessage(() -> new AggConvSpec(1, 2, 0, false, 1, space), "outChannels");
        assertMessage(() -> new AggConvSpec(1, 2, 2, false, 1, null), "space");
    }

    @Test
    void specWeightShapesFollowTheCandidateOrder() {
        SearchSpace space = SearchSpace.of(new int[]{3, 5}, new int[]{1, 2});
        AggConvSpec dense2d = new AggConvSpec(2, 4, 6, false, 1, space);
        AggConvSpec depth1d = new AggConvSpec(1, 4, 4, true, 2, space);
        assertEquals(4, dense2d.groupChannels());
        assertEquals(1, depth1d.groupChannels());
        assertArrayEquals(new long[]{6, 4, 3, 3}, dense2d.weightShape(1));
        assertArrayEquals(new long[]{6, 4, 5, 5}, dense2d.weightShape(2));
        assertEquals(6 * 4 * 25, dense2d.weightLength(3));
        assertArrayEquals(new long[]{4, 1, 3}, depth1d.weightShape(0));
        assertArrayEquals(new long[]{4, 1, 5}, depth1d.weightShape(3));
    }

    private static void assertMessage(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f),
                    "message should contain '" + f + "': " + e.getMessage());
        }
    }
}
