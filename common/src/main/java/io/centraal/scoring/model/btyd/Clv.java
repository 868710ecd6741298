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
    return discounted(model, x, tx, age, settings)[0];
  }

  /**
   * {@link #expectedPurchases} and {@link #discountedPurchases} together, equal to calling both:
   * the discounting sum already evaluates the cumulative expectation at its last step, which is
   * the horizon itself whenever the periods multiply back to it exactly (e.g. 12 x 30.4375 days),
   * so the scorer saves one model evaluation in 13.
   *
   * @return {expected purchases, discounted purchases}
   */
  public static double[] expectedAndDiscountedPurchases(TransactionModel model, double x, double tx,
      double age, ClvSettings settings) {
    double[] d = discounted(model, x, tx, age, settings);
    double expected = d[2] == settings.horizon() ? d[1] : expectedPurchases(model, x, tx, age, settings);
    return new double[] {expected, d[0]};
  }

  /**
   * The part of the CLV computation that depends on x and T only: expected purchases if alive
   * ({@link TransactionModel#expectedPurchasesIfAlive}) at the end of every discounting step, then
   * at the horizon. With {@link #fromSchedule}, equal to {@link #expectedAndDiscountedPurchases}
   * to the last bit. This is nearly all the scoring work, and day-level data have far fewer
   * distinct (x, T) than (x, t_x, T) (1M simulated customers: 19k against 457k).
   */
  public static double[] ifAliveSchedule(TransactionModel model, double x, double age, ClvSettings settings) {
    int steps = steps(settings);
    double step = stepLength(settings);
    double[] schedule = new double[steps + 1];
    for (int j = 1; j <= steps; j++) {
      schedule[j - 1] = model.expectedPurchasesIfAlive(j * step, x, age);
    }
    schedule[steps] = steps * step == settings.horizon() ? schedule[steps - 1]
        : model.expectedPurchasesIfAlive(settings.horizon(), x, age);
    return schedule;
  }

  /** {expected purchases, discounted purchases} of a customer with this P(alive) and schedule. */
  public static double[] fromSchedule(double probabilityAlive, double[] schedule, ClvSettings settings) {
    return fromSchedule(probabilityAlive, schedule, StepDiscounts.of(settings, schedule.length - 1));
  }

  /** As {@link #fromSchedule(double, double[], ClvSettings)}, with the step discounts computed once. */
  public static double[] fromSchedule(double probabilityAlive, double[] schedule, StepDiscounts discounts) {
    int steps = schedule.length - 1;
    double value = 0;
    double previous = 0;
    for (int i = 1; i <= steps; i++) {
      double cumulative = probabilityAlive * schedule[i - 1];
      value += discounts.present(cumulative - previous, i);
      previous = cumulative;
    }
    return new double[] {probabilityAlive * schedule[steps], value};
  }

  /** Steps of the discounting sum: one per period (discrete), or 30 per period (continuous). */
  private static int steps(ClvSettings settings) {
    return settings.discounting() == ClvSettings.Discounting.DISCRETE ? settings.periods()
        : settings.periods() * CONTINUOUS_STEPS_PER_PERIOD;
  }

  /** The length of one step of the discounting sum, in model time units. */
  private static double stepLength(ClvSettings settings) {
    return settings.discounting() == ClvSettings.Discounting.DISCRETE ? settings.periodLength()
        : settings.periodLength() / CONTINUOUS_STEPS_PER_PERIOD;
  }

  /**
   * How each step of a schedule is discounted: discrete, dividing the purchases of period i by
   * (1+d)^i; continuous, multiplying those of step j by exp(-ln(1+d) (j - 1/2) / steps-per-period).
   * The factors depend on the settings only, so a scorer computes them once rather than per
   * customer (12 powers a customer at the default monthly discrete discounting); divisors rather
   * than their inverses keep the values equal to the last bit to computing them per customer.
   */
  public static final class StepDiscounts implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final boolean discreteDivisors;
    private final double[] factors;

    private StepDiscounts(boolean discreteDivisors, double[] factors) {
      this.discreteDivisors = discreteDivisors;
      this.factors = factors;
    }

    /** The discounts of a schedule of {@code steps} steps (see {@link #ifAliveSchedule}). */
    public static StepDiscounts of(ClvSettings settings, int steps) {
      double growth = 1 + settings.discountRatePerPeriod();
      double[] factors = new double[steps];
      boolean discrete = settings.discounting() == ClvSettings.Discounting.DISCRETE;
      double force = Math.log(growth); // per period
      for (int i = 1; i <= steps; i++) {
        factors[i - 1] = discrete ? Math.pow(growth, i)
            : Math.exp(-force * ((i - 0.5) / CONTINUOUS_STEPS_PER_PERIOD));
      }
      return new StepDiscounts(discrete, factors);
    }

    /** The discounts for the schedules {@link #ifAliveSchedule} builds under {@code settings}. */
    public static StepDiscounts of(ClvSettings settings) {
      return of(settings, steps(settings));
    }

    /** The present value of {@code amount} expected in step {@code step} (1-based). */
    double present(double amount, int step) {
      return discreteDivisors ? amount / factors[step - 1] : amount * factors[step - 1];
    }
  }

  /** {discounted purchases, last cumulative expectation, time of that last evaluation}. */
  private static double[] discounted(TransactionModel model, double x, double tx, double age,
      ClvSettings settings) {
    return discounted(t -> model.conditionalExpectedPurchases(t, x, tx, age), settings);
  }

  /**
   * {E[X(horizon)], discounted E[X]} of a customer acquired today (repeat purchases of a new
   * customer, {@link TransactionModel#expectedPurchasesNewCustomer}), on the same discounting steps.
   */
  public static double[] newCustomerPurchases(TransactionModel model, ClvSettings settings) {
    return new double[] {model.expectedPurchasesNewCustomer(settings.horizon()),
        discounted(model::expectedPurchasesNewCustomer, settings)[0]};
  }

  /** As above, for any cumulative expectation t -> E[X(0, t]]. */
  private static double[] discounted(java.util.function.DoubleUnaryOperator expectedBy, ClvSettings settings) {
    StepDiscounts discounts = StepDiscounts.of(settings);
    int steps = steps(settings);
    double step = stepLength(settings);
    double value = 0;
    double previous = 0;
    double last = 0;
    for (int j = 1; j <= steps; j++) {
      last = j * step;
      double cumulative = expectedBy.applyAsDouble(last);
      value += discounts.present(cumulative - previous, j);
      previous = cumulative;
    }
    return new double[] {value, previous, last};
  }
}
