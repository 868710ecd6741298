package io.centraal.scoring.model.btyd;

import java.io.Serializable;
import java.util.regex.Pattern;

/**
 * How a customer lifetime value is stated: over which horizon, split into which periods, with which
 * discount rate and convention. A CLV without these is not comparable to another one (lifetimes'
 * documented example silently uses 30 <em>weeks</em> per "month" on weekly data). No defaults in
 * Java: they live in config.
 *
 * @param horizonLabel suffix of the output columns, e.g. "12m" gives {@code clv_12m}; lower-case
 *     letters, digits and underscores
 * @param horizon horizon H in model time units (the unit recency and T are in), e.g. 365.25 days
 * @param periodLength length L of one discounting period in model time units, e.g. 30.4375 days
 *     (a month) or 4.348125 weeks; H must be a whole number of periods
 * @param discountRatePerPeriod discount rate d per period, e.g. 0.01 for 1% a month; &gt;= 0
 * @param discounting {@link Discounting#DISCRETE} or {@link Discounting#CONTINUOUS}
 * @param onMargin if true, CLV is multiplied by the customer's margin rate (see
 *     {@code ClvScoring}); if false, CLV is on revenue
 */
public record ClvSettings(String horizonLabel, double horizon, double periodLength,
    double discountRatePerPeriod, Discounting discounting, boolean onMargin)
    implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Pattern LABEL = Pattern.compile("[a-z0-9_]+");

  /** How cash flows within the horizon are discounted. */
  public enum Discounting {
    /**
     * Lifetimes' {@code customer_lifetime_value}: the purchases expected in period i are valued at
     * the end of the period, sum_(i=1..n) spend * (E[X(iL)] - E[X((i-1)L)]) / (1+d)^i.
     */
    DISCRETE,
    /**
     * Continuous discounting at force delta = ln(1+d) per period, so one period still discounts by
     * 1/(1+d); increments of expected purchases over steps of L/30 are discounted at each step's
     * midpoint. Values purchases when they happen rather than at period ends.
     */
    CONTINUOUS
  }

  public ClvSettings {
    if (horizonLabel == null || !LABEL.matcher(horizonLabel).matches()) {
      throw new IllegalArgumentException(
          "horizonLabel must match [a-z0-9_]+ (it becomes part of column names), got " + horizonLabel);
    }
    if (!(horizon > 0) || Double.isInfinite(horizon)) {
      throw new IllegalArgumentException("horizon must be finite and > 0, got " + horizon);
    }
    if (!(periodLength > 0) || periodLength > horizon) {
      throw new IllegalArgumentException(
          "periodLength must be > 0 and <= horizon " + horizon + ", got " + periodLength);
    }
    double n = horizon / periodLength;
    if (Math.abs(n - Math.rint(n)) > 1e-9 * n) {
      throw new IllegalArgumentException(String.format(
          "horizon %s is not a whole number of periods of %s (%s periods)", horizon, periodLength, n));
    }
    if (!(discountRatePerPeriod >= 0) || Double.isInfinite(discountRatePerPeriod)) {
      throw new IllegalArgumentException(
          "discountRatePerPeriod must be finite and >= 0, got " + discountRatePerPeriod);
    }
    if (discounting == null) {
      throw new IllegalArgumentException("discounting must be DISCRETE or CONTINUOUS");
    }
  }

  /** Number of discounting periods n = H / L. */
  public int periods() {
    return (int) Math.rint(horizon / periodLength);
  }
}
