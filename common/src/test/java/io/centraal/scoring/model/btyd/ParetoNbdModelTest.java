package io.centraal.scoring.model.btyd;

import static io.centraal.scoring.model.btyd.BgNbdModelTest.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pareto/NBD against the BTYD walkthrough (R package BTYD vignette) on the CDNOW sample. */
class ParetoNbdModelTest {
  private static FitResult fit;

  @BeforeAll
  static void fitOnce() {
    fit = ParetoNbdModel.fit(CdnowFixtures.transactionSummary(CdnowFixtures.summary()),
        CdnowFixtures.weeks());
  }

  @Test
  void fitReproducesWalkthrough() {
    // Published to 3 decimals: r 0.553, alpha 10.578, s 0.606, beta 11.669; LL -9594.976 (BTYD
    // fits unrounded times; this file has times rounded to 2 decimals, hence 0.01 on the LL).
    assertEquals(0.553, fit.param("r"), 5e-4);
    assertEquals(10.578, fit.param("alpha"), 5e-3);
    assertEquals(0.606, fit.param("s"), 5e-4);
    assertEquals(11.669, fit.param("beta"), 5e-3);
    assertEquals(-9594.976, fit.logLikelihood(), 0.01);
  }

  @Test
  void predictionsMatchWalkthrough() {
    // BTYD walkthrough: pnbd.Expectation(params, t = 52) and, for the customer with x = 26,
    // t.x = 30.85714, T.cal = 31: pnbd.ConditionalExpectedTransactions 25.45647, pnbd.PAlive
    // 0.997874. Evaluated at our fitted parameters (the published ones have only 3 decimals).
    ParetoNbdModel model = ParetoNbdModel.fromFit(fit);
    assertRelative(1.473434, model.expectedPurchasesNewCustomer(52), 1e-4);
    assertRelative(25.45647, model.conditionalExpectedPurchases(52, 26, 30.85714, 31), 1e-4);
    assertRelative(0.997874, model.probabilityAlive(26, 30.85714, 31), 1e-5);
  }

  @Test
  void bothHypergeometricRepresentationsAgreeWhereAlphaEqualsBeta() {
    // At alpha = beta the two branches meet; the likelihood must be continuous across them.
    ParetoNbdModel below = new ParetoNbdModel(0.55, 10.0 - 1e-9, 0.6, 10.0);
    ParetoNbdModel above = new ParetoNbdModel(0.55, 10.0 + 1e-9, 0.6, 10.0);
    assertEquals(below.logLikelihood(4, 20, 38), above.logLikelihood(4, 20, 38), 1e-8);
    assertEquals(below.probabilityAlive(4, 20, 38), above.probabilityAlive(4, 20, 38), 1e-9);
  }

  @Test
  void expectationIsContinuousAtShapeOne() {
    ParetoNbdModel atOne = new ParetoNbdModel(0.5, 10, 1.0, 12);
    ParetoNbdModel nearOne = new ParetoNbdModel(0.5, 10, 1.0 + 1e-9, 12);
    assertEquals(atOne.expectedPurchasesNewCustomer(52), nearOne.expectedPurchasesNewCustomer(52),
        1e-8);
    // s = 1: E[X(t)] = r beta / alpha * ln(1 + t / beta)
    assertRelative(0.5 * 12 / 10 * Math.log1p(52 / 12.0), atOne.expectedPurchasesNewCustomer(52),
        1e-14);
  }
}
