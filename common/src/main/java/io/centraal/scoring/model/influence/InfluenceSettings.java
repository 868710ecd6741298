package io.centraal.scoring.model.influence;

import com.typesafe.config.Config;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of {@link InfluenceScoring}. No defaults in Java; the lead wires them from HOCON
 * ({@code centraal.score.influence}). Weights are relative: each group is divided by its sum, so
 * {@code (2, 1, 1)} and {@code (0.5, 0.25, 0.25)} mean the same. A weight of 0 drops a signal
 * (its input column is then not required).
 *
 * @param components weights of the four components in {@code influence_score}
 * @param reviews sub-weights of {@code influence_reviews}
 * @param reach sub-weights of {@code influence_reach}
 * @param referrals sub-weights of {@code influence_referrals}
 * @param helpfulnessZ normal quantile of the Wilson lower bound of helpful votes (1.96 = 95 %)
 * @param highTierMin lowest {@code influence_score} (0-100) of tier "high"
 * @param mediumTierMin lowest {@code influence_score} of tier "medium"; below it is "low"
 */
public record InfluenceSettings(
    ComponentWeights components,
    ReviewWeights reviews,
    ReachWeights reach,
    ReferralWeights referrals,
    double helpfulnessZ,
    double highTierMin,
    double mediumTierMin) {

  public InfluenceSettings {
    Objects.requireNonNull(components, "components");
    Objects.requireNonNull(reviews, "reviews");
    Objects.requireNonNull(reach, "reach");
    Objects.requireNonNull(referrals, "referrals");
    if (!(helpfulnessZ >= 0) || Double.isInfinite(helpfulnessZ)) {
      throw new IllegalArgumentException("InfluenceSettings: helpfulnessZ must be >= 0, got " + helpfulnessZ);
    }
    if (!(0 <= mediumTierMin && mediumTierMin <= highTierMin && highTierMin <= 100)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "InfluenceSettings: need 0 <= mediumTierMin <= highTierMin <= 100, got %s and %s",
          mediumTierMin, highTierMin));
    }
  }

  /** Weights of the components reviews, reach, referrals and advocacy. */
  public record ComponentWeights(double reviews, double reach, double referrals, double advocacy) {
    public ComponentWeights {
      checkWeights("components", reviews, reach, referrals, advocacy);
    }
  }

  /**
   * Review sub-weights: frequency ({@code review_count_decayed}), helpfulness (Wilson lower bound
   * of {@code helpful_votes}/{@code total_votes}), substance ({@code avg_review_length}), extremity
   * (strength of opinion: {@code avg_sentiment} / {@code rating_extremity}), verified
   * ({@code verified_share}), novelty ({@code review_novelty}: reviews of the long tail) and
   * earliness ({@code review_earliness}: reviews written before most of the product's others); the
   * last two come from per-product statistics ({@link io.centraal.scoring.features.ReviewProductSignals}).
   */
  public record ReviewWeights(double frequency, double helpfulness, double substance, double extremity,
      double verified, double novelty, double earliness) {
    public ReviewWeights {
      checkWeights("reviews", frequency, helpfulness, substance, extremity, verified, novelty, earliness);
    }
  }

  /** Reach sub-weights: {@code audience_size}, {@code followers}, {@code follower_pagerank}. */
  public record ReachWeights(double audience, double followers, double pagerank) {
    public ReachWeights {
      checkWeights("reach", audience, followers, pagerank);
    }
  }

  /**
   * Referral sub-weights: {@code referred_visitors}, {@code referred_customers} and {@code referral_value}
   * (the referred customers' discounted margin, not their raw revenue: what the business keeps, valued
   * like CLV, so a referrer of low-margin or late purchases ranks below one of high-margin prompt ones).
   */
  public record ReferralWeights(double visitors, double customers, double value) {
    public ReferralWeights {
      checkWeights("referrals", visitors, customers, value);
    }
  }

  static void checkWeights(String group, double... weights) {
    double sum = 0;
    for (double w : weights) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "InfluenceSettings: %s weights must be finite and >= 0, got %s", group, w));
      }
      sum += w;
    }
    if (sum <= 0) {
      throw new IllegalArgumentException("InfluenceSettings: " + group + " weights sum to 0");
    }
  }

  /** {@code centraal.score.influence}; {@code c} is the centraal block. */
  public static InfluenceSettings from(Config c) {
    return new InfluenceSettings(
        new ComponentWeights(c.getDouble("score.influence.weights.reviews"),
            c.getDouble("score.influence.weights.reach"), c.getDouble("score.influence.weights.referrals"),
            c.getDouble("score.influence.weights.advocacy")),
        new ReviewWeights(c.getDouble("score.influence.review-weights.frequency"),
            c.getDouble("score.influence.review-weights.helpfulness"),
            c.getDouble("score.influence.review-weights.substance"),
            c.getDouble("score.influence.review-weights.extremity"),
            c.getDouble("score.influence.review-weights.verified"),
            c.getDouble("score.influence.review-weights.novelty"),
            c.getDouble("score.influence.review-weights.earliness")),
        new ReachWeights(c.getDouble("score.influence.reach-weights.audience"),
            c.getDouble("score.influence.reach-weights.followers"),
            c.getDouble("score.influence.reach-weights.pagerank")),
        new ReferralWeights(c.getDouble("score.influence.referral-weights.visitors"),
            c.getDouble("score.influence.referral-weights.customers"),
            c.getDouble("score.influence.referral-weights.value")),
        c.getDouble("score.influence.helpfulness-z"), c.getDouble("score.influence.tier-high"),
        c.getDouble("score.influence.tier-medium"));
  }
}
