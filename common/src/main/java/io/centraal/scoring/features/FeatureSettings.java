package io.centraal.scoring.features;


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
                              boolean defaultProfilingAllowed, boolean defaultMarketingAllowed) {}
