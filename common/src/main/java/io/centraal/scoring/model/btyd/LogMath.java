package io.centraal.scoring.model.btyd;

/** Log-space helpers shared by the likelihoods. All inputs and outputs are natural logs. */
final class LogMath {
  private LogMath() {}

  /** log(e^a + e^b) without overflow; either argument may be -infinity. */
  static double logAddExp(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    double max = Math.max(a, b);
    return max + Math.log1p(Math.exp(-Math.abs(a - b)));
  }

  /** log(1 - e^x) for x <= 0, accurate near both 0 and -infinity (Maechler 2012). */
  static double log1mExp(double x) {
    if (x > 0) {
      throw new IllegalArgumentException("log1mExp needs x <= 0, got " + x);
    }
    return x > -Math.log(2) ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
  }

  /** 1 / (1 + e^x), the logistic function of -x, without overflow for large |x|. */
  static double inverseOnePlusExp(double x) {
    if (x > 0) {
      double e = Math.exp(-x);
      return e / (1 + e);
    }
    return 1 / (1 + Math.exp(x));
  }

  /** (e^(eps*y) - 1) / eps, continuous at eps = 0 where it equals y. */
  static double expm1Ratio(double eps, double y) {
    return eps == 0 ? y : Math.expm1(eps * y) / eps;
  }
}
