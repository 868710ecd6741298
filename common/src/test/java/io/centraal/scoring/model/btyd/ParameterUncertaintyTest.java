package io.centraal.scoring.model.btyd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Intervals from parameter uncertainty earn their name only if they cover the truth at about their
 * nominal rate. Here the truth is known: populations are simulated from a BG/NBD with fixed
 * parameters, the model is refitted on each, and for a set of customer histories the true expected
 * value (the model at the true parameters) is checked against the 80% interval drawn from the fit.
 * Over many simulated populations the share covered must be close to 80%: a covariance off by a
 * factor (say, not scaled by the number of customers) gives 0% or 100%.
 */
class ParameterUncertaintyTest {
  private static final BgNbdModel TRUTH = new BgNbdModel(0.25, 4.0, 0.8, 2.5);
  private static final int CUSTOMERS = 2_000;
  private static final int POPULATIONS = 120;
  private static final int DRAWS = 200;
  private static final double HORIZON = 39;
  /** Histories (x, t_x, T) in weeks, from a one-time buyer to a regular. */
  private static final double[][] HISTORIES = {
      {0, 0, 30}, {1, 5, 30}, {2, 25, 32}, {4, 12, 36}, {6, 35, 38}, {10, 38, 39}};

  @Test
  void eightyPercentIntervalsCoverTheTrueExpectationAboutEightyPercentOfTheTime() {
    FitOptions options = new FitOptions(0, 50, 500, 1e-8, "weeks");
    int covered = 0;
    int coveredAlive = 0;
    int cases = 0;
    for (int s = 0; s < POPULATIONS; s++) {
      FitResult fit = BgNbdModel.fit(simulate(1000L + s).toSummary(), options);
      List<TransactionModel> draws = ParameterUncertainty.transactionModels(fit, DRAWS, 77L + s);
      assertEquals(DRAWS, draws.size());
      for (double[] h : HISTORIES) {
        double[] expected = new double[DRAWS];
        double[] alive = new double[DRAWS];
        for (int d = 0; d < DRAWS; d++) {
          expected[d] = draws.get(d).conditionalExpectedPurchases(HORIZON, h[0], h[1], h[2]);
          alive[d] = draws.get(d).probabilityAlive(h[0], h[1], h[2]);
        }
        double truth = TRUTH.conditionalExpectedPurchases(HORIZON, h[0], h[1], h[2]);
        double truthAlive = TRUTH.probabilityAlive(h[0], h[1], h[2]);
        covered += inside(truth, expected) ? 1 : 0;
        coveredAlive += inside(truthAlive, alive) ? 1 : 0;
        cases++;
      }
    }
    double share = (double) covered / cases;
    double shareAlive = (double) coveredAlive / cases;
    System.out.printf(Locale.ROOT, "80%% intervals: expected purchases cover the truth in %.3f, P(alive) in %.3f "
        + "of %d (population, history) cases%n", share, shareAlive, cases);
    // Binomial noise over 720 correlated cases is a few points; the band allows it and nothing more.
    assertTrue(share > 0.72 && share < 0.88, "expected purchases covered in " + share);
    assertTrue(shareAlive > 0.72 && shareAlive < 0.88, "P(alive) covered in " + shareAlive);
  }

  @Test
  void drawsAreReproducibleFromTheSeedAndCentredOnTheEstimate() {
    FitResult fit = BgNbdModel.fit(simulate(5L).toSummary(), new FitOptions(0, 50, 500, 1e-8, "weeks"));
    List<double[]> first = ParameterUncertainty.draws(fit, 2000, 9L, p -> true);
    List<double[]> second = ParameterUncertainty.draws(fit, 2000, 9L, p -> true);
    for (int i = 0; i < first.size(); i++) {
      assertTrue(java.util.Arrays.equals(first.get(i), second.get(i)));
    }
    double[][] cov = fit.logCovariance();
    for (int j = 0; j < fit.params().length; j++) {
      final int k = j;
      double meanLog = first.stream().mapToDouble(p -> Math.log(p[k])).average().orElseThrow();
      double sd = Math.sqrt(cov[j][j]);
      assertEquals(Math.log(fit.params()[j]), meanLog, 4 * sd / Math.sqrt(first.size()), fit.paramNames().get(j));
      double varLog = first.stream().mapToDouble(p -> Math.pow(Math.log(p[k]) - meanLog, 2)).sum() / (first.size() - 1);
      assertEquals(cov[j][j], varLog, 0.1 * cov[j][j], "variance of log " + fit.paramNames().get(j));
    }
    // The standard errors are the delta-method image of the same covariance.
    for (int j = 0; j < fit.params().length; j++) {
      assertEquals(fit.standardErrors()[j], fit.params()[j] * Math.sqrt(cov[j][j]), 1e-12);
    }
  }

  @Test
  void aFitWithoutCovarianceHasNoDrawsAndNoParameterIntervals() {
    FitResult fit = BgNbdModel.fit(simulate(5L).toSummary(), new FitOptions(0, 50, 500, 1e-8, "weeks"));
    FitResult bare = fit.withParams(fit.params());
    assertTrue(ParameterUncertainty.draws(bare, 10, 1L, p -> true).isEmpty());
    assertNull(ParameterUncertainty.parameterIntervals(bare, 0.1, 0.9));
    double[][] intervals = ParameterUncertainty.parameterIntervals(fit, 0.1, 0.9);
    assertNotNull(intervals);
    for (int j = 0; j < intervals.length; j++) {
      assertTrue(intervals[j][0] < fit.params()[j] && fit.params()[j] < intervals[j][1]);
    }
    // The covariance survives the model_runs JSON.
    assertEquals(fit, FitResult.fromJson(fit.toJson()));
  }

  @Test
  void spendDrawsKeepTheMeanFinite() {
    // q's estimate close to 1: a plain normal would give draws with q <= 1 (infinite mean spend).
    FitResult fit = new FitResult(GammaGammaModel.NAME, GammaGammaModel.PARAM_NAMES, new double[] {6, 1.3, 15},
        new double[] {0.5, 0.26, 2}, -1, 10, true, 500, 400, "currency", 0,
        new double[][] {{0.007, 0, 0}, {0, 0.04, 0}, {0, 0, 0.018}});
    List<SpendModel> draws = ParameterUncertainty.spendModels(fit, 500, 3L);
    assertEquals(500, draws.size());
    for (SpendModel m : draws) {
      assertTrue(Double.isFinite(m.populationMeanSpend()) && ((GammaGammaModel) m).q() > 1);
    }
  }

  private static boolean inside(double truth, double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return truth >= ParameterUncertainty.quantileOfSorted(v, 0.1) && truth <= ParameterUncertainty.quantileOfSorted(v, 0.9);
  }

  /** Customers acquired over 39 weeks and observed at week 39, CDNOW-like. */
  private static BgNbdSimulator.Population simulate(long seed) {
    double[] ages = new double[CUSTOMERS];
    for (int i = 0; i < CUSTOMERS; i++) {
      ages[i] = 27 + 12.0 * i / CUSTOMERS;
    }
    return new BgNbdSimulator(TRUTH).simulate(ages, seed);
  }
}
