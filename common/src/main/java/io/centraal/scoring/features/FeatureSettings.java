package io.centraal.scoring.features;

import io.centraal.scoring.run.ConfigValues;
import com.typesafe.config.Config;


/**
 * Settings of the features stage ({@code centraal.features} in reference.conf).
 *
 * @param timeUnit                   unit of recency and T in the BTYD summary
 * @param purchaseRule               which days count as purchase periods
 * @param reviewHalfLifeDays         half-life of the time decay on review counts
 * @param referrals                  attribution window, discounting and unknown-margin rate of referral value
 * @param promoterMinRating          a review with at least this rating is a promoter review
 * @param detractorMaxRating         a review with at most this rating is a detractor review
 * @param defaultProfilingAllowed    consent assumed when a customer has no consent record
 * @param defaultMarketingAllowed    consent assumed when a customer has no consent record
 */
public record FeatureSettings(TimeUnit timeUnit, PurchaseRule purchaseRule, double reviewHalfLifeDays, ReferralSettings referrals,
                              int promoterMinRating, int detractorMaxRating,
                              boolean defaultProfilingAllowed, boolean defaultMarketingAllowed) {

  /** {@code centraal.features} with the consent defaults and advocacy cut the features need; {@code c} is the centraal block. */
  public static FeatureSettings from(Config c) {
    return new FeatureSettings(ConfigValues.enumValue(c, "time-unit", TimeUnit.class),
        ConfigValues.enumValue(c, "features.purchase-rule", PurchaseRule.class),
        ConfigValues.positive(c, "features.review-half-life-days"), ReferralSettings.from(c),
        c.getInt("score.advocacy.promoter-min"), c.getInt("score.advocacy.passive-min") - 1,
        c.getBoolean("consent.default-profiling-allowed"), c.getBoolean("consent.default-marketing-allowed"));
  }
}
