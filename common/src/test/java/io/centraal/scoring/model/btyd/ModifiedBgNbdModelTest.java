package io.centraal.scoring.model.btyd;

import static io.centraal.scoring.model.btyd.BgNbdModelTest.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** MBG/NBD (Batislam et al. 2007) against BTYDplus on the CDNOW sample. */
class ModifiedBgNbdModelTest {

  @Test
  void fitReproducesBtydPlus() {
    // BTYDplus mbgnbd.EstimateParameters on cdnow, as asserted in lifetimes'
    // test_params_out_is_close_to_BTYDplus: 0.525, 6.183, 0.891, 1.614 (3 decimals).
    FitResult fit = ModifiedBgNbdModel.fit(
        CdnowFixtures.transactionSummary(CdnowFixtures.summary()), CdnowFixtures.weeks());
    assertEquals(0.525, fit.param("r"), 5e-4);
    assertEquals(6.183, fit.param("alpha"), 5e-4);
    assertEquals(0.891, fit.param("a"), 5e-4);
    assertEquals(1.614, fit.param("b"), 5e-4);
  }

  @Test
  void newCustomerExpectationMatchesBatislamFormula() {
    // Batislam et al. (2007): E[X(t)] = b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; z)].
    ModifiedBgNbdModel m = new ModifiedBgNbdModel(0.525, 6.183, 0.891, 1.614);
    for (double t : new double[] {1, 39, 52, 78}) {
      double z = t / (m.alpha() + t);
      double hyp = Math.exp(Hypergeometric.log2F1(m.r(), m.b() + 1, m.a() + m.b(), z));
      double expected = m.b() / (m.a() - 1)
          * (1 - hyp * Math.pow(m.alpha() / (m.alpha() + t), m.r()));
      assertRelative(expected, m.expectedPurchasesNewCustomer(t), 1e-12);
    }
  }

  @Test
  void oneTimeBuyersCanHaveDroppedOut() {
    // The point of the MBG/NBD: x = 0 no longer means certainly alive.
    ModifiedBgNbdModel m = new ModifiedBgNbdModel(0.525, 6.183, 0.891, 1.614);
    double pAlive = m.probabilityAlive(0, 0, 38.86);
    assertTrue(pAlive > 0 && pAlive < 1, "P(alive) = " + pAlive);
    assertRelative(m.b() / (m.a() + m.b()), m.probabilityAlive(0, 0, 0), 1e-15);
  }
}
