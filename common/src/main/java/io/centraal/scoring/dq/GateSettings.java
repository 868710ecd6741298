package io.centraal.scoring.dq;

import static io.centraal.scoring.run.ConfigValues.fraction;
import static io.centraal.scoring.run.ConfigValues.nonNegative;

import com.typesafe.config.Config;

/**
 * The validity gates' switches and thresholds ({@code centraal.gates}); see {@link ValidityGates}.
 *
 * @param maxRejectShare quarantined / read rows of the date's ingest, all sources together
 * @param maxPsi largest population stability index of the scores against the previous date
 * @param maxPsiScores the scores max-psi reads: clv, churn_risk, influence_score
 * @param maxParameterShiftSe largest parameter change in the previous fit's standard errors
 * @param maxRollingBacktestMaeRatio largest MAE / mean actual repeat purchases of the rolling backtest
 */
public record GateSettings(boolean clvFitConverged, boolean hessianPositiveDefinite, boolean modelIdentified,
                           double maxRejectShare, double maxPsi, java.util.List<String> maxPsiScores,
                           double maxParameterShiftSe,
                           double maxRollingBacktestMaeRatio) {
  /** The scores the max-psi gate may read. */
  public static final java.util.List<String> PSI_SCORES = java.util.List.of("clv", "churn_risk", "influence_score");

  private static java.util.List<String> psiScores(java.util.List<String> names) {
    for (String n : names) {
      if (!PSI_SCORES.contains(n)) {
        throw new io.centraal.scoring.run.InvalidConfigException("centraal.gates.max-psi-scores: '" + n
            + "' is not one of " + PSI_SCORES);
      }
    }
    return java.util.List.copyOf(names);
  }

  /** {@code c} is the centraal block. */
  public static GateSettings from(Config c) {
    return new GateSettings(c.getBoolean("gates." + ValidityGates.CLV_FIT_CONVERGED),
        c.getBoolean("gates." + ValidityGates.HESSIAN_POSITIVE_DEFINITE),
        c.getBoolean("gates." + ValidityGates.MODEL_IDENTIFIED),
        fraction(c, "gates." + ValidityGates.MAX_REJECT_SHARE), nonNegative(c, "gates." + ValidityGates.MAX_PSI),
        psiScores(c.getStringList("gates.max-psi-scores")),
        nonNegative(c, "gates." + ValidityGates.MAX_PARAMETER_SHIFT_SE),
        nonNegative(c, "gates." + ValidityGates.MAX_ROLLING_BACKTEST_MAE_RATIO));
  }
}
