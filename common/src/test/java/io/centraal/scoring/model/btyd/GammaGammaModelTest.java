package io.centraal.scoring.model.btyd;

import static io.centraal.scoring.model.btyd.BgNbdModelTest.assertRelative;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Gamma-Gamma against Fader &amp; Hardie note 025 and Hardie's spreadsheet on CDNOW. */
class GammaGammaModelTest {

  @Test
  void fitReproducesNote025() {
    // Note 025 / iso-value paper: p = 6.25, q = 3.74, gamma = 15.44 on the 946 repeat buyers.
    FitResult fit = CdnowFixtures.gammaGammaFit();
    assertEquals(946, fit.customers());
    assertEquals(6.25, fit.param("p"), 0.005);
    assertEquals(3.74, fit.param("q"), 0.005);
    assertEquals(15.44, fit.param("gamma"), 0.01);
  }

  @Test
  void expectedAverageSpendMatchesHardieSpreadsheet() {
    // Hardie's spreadsheet, customers 1..10 (2 decimals), at the fitted parameters.
    GammaGammaModel model = GammaGammaModel.fromFit(CdnowFixtures.gammaGammaFit());
    double[] expected = {24.66, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17};
    List<CdnowFixtures.Customer> customers = CdnowFixtures.withSpend();
    for (int i = 0; i < expected.length; i++) {
      CdnowFixtures.Customer c = customers.get(i);
      assertEquals(expected[i], model.conditionalExpectedAverageSpend(c.x(), c.zbar()), 0.005,
          "customer " + c.id());
    }
  }

  @Test
  void noRepeatPurchaseMeansPopulationMean() {
    GammaGammaModel model = new GammaGammaModel(6.25, 3.74, 15.44);
    assertRelative(6.25 * 15.44 / 2.74, model.conditionalExpectedAverageSpend(0, 123.0), 1e-15);
    assertRelative(model.populationMeanSpend(), model.conditionalExpectedAverageSpend(0, 0), 1e-15);
  }

  @Test
  void heavyTailedSpendIsNotIdentified() {
    // Spend whose mean is dominated by a few huge values drives q to <= 1 (infinite mean spend).
    double[] x = new double[60];
    double[] mx = new double[60];
    for (int i = 0; i < x.length; i++) {
      x[i] = 1 + i % 3;
      mx[i] = Math.pow(10, i % 7);
    }
    assertThrows(ModelIdentificationException.class,
        () -> GammaGammaModel.fit(SpendSummary.ofCustomers(x, mx), CdnowFixtures.currency()));
  }

  @Test
  void summedLikelihoodAndGradientAgreeWithRowsAndDifferences() {
    SplittableRandom rng = new SplittableRandom(5);
    int n = 2000;
    double[] x = new double[n];
    double[] mx = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 1 + rng.nextInt(rng.nextInt(10) == 0 ? 200 : 6);
      mx[i] = Math.round(5 + 80 * rng.nextDouble() * rng.nextDouble()) / (rng.nextBoolean() ? 1.0 : 4.0);
    }
    SpendSummary s = SpendSummary.ofCustomers(x, mx);
    double[] params = {6.25, 3.74, 15.44};
    GammaGammaModel model = new GammaGammaModel(params[0], params[1], params[2]);
    double rows = 0;
    for (int i = 0; i < s.distinctRows(); i++) {
      rows += s.weight(i) * model.logLikelihood(s.x(i), s.mx(i));
    }
    double[] grad = new double[3];
    assertRelative(rows, GammaGammaModel.totalLogLikelihood(params, s, grad), 1e-12);
    BetaGeometricFamilyTest.assertMatchesCentralDifferences(
        p -> GammaGammaModel.totalLogLikelihood(p, s, null), params, grad, "Gamma-Gamma");
  }
}
