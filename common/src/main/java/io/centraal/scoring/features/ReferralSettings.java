package io.centraal.scoring.features;

import io.centraal.scoring.run.InvalidConfigException;
import io.centraal.scoring.run.ConfigValues;
import com.typesafe.config.Config;
import java.util.Locale;

/**
 * Attribution of referred customers to the customer whose link brought them
 * ({@code centraal.score.influence.referrals} in reference.conf; see {@link ReachFeatures#referrals}).
 *
 * @param windowDays         a referred customer's purchase days count for the referrer from the day
 *                           of their first referred visit up to and including this many days after it
 * @param annualDiscountRate effective annual rate r at which referred margin is discounted back to
 *                           the first referred visit: a purchase t days later weighs
 *                           {@code (1 + r)^(-t / 365.25)}, i.e. continuous discounting at
 *                           {@code ln(1 + r)} per year (CLV's {@code discounting = continuous}
 *                           convention, on a yearly instead of a monthly period)
 * @param unknownMarginRate  margin as a share of the net amount for transaction lines whose margin
 *                           is unknown; 1.0 counts such lines at their revenue, which is the CLV
 *                           convention (an unknown margin is not a zero margin)
 */
public record ReferralSettings(int windowDays, double annualDiscountRate, double unknownMarginRate) {
  /** Days per year of the discounting (the CLV period of 30.4375 days is 365.25 / 12). */
  public static final double DAYS_PER_YEAR = 365.25;

  public ReferralSettings {
    if (windowDays < 0) {
      throw new IllegalArgumentException("referrals.window-days must be >= 0, got " + windowDays);
    }
    if (!(annualDiscountRate >= 0 && annualDiscountRate < 10)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "referrals.annual-discount-rate must be in [0, 10) (0.10 = 10%% a year), got %s", annualDiscountRate));
    }
    if (!(unknownMarginRate >= 0 && unknownMarginRate <= 1)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "referrals.unknown-margin-rate must be between 0 and 1, got %s", unknownMarginRate));
    }
  }

  /** The discount factor of a purchase {@code days} after the first referred visit. */
  public double discountFactor(double days) {
    return Math.exp(-days * continuousDailyRate());
  }

  /** {@code ln(1 + r) / 365.25}: the continuous rate per day equivalent to the annual rate. */
  public double continuousDailyRate() {
    return Math.log1p(annualDiscountRate) / DAYS_PER_YEAR;
  }

  /** {@code centraal.score.influence.referrals}; {@code c} is the centraal block. */
  public static ReferralSettings from(Config c) {
    double window = c.getDouble("score.influence.referrals.window-days");
    if (!(window >= 0) || window != Math.rint(window)) {
      throw new InvalidConfigException("centraal.score.influence.referrals.window-days = " + window
          + " must be a whole number of days, 0 or more");
    }
    return new ReferralSettings((int) window, ConfigValues.nonNegative(c, "score.influence.referrals.annual-discount-rate"),
        ConfigValues.fraction(c, "score.influence.referrals.unknown-margin-rate"));
  }
}
