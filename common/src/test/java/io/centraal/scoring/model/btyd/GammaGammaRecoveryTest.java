package io.centraal.scoring.model.btyd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Gamma-Gamma parameter recovery: simulate repeat buyers' mean spend from known p, q, gamma
 * (nu ~ Gamma(q, rate gamma), each purchase ~ Gamma(p, rate nu)), fit, and require each estimate
 * within 3 of its own standard errors of the truth.
 */
class GammaGammaRecoveryTest {
  private static final GammaGammaModel TRUTH = new GammaGammaModel(6, 3.7, 15);
  private static final int CUSTOMERS = 5_000;

  @Test
  void recoversKnownParameters() {
    SplittableRandom rng = new SplittableRandom(11L);
    double[] x = new double[CUSTOMERS];
    double[] mx = new double[CUSTOMERS];
    for (int c = 0; c < CUSTOMERS; c++) {
      x[c] = 1 + rng.nextInt(8);
      double nu = BgNbdSimulator.gamma(TRUTH.q(), rng) / TRUTH.gamma();
      double total = 0;
      for (int i = 0; i < x[c]; i++) {
        total += BgNbdSimulator.gamma(TRUTH.p(), rng) / nu;
      }
      mx[c] = total / x[c];
    }
    FitResult fit = GammaGammaModel.fit(SpendSummary.ofCustomers(x, mx), new FitOptions(0, 100, 500, 1e-8, "days"));
    double[] truth = {TRUTH.p(), TRUTH.q(), TRUTH.gamma()};
    for (int i = 0; i < truth.length; i++) {
      double estimate = fit.params()[i];
      double se = fit.standardErrors()[i];
      assertTrue(Math.abs(estimate - truth[i]) <= 3 * se, String.format("%s: estimate %.4f, truth %.4f, SE %.4f",
          fit.paramNames().get(i), estimate, truth[i], se));
      assertTrue(se < 0.2 * truth[i], fit.paramNames().get(i) + " standard error " + se + " is not informative");
    }
    assertTrue(fit.converged());
  }
}
