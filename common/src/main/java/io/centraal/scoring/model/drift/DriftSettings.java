package io.centraal.scoring.model.drift;

import static io.centraal.scoring.run.ConfigValues.fraction;
import static io.centraal.scoring.run.ConfigValues.positive;

import com.typesafe.config.Config;

/**
 * Run-over-run drift settings ({@code centraal.score.drift}).
 *
 * @param psiBins quantile bins of the previous date's values for the PSI (10 = deciles)
 * @param psiEpsilon share given to an empty bin so the PSI stays finite
 * @param rollingBacktestRuns how many of the latest earlier runs whose horizon has passed are backtested
 */
public record DriftSettings(int psiBins, double psiEpsilon, int rollingBacktestRuns) {
  public DriftSettings {
    if (psiBins < 2) {
      throw new IllegalArgumentException("centraal.score.drift.psi-bins = " + psiBins + " must be at least 2");
    }
  }

  /** {@code c} is the centraal block. */
  public static DriftSettings from(Config c) {
    return new DriftSettings((int) positive(c, "score.drift.psi-bins"), fraction(c, "score.drift.psi-epsilon"),
        (int) positive(c, "score.drift.rolling-backtest-runs"));
  }
}
