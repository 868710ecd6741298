package io.centraal.scoring.model.btyd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.exception.MathArithmeticException;
import org.apache.commons.math3.exception.MathIllegalArgumentException;
import org.apache.commons.math3.random.Well19937c;

/**
 * The uncertainty of fitted BTYD parameters, from the asymptotic normal distribution of the maximum
 * likelihood estimate.
 *
 * <p><b>Why the asymptotic normal and not the bootstrap.</b> Both are cheap here (a refit on the
 * compressed (x, t_x, T) patterns costs milliseconds), but the normal needs no refit at all: the
 * covariance is the inverse Hessian the fit computes anyway for its standard errors, so drawing a
 * thousand parameter vectors costs microseconds, and the draws are reproducible from a seed. It is
 * taken in log-parameters, where the optimiser works: every draw is positive, and the skew of the
 * natural parameters near zero (a, b of BG/NBD on few repeat buyers) is kept. The price is the
 * usual one of asymptotics: with few repeat buyers the normal understates the tails; the coverage
 * test ({@code ParameterUncertaintyTest}) states the measured share on simulated data.
 */
public final class ParameterUncertainty {
  private ParameterUncertainty() {}

  /** Draws tried per draw kept before giving up (draws outside the model's valid region are redrawn). */
  private static final int MAX_TRIES_PER_DRAW = 20;

  /**
   * {@code count} parameter vectors (natural scale, parameter order) drawn from the normal of the
   * log-parameters, keeping only those {@code valid} accepts (e.g. Gamma-Gamma's q &gt; 1, without
   * which the mean spend is infinite): the draws are then from the normal truncated to the model's
   * valid region. Empty when the fit has no covariance, the covariance is not positive definite,
   * or fewer than {@code count} valid draws came out of {@value #MAX_TRIES_PER_DRAW} x count tries.
   */
  public static List<double[]> draws(FitResult fit, int count, long seed, Predicate<double[]> valid) {
    if (!fit.hasCovariance() || count < 1) {
      return List.of();
    }
    double[] theta = Arrays.stream(fit.params()).map(Math::log).toArray();
    MultivariateNormalDistribution normal;
    try {
      normal = new MultivariateNormalDistribution(new Well19937c(seed), theta, fit.logCovariance());
    } catch (MathIllegalArgumentException | MathArithmeticException e) { // not positive definite, singular, NaN
      return List.of();
    }
    List<double[]> out = new ArrayList<>(count);
    for (int tries = 0; out.size() < count && tries < MAX_TRIES_PER_DRAW * count; tries++) {
      double[] params = Arrays.stream(normal.sample()).map(Math::exp).toArray();
      if (Arrays.stream(params).allMatch(v -> v > 0 && Double.isFinite(v)) && valid.test(params)) {
        out.add(params);
      }
    }
    return out.size() == count ? out : List.of();
  }

  /** Draws of a transaction model (every positive parameter vector is valid). */
  public static List<TransactionModel> transactionModels(FitResult fit, int count, long seed) {
    return draws(fit, count, seed, p -> true).stream()
        .map(p -> TransactionModel.fromFit(fit.withParams(p))).toList();
  }

  /** Draws of a spend model: for Gamma-Gamma only those with q &gt; 1 (a finite mean spend). */
  public static List<SpendModel> spendModels(FitResult fit, int count, long seed) {
    Predicate<double[]> valid = GammaGammaModel.NAME.equals(fit.modelName())
        ? p -> GammaGammaModel.hasFiniteMean(fit.withParams(p)) : p -> true;
    return draws(fit, count, seed, valid).stream().map(p -> SpendModel.fromFit(fit.withParams(p))).toList();
  }

  /**
   * Per parameter, the {@code lower} and {@code upper} quantiles of its marginal distribution:
   * exp(log estimate + z sd) with sd from the log-parameter covariance (so the interval is not
   * symmetric around the estimate). Null when the fit has no covariance.
   */
  public static double[][] parameterIntervals(FitResult fit, double lower, double upper) {
    if (!fit.hasCovariance()) {
      return null;
    }
    NormalDistribution z = new NormalDistribution();
    double zLower = z.inverseCumulativeProbability(lower);
    double zUpper = z.inverseCumulativeProbability(upper);
    double[] params = fit.params();
    double[][] cov = fit.logCovariance();
    double[][] out = new double[params.length][];
    for (int i = 0; i < params.length; i++) {
      double sd = Math.sqrt(cov[i][i]);
      out[i] = new double[] {params[i] * Math.exp(zLower * sd), params[i] * Math.exp(zUpper * sd)};
    }
    return out;
  }

  /**
   * The {@code probability} quantile of {@code values} (sorted in place), interpolating linearly
   * between order statistics (R's type 7, numpy's default).
   */
  public static double quantile(double[] values, double probability) {
    Arrays.sort(values);
    return quantileOfSorted(values, probability);
  }

  /** As {@link #quantile}, of values already sorted. */
  public static double quantileOfSorted(double[] sorted, double probability) {
    double h = (sorted.length - 1) * probability;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }
}
