package io.centraal.scoring.model.btyd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The value of a customer acquired today, on the CDNOW fits (weeks, 52-week horizon, monthly discounting). */
class NewCustomerValueTest {
  private static final ClvSettings YEAR = new ClvSettings("12m", 12 * 4.348125, 4.348125, 0.01,
      ClvSettings.Discounting.DISCRETE, false);

  @Test
  void repeatPurchasesOfANewCustomerDiscountedAtTheMeanSpend() {
    FitResult bg = CdnowFixtures.bgNbdFit();
    FitResult gg = CdnowFixtures.gammaGammaFit();
    BgNbdModel model = BgNbdModel.fromFit(bg);
    GammaGammaModel spend = GammaGammaModel.fromFit(gg);
    IntervalSettings intervals = new IntervalSettings(200, 0.1, 0.9, 5);
    NewCustomerValue value = NewCustomerValue.of(model, spend, YEAR,
        ParameterUncertainty.transactionModels(bg, 200, 5), ParameterUncertainty.spendModels(gg, 200, 6), intervals);

    assertEquals(model.expectedPurchasesNewCustomer(YEAR.horizon()), value.expectedRepeatPurchases(), 1e-12);
    assertEquals(spend.populationMeanSpend(), value.firstPurchaseSpend(), 1e-12);
    // Month by month: the increments of E[X(t)] discounted at 1% a month.
    double discounted = 0;
    for (int month = 1; month <= 12; month++) {
      double increment = model.expectedPurchasesNewCustomer(month * 4.348125)
          - model.expectedPurchasesNewCustomer((month - 1) * 4.348125);
      discounted += increment / Math.pow(1.01, month);
    }
    assertEquals(discounted * spend.populationMeanSpend(), value.repeatValue(), 1e-9);
    for (String q : List.of("expected_repeat_purchases", "repeat_value")) {
      double[] b = value.bounds().get(q);
      double point = q.startsWith("expected") ? value.expectedRepeatPurchases() : value.repeatValue();
      assertTrue(b[0] < point && point < b[1], q + " " + b[0] + " < " + point + " < " + b[1]);
    }
    NewCustomerValue noDraws = NewCustomerValue.of(model, spend, YEAR, List.of(), List.of(), intervals);
    assertTrue(noDraws.bounds().isEmpty());
  }
}
