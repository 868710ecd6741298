package io.centraal.scoring.model.influence;

import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.run.ConfigValues;
import com.typesafe.config.Config;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of {@link ValueQuadrantScoring}. No defaults in Java; recommended: CLV column {@code clv_12m},
 * high CLV from percentile 0.8 (top 20 %), medium from 0.5, high influence from score 80 (the
 * "high" influence tier), churn risk flag above 0.7.
 *
 * @param clvColumn the CLV column to tier, e.g. {@code clv_12m} (see {@code ScoreColumns.clv})
 * @param clvHighPercentile lowest CLV percent rank (0..1) of tier "high"
 * @param clvMediumPercentile lowest CLV percent rank of tier "medium"; below it is "low"
 * @param highInfluenceMin lowest {@code influence_score} (0-100) that counts as high influence
 * @param churnRiskThreshold {@code risk_flag} is set when {@code churn_risk} is above this (0..1)
 */
public record ValueQuadrantSettings(String clvColumn, double clvHighPercentile, double clvMediumPercentile,
    double highInfluenceMin, double churnRiskThreshold) {
  public ValueQuadrantSettings {
    Objects.requireNonNull(clvColumn, "clvColumn");
    if (clvColumn.isBlank()) {
      throw new IllegalArgumentException("ValueQuadrantSettings: clvColumn is blank");
    }
    if (!(0 <= clvMediumPercentile && clvMediumPercentile <= clvHighPercentile && clvHighPercentile <= 1)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "ValueQuadrantSettings: need 0 <= clvMediumPercentile <= clvHighPercentile <= 1, got %s and %s",
          clvMediumPercentile, clvHighPercentile));
    }
    if (!(0 <= highInfluenceMin && highInfluenceMin <= 100)) {
      throw new IllegalArgumentException("ValueQuadrantSettings: highInfluenceMin must be in 0..100, got "
          + highInfluenceMin);
    }
    if (!(0 <= churnRiskThreshold && churnRiskThreshold <= 1)) {
      throw new IllegalArgumentException("ValueQuadrantSettings: churnRiskThreshold must be in 0..1, got "
          + churnRiskThreshold);
    }
  }

  /** {@code centraal.score.value} over the CLV column of {@code score.clv.horizon-label}; {@code c} is the centraal block. */
  public static ValueQuadrantSettings from(Config c) {
    return new ValueQuadrantSettings(
        ScoreColumns.clv(c.getString("score.clv.horizon-label")), ConfigValues.fraction(c, "score.value.clv-tier-high"),
        ConfigValues.fraction(c, "score.value.clv-tier-medium"), c.getDouble("score.value.high-influence-min"),
        ConfigValues.fraction(c, "score.value.churn-risk-flag"));
  }
}
