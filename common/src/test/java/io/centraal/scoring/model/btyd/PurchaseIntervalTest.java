package io.centraal.scoring.model.btyd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The distribution of a customer's future purchases, behind the predictive interval: it must be a
 * distribution (sums to 1) whose mean is the model's conditional expectation, for every model that
 * has one, over histories from a one-time buyer to a heavy regular.
 */
class PurchaseIntervalTest {
  private static final List<TransactionModel> MODELS = List.of(
      new BgNbdModel(0.2426, 4.4137, 0.7930, 2.4262),
      new ModifiedBgNbdModel(0.525, 6.183, 0.891, 1.614),
      new NbdModel(0.385, 12.07));
  private static final double[][] HISTORIES = {{0, 0, 30}, {1, 2, 38}, {3, 30, 32}, {7, 35, 38}, {25, 38.5, 39}};

  @Test
  void probabilitiesSumToOneAndHaveTheConditionalExpectationAsMean() {
    for (TransactionModel model : MODELS) {
      assertTrue(model.hasPurchaseDistribution(), model.name());
      for (double[] h : HISTORIES) {
        double total = 0;
        double mean = 0;
        for (int n = 0; n < 2_000; n++) {
          double p = model.conditionalProbabilityOfPurchases(39, n, h[0], h[1], h[2]);
          assertTrue(p >= 0, model.name() + " P(" + n + ") = " + p);
          total += p;
          mean += n * p;
        }
        String what = model.name() + " at " + java.util.Arrays.toString(h);
        assertEquals(1, total, 1e-9, what);
        assertEquals(model.conditionalExpectedPurchases(39, h[0], h[1], h[2]), mean, 1e-7, what);
      }
    }
  }

  @Test
  void intervalHoldsAtLeastItsNominalShare() {
    for (TransactionModel model : MODELS) {
      for (double[] h : HISTORIES) {
        PurchaseInterval i = PurchaseInterval.of(model, 39, h[0], h[1], h[2], 0.1, 0.9);
        assertTrue(i.lower() <= i.upper());
        assertTrue(i.probability() >= 0.8 - 1e-12 && i.probability() <= 1 + 1e-12, model.name() + " " + i);
        // No narrower interval holds the upper quantile: one purchase less at the top falls short.
        double cumulative = 0;
        for (int n = 0; n < i.upper(); n++) {
          cumulative += model.conditionalProbabilityOfPurchases(39, n, h[0], h[1], h[2]);
        }
        assertTrue(cumulative < 0.9, model.name() + " " + i);
      }
    }
    // Ten repeat purchases in the first week, then 38 silent weeks: almost surely gone (BG/NBD
    // P(alive) is tiny), so no purchase is expected and the interval is [0, 0].
    assertTrue(MODELS.get(0).probabilityAlive(10, 1, 39) < 0.05);
    PurchaseInterval gone = PurchaseInterval.of(MODELS.get(0), 39, 10, 1, 39, 0.1, 0.9);
    assertEquals(0, gone.upper());
  }

  @Test
  void paretoNbdHasNoClosedForm() {
    TransactionModel pareto = new ParetoNbdModel(0.55, 10.58, 0.61, 11.67);
    assertFalse(pareto.hasPurchaseDistribution());
    assertThrows(UnsupportedOperationException.class, () -> pareto.conditionalProbabilityOfPurchases(39, 0, 1, 2, 30));
  }
}
