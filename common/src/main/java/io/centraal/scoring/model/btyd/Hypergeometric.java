package io.centraal.scoring.model.btyd;

/**
 * The Gauss hypergeometric series 2F1(a, b; c; z) for 0 <= z < 1, summed term by term on a running
 * log scale with sign tracking, so that terms far beyond the double range (parameters in the hundreds, as for
 * a customer with x = 500) neither overflow nor lose the sum. The loop stops when a geometric bound
 * on the remaining tail is below 1e-17 of the partial sum; it fails loudly, never silently, when the
 * series does not converge within {@link #MAX_TERMS} terms or c hits a pole.
 *
 * <p>Callers choose representations (Euler's transformation, the alpha &gt;= beta switch of the
 * Pareto/NBD) that keep z away from 1 and the parameters small, which keeps term counts low.
 */
final class Hypergeometric {
  private Hypergeometric() {}

  static final int MAX_TERMS = 2_000_000;
  private static final double TAIL_TOLERANCE = 1e-17;
  private static final double RESCALE = 1e200;
  private static final double LOG_RESCALE = Math.log(RESCALE);

  /** log 2F1(a, b; c; z); the sum must be positive (it is, wherever the callers use it). */
  static double log2F1(double a, double b, double c, double z) {
    Sum s = sum(0.0, 1.0, 0, a, b, c, z);
    if (s.sign <= 0) {
      throw new ArithmeticException(String.format(
          "2F1(%s, %s; %s; %s) summed to a non-positive value", a, b, c, z));
    }
    return s.logAbs;
  }

  /**
   * {log 2F1(a, b1; c; z), log 2F1(a, b2; c; z)} in one loop: the two series share (a)_k z^k /
   * ((c)_k k!), so each term costs one division for both. Each series stops on its own tail
   * bound, as in {@link #log2F1}; both sums must be positive. Why: the CLV of every customer sums
   * such a pair at every discounting period, and this loop is most of the scoring time.
   */
  static double[] log2F1Pair(double a, double b1, double b2, double c, double z) {
    if (!(z >= 0 && z < 1) || !Double.isFinite(a) || !Double.isFinite(b1) || !Double.isFinite(b2)
        || !Double.isFinite(c)) {
      throw new ArithmeticException(String.format("2F1 series needs finite a, b, c and 0 <= z < 1, "
          + "got a=%s b=%s/%s c=%s z=%s", a, b1, b2, c, z));
    }
    double[] term = {1, 1};
    double[] value = {1, 1};
    double[] scale = {0, 0};
    double[] b = {b1, b2};
    boolean[] done = {z == 0, z == 0};
    double[] positiveFrom = {Math.max(0, Math.max(-a, Math.max(-b1, -c))) + 1,
        Math.max(0, Math.max(-a, Math.max(-b2, -c))) + 1};
    double shared = z == 0 ? 0 : a / c * z; // (a+k) z / ((c+k)(k+1)) at k = 0
    for (int k = 0; k < MAX_TERMS && !(done[0] && done[1]); k++) {
      if (c + k == 0) {
        throw new ArithmeticException("2F1 series hit a pole at c = " + c);
      }
      double next = (a + k + 1) * z / ((c + k + 1) * (k + 2));
      for (int s = 0; s < 2; s++) {
        if (done[s]) {
          continue;
        }
        double fb = b[s] + k;
        if (a + k == 0 || fb == 0) { // terminating (polynomial) series
          done[s] = true;
          continue;
        }
        term[s] *= shared * fb;
        value[s] += term[s];
        if (Math.abs(term[s]) > RESCALE || Math.abs(value[s]) > RESCALE) {
          term[s] /= RESCALE;
          value[s] /= RESCALE;
          scale[s] += LOG_RESCALE;
        }
        if (k + 1 >= positiveFrom[s] && k > 0) {
          double rho = Math.max(next * (fb + 1), z);
          if (rho < 1 && Math.abs(term[s]) * rho < TAIL_TOLERANCE * Math.abs(value[s]) * (1 - rho)) {
            done[s] = true;
          }
        }
      }
      shared = next;
    }
    if (!(done[0] && done[1])) {
      throw new ArithmeticException(String.format(
          "2F1(%s, %s/%s; %s; %s) did not converge in %d terms", a, b1, b2, c, z, MAX_TERMS));
    }
    double[] out = new double[2];
    for (int s = 0; s < 2; s++) {
      if (!(value[s] > 0)) {
        throw new ArithmeticException(String.format(
            "2F1(%s, %s; %s; %s) summed to a non-positive value", a, b[s], c, z));
      }
      out[s] = scale[s] + Math.log(value[s]);
    }
    return out;
  }

