package io.centraal.scoring.model.btyd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** BG/NBD against the published CDNOW numbers (sources in src/test/resources/cdnow/README.md). */
class BgNbdModelTest {
  /** Fader, Hardie &amp; Lee (2005), "Counting your customers the easy way", section 5. */
  private static final BgNbdModel PUBLISHED = new BgNbdModel(0.2426, 4.4137, 0.7930, 2.4262);
  /** The parameters lifetimes' test_probability_of_n_purchases_up_to_time_same_as_R_BTYD sets. */
  private static final BgNbdModel BTYD_TEST = new BgNbdModel(0.243, 4.414, 0.793, 2.426);

  @Test
  void fitReproducesFaderHardieLee2005() {
    FitResult fit = CdnowFixtures.bgNbdFit();
    assertRelative(0.2426, fit.param("r"), 1e-3);
    assertRelative(4.4137, fit.param("alpha"), 1e-3);
    assertRelative(0.7930, fit.param("a"), 1e-3);
    assertRelative(2.4262, fit.param("b"), 1e-3);
    assertEquals(-9582.43, fit.logLikelihood(), 0.01);
    assertEquals(2357, fit.customers());
    assertEquals(1016, fit.distinctRows());
    assertTrue(fit.converged());
  }

  @Test
  void standardErrorsMatchLifetimes() {
    // lifetimes documentation, Quickstart, bgf.summary on the same file: se(coef) 0.012557,
    // 0.378221, 0.185719, 0.705345 (inverse Hessian at the optimum).
    FitResult fit = CdnowFixtures.bgNbdFit();
    assertRelative(0.012557, fit.standardError("r"), 1e-3);
    assertRelative(0.378221, fit.standardError("alpha"), 1e-3);
    assertRelative(0.185719, fit.standardError("a"), 1e-3);
    assertRelative(0.705345, fit.standardError("b"), 1e-3);
  }

  @Test
  void newCustomerExpectationMatchesHardieSpreadsheet() {
    // Hardie's BG/NBD spreadsheet as used in lifetimes' test_expectation_returns_same_value_
    // Hardie_excel_sheet, evaluated there (and here) at the fitted parameters, to 3 decimals.
    BgNbdModel model = BgNbdModel.fromFit(CdnowFixtures.bgNbdFit());
    double[] t = {0.1429, 1, 3, 31.8571, 32, 78};
    double[] expected = {0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576};
    for (int i = 0; i < t.length; i++) {
      assertEquals(expected[i], model.expectedPurchasesNewCustomer(t[i]), 5e-4, "t=" + t[i]);
    }
  }

  @Test
  void conditionalExpectationMatchesHardieSpreadsheet() {
    // lifetimes' test_conditional_expectation_returns_same_value_as_Hardie_excel_sheet (fitted).
    BgNbdModel model = BgNbdModel.fromFit(CdnowFixtures.bgNbdFit());
    assertEquals(1.226, model.conditionalExpectedPurchases(39, 2, 30.43, 38.86), 5e-4);
  }

  @Test
  void walkthroughNumbersAtPublishedParameters() {
    // BTYD walkthrough (R package BTYD vignette), computed with its own fit of these parameters;
    // the published 4-5 significant digits limit the agreement to ~1e-5 relative.
    assertRelative(1.444004, PUBLISHED.expectedPurchasesNewCustomer(52), 1e-5);
    assertRelative(25.75659, PUBLISHED.conditionalExpectedPurchases(52, 26, 30.85714, 31), 2e-5);
    assertRelative(0.9688523, PUBLISHED.probabilityAlive(26, 30.85714, 31), 2e-6);
  }

  @Test
  void probabilityOfPurchasesMatchesRBtyd() {
    // R BTYD values as asserted in lifetimes' test_probability_of_n_purchases_up_to_time_same_
    // as_R_BTYD with r=0.243, alpha=4.414, a=0.793, b=2.426.
    assertRelative(0.5737864, BTYD_TEST.probabilityOfPurchases(39, 0), 1e-6);
    assertRelative(1.07869e-07, BTYD_TEST.probabilityOfPurchases(2, 10), 1e-5);
    double[] pmf = {0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
        0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260};
    for (int n = 11; n <= 20; n++) {
      assertRelative(pmf[n - 11], BTYD_TEST.probabilityOfPurchases(30, n), 1e-6);
    }
  }

  @Test
  void probabilitiesOfPurchasesSumToOne() {
    double total = 0;
    for (int n = 0; n <= 400; n++) {
      total += PUBLISHED.probabilityOfPurchases(39, n);
    }
    assertEquals(1.0, total, 1e-6);
  }

  @Test
  void stableExpectationAgreesWithTextbookFormula() {
    // FHL (2005) eq. 10 evaluated directly with the hypergeometric series, for moderate x where
    // the direct series is still well conditioned.
    BgNbdModel m = PUBLISHED;
    double[][] rows = {{0, 0, 38.86}, {2, 30.43, 38.86}, {7, 20, 35}, {26, 30.85714, 31}};
    for (double[] row : rows) {
      double x = row[0];
      double tx = row[1];
      double age = row[2];
      double t = 52;
      double z = t / (m.alpha() + age + t);
      double hyp = Math.exp(Hypergeometric.log2F1(m.r() + x, m.b() + x, m.a() + m.b() + x - 1, z));
      double numerator = (m.a() + m.b() + x - 1) / (m.a() - 1)
          * (1 - hyp * Math.pow((m.alpha() + age) / (m.alpha() + age + t), m.r() + x));
      double denominator = 1 + (x > 0 ? m.a() / (m.b() + x - 1)
          * Math.pow((m.alpha() + age) / (m.alpha() + tx), m.r() + x) : 0);
      assertRelative(numerator / denominator, m.conditionalExpectedPurchases(t, x, tx, age), 1e-12);
    }
  }

  @Test
  void aliveCustomersWithoutRepeatPurchase() {
    // Under the BG/NBD a customer without repeat purchases has not had a chance to drop out.
    assertEquals(1.0, PUBLISHED.probabilityAlive(0, 0, 38.86));
    assertEquals(0.0, PUBLISHED.conditionalExpectedPurchases(0, 3, 10, 20));
  }

  static void assertRelative(double expected, double actual, double tolerance) {
    assertEquals(expected, actual, Math.abs(expected) * tolerance,
        () -> String.format("expected %s, got %s (relative error %.3g)", expected, actual,
            Math.abs(actual - expected) / Math.abs(expected)));
  }
}
