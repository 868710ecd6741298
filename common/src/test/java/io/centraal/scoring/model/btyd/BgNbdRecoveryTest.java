package io.centraal.scoring.model.btyd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Parameter recovery: simulate a BG/NBD population with known parameters, fit, and require every
 * estimate within 3 of its own standard errors of the truth. This checks the likelihood, the
 * optimiser and the standard errors together.
 */
class BgNbdRecoveryTest {
  /** CDNOW-like behaviour in days: a purchase every ~4 months while alive, 25% mean dropout. */
  private static final BgNbdModel TRUTH = new BgNbdModel(0.5, 60, 0.8, 2.4);
  private static final int CUSTOMERS = 20_000;

  @Test
  void recoversKnownParameters() {
    BgNbdSimulator.Population population = simulate(20240601L);
    TransactionSummary summary = population.toSummary();
    FitResult fit = BgNbdModel.fit(summary, new FitOptions(0, 100, 500, 1e-8, "days"));
    double[] truth = {TRUTH.r(), TRUTH.alpha(), TRUTH.a(), TRUTH.b()};
    for (int i = 0; i < truth.length; i++) {
      double estimate = fit.params()[i];
      double se = fit.standardErrors()[i];
      String name = fit.paramNames().get(i);
      assertTrue(Math.abs(estimate - truth[i]) <= 3 * se, String.format(
          "%s: estimate %.4f, truth %.4f, standard error %.4f", name, estimate, truth[i], se));
      assertTrue(se < 0.2 * truth[i], name + " standard error " + se + " is not informative");
    }
    assertEquals(CUSTOMERS, fit.customers());
  }

  @Test
  void simulationIsReproducibleFromItsSeed() {
    BgNbdSimulator.Population first = simulate(7L);
    BgNbdSimulator.Population second = simulate(7L);
    assertArrayEquals(first.frequency(), second.frequency());
    assertArrayEquals(first.recency(), second.recency());
  }

  @Test
  void simulatedMeanMatchesModelExpectation() {
    // E[X(T)] of a new customer is the population mean of x for customers of age T.
    double age = 365;
    double[] ages = new double[CUSTOMERS];
    Arrays.fill(ages, age);
    double[] x = new BgNbdSimulator(TRUTH).simulate(ages, 99L).frequency();
    double mean = Arrays.stream(x).average().orElseThrow();
    double sd = Math.sqrt(Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum()
        / (x.length - 1));
    assertEquals(TRUTH.expectedPurchasesNewCustomer(age), mean, 4 * sd / Math.sqrt(x.length));
  }

  /**
   * Customers acquired evenly over two years, observed at the end; times rounded to whole days as
   * in real summaries (which also keeps the number of distinct rows, and so the fit, small).
   */
  private static BgNbdSimulator.Population simulate(long seed) {
    double[] ages = new double[CUSTOMERS];
    for (int i = 0; i < CUSTOMERS; i++) {
      ages[i] = 1 + Math.floor(730.0 * i / CUSTOMERS);
    }
    BgNbdSimulator.Population p = new BgNbdSimulator(TRUTH).simulate(ages, seed);
    double[] recency = p.recency().clone();
    for (int i = 0; i < recency.length; i++) {
      recency[i] = Math.min(Math.ceil(recency[i]), ages[i]);
    }
    return new BgNbdSimulator.Population(p.frequency(), recency, ages);
  }
}
