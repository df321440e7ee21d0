package dev.dashspark.core.util;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FlagsTest {
    private static final List<String> ACCEPTED = List.of("--a", "--n");

    @Test
    void parsesPairsWithDefaults() {
        Flags f = Flags.parse(new String[]{"--a", "x", "--n", "7"}, ACCEPTED);
        assertEquals("x", f.required("--a"));
        assertEquals(7, f.integer("--n", 1, 1));
        assertEquals(3, Flags.parse(new String[0], ACCEPTED).integer("--n", 3, 1));
    }

    @Test
    void errorsNameTheFlagAndTheValue() {
        assertEquals("unknown flag '--b'; expected --a, --n",
                assertThrows(IllegalArgumentException.class, () -> Flags.parse(new String[]{"--b", "1"}, ACCEPTED)).getMessage());
        assertEquals("--a: missing value",
                assertThrows(IllegalArgumentException.class, () -> Flags.parse(new String[]{"--a"}, ACCEPTED)).getMessage());
        assertEquals("--n: expected an integer, got 'x'",
                assertThrows(IllegalArgumentException.class, () -> Flags.parse(new String[]{"--n", "x"}, ACCEPTED).integer("--n", 1, 1)).getMessage());
        assertEquals("--n: expected an integer ≥ 1, got '0'",
                assertThrows(IllegalArgumentException.class, () -> Flags.parse(new String[]{"--n", "0"}, ACCEPTED).integer("--n", 1, 1)).getMessage());
        assertEquals("--a: required",
                assertThrows(IllegalArgumentException.class, () -> Flags.parse(new String[0], ACCEPTED).required("--a")).getMessage());
    }
}
