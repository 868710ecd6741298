package io.centraal.scoring.demo;

/**
 * A small SplitMix64 generator with the distributions the demo processes need.
 *
 * <p>Why not {@link java.util.SplittableRandom} or commons-math: the demo data must be
 * byte-identical for a seed on every JVM and every release, so the algorithm is spelled out here
 * (SplitMix64, Steele/Lea/Flood 2014) and every transcendental function goes through
 * {@link StrictMath}. Each person gets independent streams from {@link #forStream}, so output never
 * depends on Spark partitioning, and changing one table's process does not shift another's.
 */
final class DemoRandom {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private long state;

  private DemoRandom(long state) {
    this.state = state;
  }

  /** The stream {@code stream} of person {@code person} for a seed. */
  static DemoRandom forStream(long seed, long person, int stream) {
    long h = mix64(seed + GOLDEN);
    h = mix64(h ^ (person * 0xD1B54A32D192ED03L));
    h = mix64(h ^ (stream * 0xABC98388FB8FAC03L + 1));
    return new DemoRandom(h);
  }

  /** Stafford's variant 13 of the MurmurHash3 finalizer: a bijection on 64-bit values. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  long nextLong() {
    state += GOLDEN;
    return mix64(state);
  }

  /** Uniform on [0, 1). */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform on [lo, hi). */
  double uniform(double lo, double hi) {
    return lo + (hi - lo) * nextDouble();
  }

  /** Uniform integer on [0, bound); bound must be positive and below 2^53. */
  long nextLong(long bound) {
    long v = (long) (nextDouble() * bound);
    return Math.min(v, bound - 1);
  }

  int nextInt(int bound) {
    return (int) nextLong(bound);
  }

  boolean chance(double probability) {
    return nextDouble() < probability;
  }

  /** Exponential with the given mean. */
  double exponential(double mean) {
    return -mean * StrictMath.log(1.0 - nextDouble());
  }

  /** Standard normal (Marsaglia polar method). */
  double normal() {
    while (true) {
      double u = 2.0 * nextDouble() - 1.0;
      double v = 2.0 * nextDouble() - 1.0;
      double s = u * u + v * v;
      if (s > 0.0 && s < 1.0) {
        return u * StrictMath.sqrt(-2.0 * StrictMath.log(s) / s);
      }
    }
  }

  /** Gamma with shape {@code shape} and rate {@code rate} (mean shape/rate); Marsaglia-Tsang 2000. */
  double gamma(double shape, double rate) {
    if (shape < 1.0) {
      double boost = StrictMath.pow(1.0 - nextDouble(), 1.0 / shape);
      return gamma(shape + 1.0, rate) * boost;
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / StrictMath.sqrt(9.0 * d);
    while (true) {
      double x = normal();
      double v = 1.0 + c * x;
      if (v <= 0.0) {
        continue;
      }
      v = v * v * v;
      double u = nextDouble();
      double x2 = x * x;
      if (u < 1.0 - 0.0331 * x2 * x2) {
        return d * v / rate;
      }
      if (StrictMath.log(u) < 0.5 * x2 + d * (1.0 - v + StrictMath.log(v))) {
        return d * v / rate;
      }
    }
  }

  /** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
  double beta(double a, double b) {
    double x = gamma(a, 1.0);
    double y = gamma(b, 1.0);
    return x / (x + y);
  }

  /** Poisson with the given mean: Knuth's product method, in chunks of 30 for large means. */
  int poisson(double mean) {
    int count = 0;
    double rest = mean;
    while (rest > 30.0) {
      count += poissonSmall(30.0);
      rest -= 30.0;
    }
    return count + poissonSmall(rest);
  }

  private int poissonSmall(double mean) {
    if (mean <= 0.0) {
      return 0;
    }
    double limit = StrictMath.exp(-mean);
    double product = nextDouble();
    int k = 0;
    while (product > limit) {
      product *= nextDouble();
      k++;
    }
    return k;
  }

  /** Geometric count k >= 0 with the given mean: P(k) = (1 - s) s^k, s = mean / (1 + mean). */
  int geometric(double mean) {
    if (mean <= 0.0) {
      return 0;
    }
    double s = mean / (1.0 + mean);
    double k = StrictMath.floor(StrictMath.log(1.0 - nextDouble()) / StrictMath.log(s));
    return (int) Math.min(k, 1_000_000.0);
  }

  /** Binomial(n, probability) as a sum of Bernoulli draws (n is small here). */
  int binomial(int n, double probability) {
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (nextDouble() < probability) {
        k++;
      }
    }
    return k;
  }

  /**
   * A popularity index on [0, n) with density proportional to 1/(x+1) (Zipf with exponent 1, in
   * its continuous form): index 0 is the most popular product or store.
   */
  int zipf(int n) {
    double x = StrictMath.exp(nextDouble() * StrictMath.log(n + 1.0)) - 1.0;
    return (int) Math.min(n - 1, Math.max(0, (long) x));
  }

  /** An index drawn from cumulative weights (last entry is the total). */
  int weighted(double[] cumulative) {
    double u = nextDouble() * cumulative[cumulative.length - 1];
    for (int i = 0; i < cumulative.length; i++) {
      if (u < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

  static double[] cumulative(double... weights) {
    double[] c = new double[weights.length];
    double sum = 0.0;
    for (int i = 0; i < weights.length; i++) {
      sum += weights[i];
      c[i] = sum;
    }
    return c;
  }
}
