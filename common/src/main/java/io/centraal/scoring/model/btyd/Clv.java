package io.centraal.scoring.model.btyd;

/**
 * Customer lifetime value over a stated horizon: expected purchases from a transaction model times
 * expected spend per purchase (usually {@link GammaGammaModel#conditionalExpectedAverageSpend}),
 * discounted per {@link ClvSettings}. Following Fader, Hardie &amp; Lee (2005b), spend is assumed
 * independent of the purchase process, so expected value = expected purchases x expected spend.
 */
public final class Clv {
  private Clv() {}

  /** Steps per period of the {@link ClvSettings.Discounting#CONTINUOUS} convention. */
  public static final int CONTINUOUS_STEPS_PER_PERIOD = 30;

  /** Undiscounted expected repeat purchases over the horizon, E[X(T, T+H] | x, tx, T]. */
  public static double expectedPurchases(TransactionModel model, double x, double tx, double age,
      ClvSettings settings) {
    return model.conditionalExpectedPurchases(settings.horizon(), x, tx, age);
  }

  /**
   * Discounted value of the customer's purchases over the horizon.
   *
   * @param spendPerPurchase expected spend per purchase, finite and &gt;= 0 (currency)
   * @return the CLV in the currency of {@code spendPerPurchase}, finite and &gt;= 0
   */
  public static double clv(TransactionModel model, double x, double tx, double age,
      double spendPerPurchase, ClvSettings settings) {
    if (!(spendPerPurchase >= 0) || Double.isInfinite(spendPerPurchase)) {
      throw new IllegalArgumentException(
          "spend per purchase must be finite and >= 0, got " + spendPerPurchase);
    }
    return spendPerPurchase * discountedPurchases(model, x, tx, age, settings);
  }

  /**
   * Discounted expected purchases over the horizon: the CLV of a unit spend per purchase. Depends on
   * (x, tx, T) only, so scorers can share it between customers with the same summary.
   */
  public static double discountedPurchases(TransactionModel model, double x, double tx, double age,
      ClvSettings settings) {
    int periods = settings.periods();
    double length = settings.periodLength();
    double growth = 1 + settings.discountRatePerPeriod();
    double value = 0;
    double previous = 0;
    if (settings.discounting() == ClvSettings.Discounting.DISCRETE) {
      for (int i = 1; i <= periods; i++) {
        double cumulative = model.conditionalExpectedPurchases(i * length, x, tx, age);
        value += (cumulative - previous) / Math.pow(growth, i);
        previous = cumulative;
      }
    } else {
      double force = Math.log(growth); // per period
      int steps = periods * CONTINUOUS_STEPS_PER_PERIOD;
      double step = length / CONTINUOUS_STEPS_PER_PERIOD;
      for (int j = 1; j <= steps; j++) {
        double cumulative = model.conditionalExpectedPurchases(j * step, x, tx, age);
        double midpointInPeriods = (j - 0.5) / CONTINUOUS_STEPS_PER_PERIOD;
        value += (cumulative - previous) * Math.exp(-force * midpointInPeriods);
        previous = cumulative;
      }
    }
    return value;
  }
}
