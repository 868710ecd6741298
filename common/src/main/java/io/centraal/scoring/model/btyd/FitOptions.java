package io.centraal.scoring.model.btyd;

/**
 * How to fit a BTYD model. No defaults in Java: they live in config ({@code reference.conf}).
 *
 * @param l2Penalty coefficient c of the penalty c * sum(theta_i^2) on the natural parameters, added
 *     to the mean negative log-likelihood per customer, exactly as lifetimes' {@code penalizer_coef};
 *     0 for plain maximum likelihood
 * @param minRepeatBuyers fewer customers with x &gt; 0 than this (for Gamma-Gamma: with x &gt; 0 and
 *     a positive mean repeat spend) raise {@link ModelIdentificationException}
 * @param maxIterations cap on optimiser iterations per starting point
 * @param gradientTolerance a fit counts as converged when the largest absolute gradient of the
 *     penalised mean negative log-likelihood with respect to the log-parameters is at most this
 *     (1e-8 is tight enough to reproduce published estimates to 5 significant digits); on data
 *     so large that round-off keeps the gradient above it, a remaining Newton step under 0.001
 *     standard errors also counts as converged (see {@code MaximumLikelihood})
 * @param timeUnit the unit of recency and T (e.g. "days", "weeks"), or of spend for Gamma-Gamma;
 *     recorded in the result, never interpreted
 */
public record FitOptions(double l2Penalty, long minRepeatBuyers, int maxIterations,
    double gradientTolerance, String timeUnit) {

  public FitOptions {
    if (!(l2Penalty >= 0) || Double.isInfinite(l2Penalty)) {
      throw new IllegalArgumentException("l2Penalty must be finite and >= 0, got " + l2Penalty);
    }
    if (minRepeatBuyers < 1) {
      throw new IllegalArgumentException("minRepeatBuyers must be >= 1, got " + minRepeatBuyers);
    }
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
    }
    if (!(gradientTolerance > 0)) {
      throw new IllegalArgumentException("gradientTolerance must be > 0, got " + gradientTolerance);
    }
    if (timeUnit == null || timeUnit.isBlank()) {
      throw new IllegalArgumentException("timeUnit must be given (e.g. \"days\" or \"weeks\")");
    }
  }
}
