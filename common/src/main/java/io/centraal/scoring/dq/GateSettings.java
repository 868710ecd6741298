package io.centraal.scoring.dq;

import static io.centraal.scoring.run.ConfigValues.fraction;
import static io.centraal.scoring.run.ConfigValues.nonNegative;

import com.typesafe.config.Config;

/**
 * The validity gates' switches and thresholds ({@code centraal.gates}); see {@link ValidityGates}.
 *
 * @param maxRejectShare quarantined / read rows of the date's ingest, all sources together
 * @param maxPsi largest population stability index of the scores against the previous date
 * @param maxParameterShiftSe largest parameter change in the previous fit's standard errors
 * @param maxRollingBacktestMaeRatio largest MAE / mean actual repeat purchases of the rolling backtest
 */
public record GateSettings(boolean clvFitConverged, boolean hessianPositiveDefinite, boolean modelIdentified,
                           double maxRejectShare, double maxPsi, double maxParameterShiftSe,
                           double maxRollingBacktestMaeRatio) {
  /** {@code c} is the centraal block. */
  public static GateSettings from(Config c) {
    return new GateSettings(c.getBoolean("gates." + ValidityGates.CLV_FIT_CONVERGED),
        c.getBoolean("gates." + ValidityGates.HESSIAN_POSITIVE_DEFINITE),
        c.getBoolean("gates." + ValidityGates.MODEL_IDENTIFIED),
        fraction(c, "gates." + ValidityGates.MAX_REJECT_SHARE), nonNegative(c, "gates." + ValidityGates.MAX_PSI),
        nonNegative(c, "gates." + ValidityGates.MAX_PARAMETER_SHIFT_SE),
        nonNegative(c, "gates." + ValidityGates.MAX_ROLLING_BACKTEST_MAE_RATIO));
  }
}
