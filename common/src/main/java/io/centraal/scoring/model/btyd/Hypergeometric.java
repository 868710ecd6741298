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
      term *= fa * fb / (fc * (k + 1)) * z;
      value += term;
      if (Math.abs(term) > RESCALE || Math.abs(value) > RESCALE) {
        term /= RESCALE;
        value /= RESCALE;
        scale += LOG_RESCALE;
      }
      if (k + 1 >= positiveFrom && k > k0) {
        double next = (a + k + 1) * (b + k + 1) / ((c + k + 1) * (k + 2)) * z;
        double rho = Math.max(next, z);
        if (rho < 1 && Math.abs(term) * rho / (1 - rho) < TAIL_TOLERANCE * Math.abs(value)) {
          return finish(scale, value);
        }
      }
    }
    throw new ArithmeticException(String.format(
        "2F1(%s, %s; %s; %s) did not converge in %d terms", a, b, c, z, MAX_TERMS));
  }

  private static Sum finish(double scale, double value) {
    return new Sum(scale + Math.log(Math.abs(value)), Math.signum(value));
  }

  private record Sum(double logAbs, double sign) {}
}
