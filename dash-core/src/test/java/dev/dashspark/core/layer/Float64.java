package dev.dashspark.core.layer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Base of tests that need ND4J's default types at DOUBLE (DL4J's gradient checker does); restores them after. */
abstract class Float64 {
    private static DataType savedDefault;
    private static DataType savedFloating;

    @BeforeAll
    static void doubles() {
        savedDefault = Nd4j.dataType();
        savedFloating = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restore() {
        Nd4j.setDefaultDataTypes(savedDefault, savedFloating);
    }
}