  /**
   * (2F1(a, b; c; z) - 1) / b, continuous at b = 0: sum over k >= 1 of
   * (a)_k (b+1)_(k-1) / ((c)_k k!) z^k. Used where b is a parameter near zero and the quotient would
   * otherwise cancel catastrophically.
   */
  static double reducedTail(double a, double b, double c, double z) {
    if (z == 0 || a == 0) {
      return 0;
    }
    double first = a * z / c;
    Sum s = sum(Math.log(Math.abs(first)), Math.signum(first), 1, a, b, c, z);
    return s.sign * Math.exp(s.logAbs);
  }

  /**
   * Signed sum of u_k, k >= k0, with u_(k+1) / u_k = (a+k)(b+k) / ((c+k)(k+1)) z. Terms and the
   * partial sum are held relative to a running scale e^scale, which grows by RESCALE whenever
   * they get large: log-space summation without a logarithm per term.
   */
  private static Sum sum(double logFirst, double signFirst, int k0, double a, double b, double c,
      double z) {
    if (!(z >= 0 && z < 1) || !Double.isFinite(a) || !Double.isFinite(b) || !Double.isFinite(c)) {
      throw new ArithmeticException(String.format("2F1 series needs finite a, b, c and 0 <= z < 1, "
          + "got a=%s b=%s c=%s z=%s", a, b, c, z));
    }
    double scale = logFirst; // partial sum = value * e^scale, current term = term * e^scale
    double value = signFirst;
    double term = signFirst;
    if (z == 0) {
      return finish(scale, value);
    }
    double positiveFrom = Math.max(0, Math.max(-a, Math.max(-b, -c))) + 1;
    // The ratio u_(k+1)/u_k is computed once per term and serves both the update and the next
    // tail bound (one division per term: scoring millions of customers is mostly this loop).
    double ratio = ratio(a, b, c, z, k0);
    for (int k = k0; k < MAX_TERMS; k++) {
      double fa = a + k;
      double fb = b + k;
      double fc = c + k;
      if (fa == 0 || fb == 0) { // terminating (polynomial) series
        return finish(scale, value);
      }
      if (fc == 0) {
        throw new ArithmeticException("2F1 series hit a pole at c = " + c);
      }
      term *= ratio;
      value += term;
      if (Math.abs(term) > RESCALE || Math.abs(value) > RESCALE) {
        term /= RESCALE;
        value /= RESCALE;
        scale += LOG_RESCALE;
      }
      ratio = ratio(a, b, c, z, k + 1);
      if (k + 1 >= positiveFrom && k > k0) {
        double rho = Math.max(ratio, z);
        if (rho < 1 && Math.abs(term) * rho < TAIL_TOLERANCE * Math.abs(value) * (1 - rho)) {
          return finish(scale, value);
        }
      }
    }
    throw new ArithmeticException(String.format(
        "2F1(%s, %s; %s; %s) did not converge in %d terms", a, b, c, z, MAX_TERMS));
  }

  /** u_(k+1) / u_k. */
  private static double ratio(double a, double b, double c, double z, int k) {
    return (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
  }

  private static Sum finish(double scale, double value) {
    return new Sum(scale + Math.log(Math.abs(value)), Math.signum(value));
  }

  private record Sum(double logAbs, double sign) {}
}
