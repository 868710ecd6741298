package io.centraal.scoring.model.btyd;

import static io.centraal.scoring.model.btyd.BgNbdModelTest.assertRelative;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** CLV conventions, settings validation and the FitResult record. */
class BtydClvTest {
  private static final BgNbdModel BG = new BgNbdModel(0.2426, 4.4137, 0.7930, 2.4262);
  private static final double MONTH_IN_WEEKS = 4.348125; // 365.25 / 12 / 7

  private static ClvSettings twelveMonths(double discount, ClvSettings.Discounting how) {
    return new ClvSettings("12m", 12 * MONTH_IN_WEEKS, MONTH_IN_WEEKS, discount, how, false);
  }

  /** The (x, T) schedule route the distinct-row scorer takes gives the direct values exactly. */
  @Test
  void scheduleRouteEqualsTheDirectComputation() {
    List<TransactionModel> models = List.of(new BgNbdModel(0.243, 4.414, 0.793, 2.426),
        new ModifiedBgNbdModel(0.525, 6.183, 0.891, 1.614), new ParetoNbdModel(0.553, 10.58, 0.606, 11.67));
    List<ClvSettings> settings = List.of(
        new ClvSettings("12m", 12 * 4.348125, 4.348125, 0.01, ClvSettings.Discounting.DISCRETE, false),
        new ClvSettings("7p", 0.7, 0.1, 0.01, ClvSettings.Discounting.DISCRETE, false), // 7 * 0.1 != 0.7
        new ClvSettings("12m", 12 * 4.348125, 4.348125, 0.01, ClvSettings.Discounting.CONTINUOUS, false));
    double[][] rows = {{0, 0, 38.86}, {2, 30.43, 38.86}, {14, 20.1, 32.0}, {300, 39.0, 39.5}};
    for (TransactionModel model : models) {
      for (double[] r : rows) {
        double pAlive = model.probabilityAlive(r[0], r[1], r[2]);
        assertEquals(model.conditionalExpectedPurchases(7.5, r[0], r[1], r[2]),
            pAlive * model.expectedPurchasesIfAlive(7.5, r[0], r[2]), 0, model.name());
        for (ClvSettings s : settings) {
          double[] schedule = Clv.ifAliveSchedule(model, r[0], r[2], s);
          double[] viaSchedule = Clv.fromSchedule(pAlive, schedule, s);
          // the scorer's path: step discounts computed once for the settings
          assertArrayEquals(viaSchedule, Clv.fromSchedule(pAlive, schedule, Clv.StepDiscounts.of(s)), 0);
          assertEquals(Clv.expectedPurchases(model, r[0], r[1], r[2], s), viaSchedule[0], 0, model.name());
          assertEquals(Clv.discountedPurchases(model, r[0], r[1], r[2], s), viaSchedule[1], 0, model.name());
          double[] together = Clv.expectedAndDiscountedPurchases(model, r[0], r[1], r[2], s);
          assertEquals(viaSchedule[0], together[0], 0);
          assertEquals(viaSchedule[1], together[1], 0);
        }
      }
    }
  }

  @Test
  void withoutDiscountingClvIsSpendTimesExpectedPurchases() {
    for (ClvSettings.Discounting how : ClvSettings.Discounting.values()) {
      ClvSettings s = twelveMonths(0, how);
      double expected = 20 * Clv.expectedPurchases(BG, 2, 30.43, 38.86, s);
      assertRelative(expected, Clv.clv(BG, 2, 30.43, 38.86, 20, s), 1e-12);
    }
  }

  @Test
  void discreteConventionDiscountsEachPeriodAtItsEnd() {
    ClvSettings s = twelveMonths(0.01, ClvSettings.Discounting.DISCRETE);
    double manual = 0;
    for (int i = 1; i <= 12; i++) {
      double increment = BG.conditionalExpectedPurchases(i * MONTH_IN_WEEKS, 2, 30.43, 38.86)
          - BG.conditionalExpectedPurchases((i - 1) * MONTH_IN_WEEKS, 2, 30.43, 38.86);
      manual += 20 * increment / Math.pow(1.01, i);
    }
    assertRelative(manual, Clv.clv(BG, 2, 30.43, 38.86, 20, s), 1e-12);
  }

  @Test
  void continuousConventionDiscountsLessThanPeriodEnds() {
    // Purchases valued when they happen are discounted for half a period less on average, so the
    // continuous CLV lies between the undiscounted value and the discrete one, about
    // (1+d)^(1/2) above the discrete one for nearly uniform purchasing.
    double discrete = Clv.clv(BG, 2, 30.43, 38.86, 20, twelveMonths(0.01, ClvSettings.Discounting.DISCRETE));
    double continuous = Clv.clv(BG, 2, 30.43, 38.86, 20,
        twelveMonths(0.01, ClvSettings.Discounting.CONTINUOUS));
    double undiscounted = Clv.clv(BG, 2, 30.43, 38.86, 20,
        twelveMonths(0, ClvSettings.Discounting.DISCRETE));
    assertTrue(discrete < continuous && continuous < undiscounted,
        discrete + " < " + continuous + " < " + undiscounted);
    assertRelative(Math.sqrt(1.01), continuous / discrete, 1e-3);
  }

  @Test
  void settingsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new ClvSettings("12 months", 365.25, 30.4375,
        0.01, ClvSettings.Discounting.DISCRETE, false));
    assertThrows(IllegalArgumentException.class, () -> new ClvSettings("12m", 365, 30.4375, 0.01,
        ClvSettings.Discounting.DISCRETE, false));
    assertThrows(IllegalArgumentException.class, () -> new ClvSettings("12m", 365.25, 30.4375,
        -0.01, ClvSettings.Discounting.DISCRETE, false));
    assertThrows(IllegalArgumentException.class, () -> new ClvSettings("12m", 365.25, 30.4375,
        0.01, null, false));
    assertEquals(12, new ClvSettings("12m", 365.25, 30.4375, 0.01,
        ClvSettings.Discounting.DISCRETE, false).periods());
  }

  @Test
  void fitResultRoundTripsThroughJson() {
    FitResult fit = new FitResult(BgNbdModel.NAME, List.of("r", "alpha", "a", "b"),
        new double[] {0.2426, 4.4137, 0.793, 2.4262}, new double[] {0.0126, 0.378, 0.186, Double.NaN},
        -9582.43, 25, true, 2357, 1016, "weeks", 0.0);
    String json = fit.toJson();
    assertTrue(json.contains("\"b\":null"), json);
    assertTrue(json.contains("\"time_unit\":\"weeks\""), json);
    assertEquals(fit, FitResult.fromJson(json));
    assertEquals(4.4137, FitResult.fromJson(json).param("alpha"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fit.param("s"));
    assertTrue(e.getMessage().contains("[r, alpha, a, b]"), e.getMessage());
    assertEquals(BG, TransactionModel.fromFit(fit));
    assertThrows(IllegalArgumentException.class, () -> GammaGammaModel.fromFit(fit));
  }
}
