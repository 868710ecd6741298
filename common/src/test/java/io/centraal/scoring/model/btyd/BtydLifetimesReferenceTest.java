package io.centraal.scoring.model.btyd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Every CDNOW customer against lifetimes 0.11.3 (lifetimes_reference_predictions.csv): BG/NBD
 * P(alive) and expected purchases, Gamma-Gamma expected spend, and CLV the two ways the README
 * describes, all with our fitted parameters.
 */
class BtydLifetimesReferenceTest {
  private static final double TOLERANCE = 1e-4;

  @Test
  void perCustomerPredictionsMatchLifetimes() {
    BgNbdModel bg = BgNbdModel.fromFit(CdnowFixtures.bgNbdFit());
    GammaGammaModel gg = GammaGammaModel.fromFit(CdnowFixtures.gammaGammaFit());
    Worst worst = new Worst();
    for (CdnowFixtures.Reference ref : CdnowFixtures.lifetimesReference()) {
      CdnowFixtures.Customer c = ref.customer();
      worst.check("p_alive", c, ref.pAlive(), bg.probabilityAlive(c.x(), c.tx(), c.t()));
      worst.check("exp_purchases_39w", c, ref.purchases39(),
          bg.conditionalExpectedPurchases(39, c.x(), c.tx(), c.t()));
      worst.check("exp_purchases_52w", c, ref.purchases52(),
          bg.conditionalExpectedPurchases(52, c.x(), c.tx(), c.t()));
      worst.check("exp_avg_value", c, ref.avgValue(),
          gg.conditionalExpectedAverageSpend(c.x(), c.zbar()));
    }
    worst.assertWithin(TOLERANCE);
  }

  @Test
  void clvMatchesLifetimesBothWays() {
    BgNbdModel bg = BgNbdModel.fromFit(CdnowFixtures.bgNbdFit());
    GammaGammaModel gg = GammaGammaModel.fromFit(CdnowFixtures.gammaGammaFit());
    // README "trap": lifetimes' documented call (time=12, discount_rate=0.01, default freq "D")
    // on weekly data makes each of the 12 "months" 30 weeks long; freq "W" makes it 4.345 weeks.
    ClvSettings docsFreqD = new ClvSettings("docs", 12 * 30.0, 30.0, 0.01,
        ClvSettings.Discounting.DISCRETE, false);
    ClvSettings twelveMonths = new ClvSettings("12m", 12 * 4.345, 4.345, 0.01,
        ClvSettings.Discounting.DISCRETE, false);
    Worst worst = new Worst();
    for (CdnowFixtures.Reference ref : CdnowFixtures.lifetimesReference()) {
      CdnowFixtures.Customer c = ref.customer();
      double spend = gg.conditionalExpectedAverageSpend(c.x(), c.zbar());
      worst.check("clv_docs_freqD", c, ref.clvDocsFreqD(),
          Clv.clv(bg, c.x(), c.tx(), c.t(), spend, docsFreqD));
      worst.check("clv_12m_freqW", c, ref.clv12mFreqW(),
          Clv.clv(bg, c.x(), c.tx(), c.t(), spend, twelveMonths));
    }
    worst.assertWithin(TOLERANCE);
  }

  /** Tracks the largest relative error and where it happened, for a useful failure message. */
  static final class Worst {
    private double error;
    private String where = "nothing checked";
    private int checked;

    void check(String column, CdnowFixtures.Customer c, double expected, double actual) {
      checked++;
      double e = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-12);
      if (!(e <= error)) {
        error = e;
        where = String.format("%s of customer %d (x=%s, t_x=%s, T=%s): lifetimes %s, ours %s",
            column, c.id(), c.x(), c.tx(), c.t(), expected, actual);
      }
    }

    void assertWithin(double tolerance) {
      assertTrue(checked > 0 && error <= tolerance, String.format(
          "largest relative error %.3g over %d values, at %s", error, checked, where));
    }
  }
}
