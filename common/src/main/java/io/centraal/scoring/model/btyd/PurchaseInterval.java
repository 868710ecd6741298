package io.centraal.scoring.model.btyd;

/**
 * A predictive interval for a customer's number of future purchases, from the model's distribution
 * of that number ({@link TransactionModel#conditionalProbabilityOfPurchases}): {@code lower} is the
 * smallest n whose cumulative probability reaches the lower quantile, {@code upper} the same for the
 * upper quantile. Counts are whole numbers, so the interval holds at least the nominal share and
 * usually more (a customer with P(0 purchases) = 0.93 gets [0, 0] at P10/P90, which holds 93%);
 * {@code probability} is what the model says the interval holds, the figure a backtest compares
 * the actual share with.
 *
 * @param lower smallest count inside
 * @param upper largest count inside
 * @param probability P(lower &lt;= X &lt;= upper) under the model
 */
public record PurchaseInterval(int lower, int upper, double probability) {
  /** Counts past this are not summed: the cumulative probability is 1 to double precision long before. */
  private static final int MAX_COUNT = 100_000;

  /**
   * The interval for {@code x, tx, T} over the next {@code t} time units.
   *
   * @param lowerQuantile e.g. 0.1
   * @param upperQuantile e.g. 0.9, greater than lowerQuantile
   * @throws UnsupportedOperationException when the model has no closed-form distribution
   */
  public static PurchaseInterval of(TransactionModel model, double t, double x, double tx, double age,
                                    double lowerQuantile, double upperQuantile) {
    double cumulative = 0;
    double belowLower = 0;
    int lower = -1;
    for (int n = 0; n < MAX_COUNT; n++) {
      double before = cumulative;
      cumulative += model.conditionalProbabilityOfPurchases(t, n, x, tx, age);
      if (lower < 0 && cumulative >= lowerQuantile) {
        lower = n;
        belowLower = before;
      }
      if (cumulative >= upperQuantile) {
        return new PurchaseInterval(lower, n, Math.min(1, cumulative) - belowLower);
      }
    }
    throw new IllegalStateException(model.name() + ": the distribution of purchases for x=" + x + ", tx=" + tx
        + ", T=" + age + " does not reach " + upperQuantile + " within " + MAX_COUNT + " purchases");
  }
}
