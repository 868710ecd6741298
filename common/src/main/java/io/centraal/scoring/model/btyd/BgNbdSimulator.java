package io.centraal.scoring.model.btyd;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Simulates customers from the BG/NBD generative process of Fader, Hardie &amp; Lee (2005): each
 * customer draws lambda ~ Gamma(r, rate alpha) and p ~ Beta(a, b), makes a first purchase at time
 * 0, then repeat purchases at Poisson rate lambda, and after each repeat purchase drops out with
 * probability p. Pure and seeded: the same seed gives the same customers on every JVM, so demo
 * data, benchmarks and parameter-recovery tests are reproducible.
 *
 * <p>Times are in the model's time unit and continuous; round them to the data's grain (e.g. whole
 * days) to mimic real summaries.
 */
public final class BgNbdSimulator {
  private final BgNbdModel model;

  public BgNbdSimulator(BgNbdModel model) {
    this.model = model;
  }

  /** The summaries of one simulated customer per entry of {@code ages}, seeded by {@code seed}. */
  public Population simulate(double[] ages, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[ages.length];
    double[] tx = new double[ages.length];
    for (int i = 0; i < ages.length; i++) {
      double[] times = repeatPurchaseTimes(ages[i], rng);
      x[i] = times.length;
      tx[i] = times.length == 0 ? 0 : times[times.length - 1];
    }
    return new Population(x, tx, ages.clone());
  }

  /**
   * The repeat purchase times in (0, age] of one new customer whose first purchase was at 0,
   * ascending.
   */
  public double[] repeatPurchaseTimes(double age, SplittableRandom rng) {
    if (!(age >= 0) || Double.isInfinite(age)) {
      throw new IllegalArgumentException("age must be finite and >= 0, got " + age);
    }
    double lambda = gamma(model.r(), rng) / model.alpha();
    double p = beta(model.a(), model.b(), rng);
    double[] times = new double[8];
    int n = 0;
    double t = 0;
    while (lambda > 0) {
      t += rng.nextExponential() / lambda;
      if (t > age) {
        break;
      }
      if (n == times.length) {
        times = Arrays.copyOf(times, 2 * n);
      }
      times[n++] = t;
      if (rng.nextDouble() < p) {
        break;
      }
    }
    return Arrays.copyOf(times, n);
  }

  /**
   * Gamma(shape, rate 1) by Marsaglia &amp; Tsang (2000), with the u^(1/shape) boost below 1. Public
   * for simulators of the spend process (Gamma-Gamma: nu ~ Gamma(q, rate gamma), spend per
   * purchase ~ Gamma(p, rate nu)).
   */
  public static double gamma(double shape, SplittableRandom rng) {
    if (shape < 1) {
      return gamma(shape + 1, rng) * Math.pow(rng.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double g = rng.nextGaussian();
      double v = 1 + c * g;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rng.nextDouble();
      if (Math.log(u) < 0.5 * g * g + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  static double beta(double a, double b, SplittableRandom rng) {
    double x = gamma(a, rng);
    double y = gamma(b, rng);
    if (x + y == 0) { // both underflowed: only possible for tiny shapes
      return rng.nextDouble() < a / (a + b) ? 1 : 0;
    }
    return x / (x + y);
  }

  /** One row per simulated customer: frequency x, recency t_x and age T. */
  public record Population(double[] frequency, double[] recency, double[] age) {
    /** The distinct-row summary the fits take. */
    public TransactionSummary toSummary() {
      return TransactionSummary.ofCustomers(frequency, recency, age);
    }
  }
}
