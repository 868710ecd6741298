package io.centraal.scoring.model.btyd;

import java.io.Serializable;

/**
 * How per-customer intervals are drawn ({@code score.clv.intervals}).
 *
 * @param replicates parameter draws per model; 0 turns the interval columns off (they stay, null)
 * @param lower lower quantile, e.g. 0.1
 * @param upper upper quantile, e.g. 0.9
 * @param seed seed of the draws: the same fit and seed give the same intervals on a re-run
 */
public record IntervalSettings(int replicates, double lower, double upper, long seed) implements Serializable {
  public IntervalSettings {
    if (replicates < 0) {
      throw new IllegalArgumentException("interval replicates must be >= 0, got " + replicates);
    }
    if (!(lower > 0 && lower < upper && upper < 1)) {
      throw new IllegalArgumentException("interval quantiles must satisfy 0 < lower < upper < 1, got "
          + lower + " and " + upper);
    }
  }

  /** No intervals. */
  public static IntervalSettings off() {
    return new IntervalSettings(0, 0.1, 0.9, 1);
  }

  public boolean enabled() {
    return replicates > 0;
  }

  /** The nominal share of the interval, e.g. 0.8 for P10/P90. */
  public double level() {
    return upper - lower;
  }
}
