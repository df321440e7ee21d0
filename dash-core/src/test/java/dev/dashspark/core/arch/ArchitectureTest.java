package dev.dashspark.core.arch;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArchitectureTest {
    private final Architecture arch = new Architecture(List.of(
            new LayerChoice("b1c1", 7, 3), new LayerChoice("b1c2", 3, 1), new LayerChoice("b1c3", 19, 15)));

    @Test
    void receptiveFieldOfTheChainIsOnePlusTheSumOfDilatedExtents() {
        // 1 + 3·6 + 1·2 + 15·18
        assertEquals(1 + 18 + 2 + 270, arch.chainReceptiveField());
        assertEquals(271, arch.get("b1c3").extent());
    }

    @Test
    void jsonRoundTripAndTable() {
        String json = arch.toJson();
        assertEquals("[{\"layer\":\"b1c1\",\"k\":7,\"d\":3},{\"layer\":\"b1c2\",\"k\":3,\"d\":1},{\"layer\":\"b1c3\",\"k\":19,\"d\":15}]", json);
        assertEquals(arch, Architecture.fromJson(json));
        String table = arch.table();
        assertTrue(table.contains("b1c3    19    15     271"), table);
        assertTrue(table.contains("receptive field of the conv chain: 291"), table);
    }

    @Test
    void badInputIsRejectedWithTheFieldNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Architecture.fromJson("[{\"layer\":\"a\",\"k\":\"x\",\"d\":1}]"))
                .getMessage().contains("entry 0: 'k' must be an integer"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LayerChoice("a", 3, 0))
                .getMessage().contains("dilation must be ≥ 1, got 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Architecture(List.of(
                new LayerChoice("a", 3, 1), new LayerChoice("a", 5, 1)))).getMessage().contains("appears twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> arch.get("zz")).getMessage().contains("no layer 'zz'"));
    }
}
