package io.centraal.scoring.model.btyd;

import static io.centraal.scoring.model.btyd.BgNbdModelTest.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The summed likelihood the fits use (distinct rows, per-time tables, one exponential per row)
 * against the one-row formula, and its analytic gradient against central differences.
 */
class BetaGeometricFamilyTest {
  private static final double[] PARAMS = {0.2426, 4.4137, 0.7930, 2.4262};

  /** Customers with whole-day times (few distinct times) or continuous ones (one per row). */
  private static TransactionSummary customers(boolean wholeDays, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int n = 3000;
    double[] x = new double[n];
    double[] tx = new double[n];
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = wholeDays ? 1 + rng.nextInt(400) : 0.5 + 400 * rng.nextDouble();
      x[i] = rng.nextInt(4) == 0 ? 0 : 1 + rng.nextInt(rng.nextInt(10) == 0 ? 300 : 8);
      tx[i] = x[i] == 0 ? 0 : wholeDays ? 1 + rng.nextInt((int) t[i]) : t[i] * rng.nextDouble();
    }
    return TransactionSummary.ofCustomers(x, tx, t);
  }

  @Test
  void timeGridMapsEveryRowToItsTimes() {
    for (boolean wholeDays : new boolean[] {true, false}) {
      TransactionSummary s = customers(wholeDays, 7);
      TransactionSummary.TimeGrid grid = s.timeGrid();
      for (int j = 1; j < grid.times().length; j++) {
        assertTrue(grid.times()[j - 1] < grid.times()[j], "times must be distinct and sorted");
      }
      for (int i = 0; i < s.distinctRows(); i++) {
        assertEquals(s.tx(i), grid.times()[grid.txAt()[i]]);
        assertEquals(s.t(i), grid.times()[grid.tAt()[i]]);
      }
      assertTrue(wholeDays ? grid.times().length <= 401 : grid.times().length > s.distinctRows());
    }
  }

  @Test
  void totalEqualsSumOfRowsForBothModels() {
    for (int k = 0; k <= 1; k++) {
      for (boolean wholeDays : new boolean[] {true, false}) {
        TransactionSummary s = customers(wholeDays, 11);
        double expected = 0;
        for (int i = 0; i < s.distinctRows(); i++) {
          expected += s.weight(i) * BetaGeometricFamily.logLikelihood(PARAMS[0], PARAMS[1], PARAMS[2], PARAMS[3],
              k, s.x(i), s.tx(i), s.t(i));
        }
        double[] grad = new double[4];
        assertRelative(expected, BetaGeometricFamily.totalLogLikelihood(PARAMS, k, s, null), 1e-12);
        assertRelative(expected, BetaGeometricFamily.totalLogLikelihood(PARAMS, k, s, grad), 1e-12);
      }
    }
  }

  @Test
  void analyticGradientMatchesCentralDifferences() {
    for (int k = 0; k <= 1; k++) {
      final int model = k;
      TransactionSummary s = customers(true, 13);
      double[] grad = new double[4];
      BetaGeometricFamily.totalLogLikelihood(PARAMS, model, s, grad);
      assertMatchesCentralDifferences(p -> BetaGeometricFamily.totalLogLikelihood(p, model, s, null), PARAMS, grad,
          "k = " + model);
    }
  }

  /**
   * {@code grad} against central differences of {@code logLikelihood} at {@code params} (steps of
   * 1e-6 relative): within 1e-5 relative plus 1e-3.
   */
  static void assertMatchesCentralDifferences(ToDoubleFunction<double[]> logLikelihood, double[] params,
      double[] grad, String what) {
    for (int j = 0; j < params.length; j++) {
      double h = 1e-6 * params[j];
      double[] up = params.clone();
      double[] down = params.clone();
      up[j] += h;
      down[j] -= h;
      double numeric = (logLikelihood.applyAsDouble(up) - logLikelihood.applyAsDouble(down)) / (2 * h);
      assertEquals(numeric, grad[j], 1e-5 * Math.abs(numeric) + 1e-3, "d/d param " + j + ", " + what);
    }
  }
}
