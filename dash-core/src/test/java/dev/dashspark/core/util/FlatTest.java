package dev.dashspark.core.util;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A view keeps the array it reads: ND4J frees a native buffer once its array is garbage, and the NIO view alone
 * does not keep it, so the dense copy {@link Flat#readable} makes must live as long as the view.
 */
class FlatTest {

    @Test
    void aViewHoldsItsArrayAndReadableHoldsItsDenseCopy() {
        INDArray a = Nd4j.arange(24).castTo(DataType.FLOAT).reshape('c', 2, 3, 4);
        assertSame(a, Flat.of(a).array());

        INDArray strided = a.permute(0, 2, 1);
        assertFalse(Flat.isDense(strided));
        Flat view = Flat.readable(strided);
        assertTrue(Flat.isDense(view.array()));
        double[] values = new double[24];
        for (int i = 0; i < 200; i++) {
            // garbage the copy would be collected with, if the view did not hold it
            Nd4j.create(DataType.FLOAT, 1 << 16);
        }
        System.gc();
        view.get(0, values);
        assertArrayEquals(strided.dup('c').castTo(DataType.DOUBLE).data().asDouble(), values);
    }
}
