package dev.dashspark.core.trial;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The grids in the reference's order and the reference's selection and early-stop rule, with scripted scores. */
class HpoTest {

    private static final List<Hyperparams> REFERENCE = HpoGrid.REFERENCE.configurations(false);

    @Test
    void referenceGridHas24ConfigurationsLrOutermostInItertoolsOrder() {
        assertEquals(24, REFERENCE.size());
        assertEquals(new Hyperparams(0.1, 0, 5e-4, 0.9), REFERENCE.get(0));
        assertEquals(new Hyperparams(0.1, 0, 5e-4, 0.99), REFERENCE.get(1));
        assertEquals(new Hyperparams(0.1, 0, 5e-6, 0.9), REFERENCE.get(2));
        assertEquals(new Hyperparams(0.1, 0.05, 5e-4, 0.9), REFERENCE.get(4));
        assertEquals(new Hyperparams(0.01, 0, 5e-4, 0.9), REFERENCE.get(8));
        assertEquals(new Hyperparams(0.001, 0.05, 5e-6, 0.99), REFERENCE.get(23));
        assertEquals(List.of(new Hyperparams(1e-2, 0, 5e-5, 0.99), new Hyperparams(1e-3, 0, 5e-5, 0.99),
                new Hyperparams(1e-4, 0, 5e-5, 0.99)), HpoGrid.REFERENCE_SMALL.configurations(false));
        assertEquals(3, HpoGrid.LR.configurations(false).size());
    }

    @Test
    void noneIsTheReferencesBaselineTraining() {
        assertEquals(List.of(new Hyperparams(0.1, 0, 5e-4, 0.9)), HpoGrid.NONE.configurations(false));
        assertEquals(List.of(new Hyperparams(0.01, 0, 5e-4, 0.9)), HpoGrid.NONE.configurations(true));
        assertEquals(REFERENCE, HpoGrid.REFERENCE.configurations(true), "only none depends on the outputs");
    }

    /** Scores by learning rate (the same for every configuration of one rate), recording the order tried. */
    private static Hpo.Outcome select(Map<Double, Double> errorByLr, List<Hyperparams> tried) throws Exception {
        return Hpo.select(REFERENCE, h -> {
            tried.add(h);
            return errorByLr.get(h.lr());
        });
    }

    @Test
    void noImprovementAtTheSecondRateStopsBeforeTheThird() throws Exception {
        List<Hyperparams> tried = new ArrayList<>();
        Hpo.Outcome o = select(Map.of(0.1, 0.3, 0.01, 0.4, 0.001, 0.1), tried);
        assertEquals(16, tried.size(), "the eight lr = 0.001 configurations are never tried");
        assertEquals(REFERENCE.subList(0, 16), tried);
        assertEquals(REFERENCE.get(0), o.best(), "first of the tied best");
        assertEquals(16, o.tried().size());
    }

    @Test
    void anImprovementKeepsTheSearchGoingAndTheBestWinsFirstOnTies() throws Exception {
        List<Hyperparams> tried = new ArrayList<>();
        Hpo.Outcome o = select(Map.of(0.1, 0.3, 0.01, 0.2, 0.001, 0.2), tried);
        assertEquals(24, tried.size());
        assertEquals(REFERENCE.get(8), o.best(), "lr 0.01's first configuration; lr 0.001 only ties");
    }

    @Test
    void divergedConfigurationsScoreInfinityAndTheFirstConfigurationWinsWhenAllDo() throws Exception {
        List<Hyperparams> tried = new ArrayList<>();
        Hpo.Outcome o = select(Map.of(0.1, Double.POSITIVE_INFINITY, 0.01, Double.POSITIVE_INFINITY,
                0.001, Double.POSITIVE_INFINITY), tried);
        assertEquals(16, tried.size());
        assertEquals(REFERENCE.get(0), o.best());
    }

    @Test
    void theFractionOfBatchesFollowsTheReferenceThresholds() {
        assertEquals(0.2, Hpo.fraction(49));
        assertEquals(0.1, Hpo.fraction(50));
        assertEquals(0.1, Hpo.fraction(99));
        assertEquals(0.05, Hpo.fraction(100));
        assertEquals(0.05, Hpo.fraction(499));
        assertEquals(0.01, Hpo.fraction(500));
    }
}
