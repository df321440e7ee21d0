package dev.dashspark.core.metric;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Metrics#parse}: the eight names round-trip, anything else is rejected listing them; error direction. */
class MetricsTest {

    @Test
    void everyNameParsesToTheMetricOfThatName() {
        assertEquals(List.of("accuracy", "macro-f1", "map", "auroc", "rel-l2", "mae", "mae8", "fnr"), Metrics.NAMES);
        for (String name : Metrics.NAMES) {
            assertEquals(name, Metrics.parse(name).name());
        }
        assertEquals(new Accuracy(), Metrics.parse("accuracy"));
        assertEquals(new MeanAuroc(), Metrics.parse("auroc"));
    }

    @Test
    void unknownNamesAreRejectedWithTheValidNames() {
        for (String bad : new String[]{"f1", "MAP", " map", "acc", "", "rel_l2"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metrics.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("[accuracy, macro-f1, map, auroc, rel-l2, mae, mae8, fnr]"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Metrics.parse(null));
    }

    @Test
    void directionAndErrorOfEachMetric() {
        Map<String, Boolean> higher = Map.of("accuracy", true, "macro-f1", true, "map", true, "auroc", true,
                "rel-l2", false, "mae", false, "mae8", false, "fnr", false);
        for (String name : Metrics.NAMES) {
            Metric m = Metrics.parse(name);
            assertEquals(higher.get(name), m.higherIsBetter(), name);
            if (m.higherIsBetter()) {
                assertEquals(0.25, m.error(0.75), 0.0, name);
                assertEquals(0.0, m.error(1.0), 0.0, name);
                assertEquals(1.0, m.error(0.0), 0.0, name);
            } else {
                assertEquals(0.75, m.error(0.75), 0.0, name);
                assertEquals(0.0, m.error(0.0), 0.0, name);
            }
            assertEquals(Double.POSITIVE_INFINITY, m.error(Double.NaN), name + ": a diverged run is the worst");
        }
    }

    @Test
    void betterValuesHaveLowerErrors() {
        for (String name : Metrics.NAMES) {
            Metric m = Metrics.parse(name);
            double better = m.higherIsBetter() ? 0.9 : 0.1;
            double worse = m.higherIsBetter() ? 0.6 : 0.4;
            assertTrue(m.error(better) < m.error(worse), name);
        }
    }
}
