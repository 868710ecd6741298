package io.centraal.scoring.demo;

/**
 * The closed-form BG/NBD expectation for a new customer (Fader, Hardie and Lee 2005, eq. 9):
 * E[X(t)] = (a+b-1)/(a-1) * [1 - (alpha/(alpha+t))^r * 2F1(r, b; a+b-1; t/(alpha+t))], the expected
 * number of repeat purchases in (0, t] after the first purchase at 0. Test-only, independent of the
 * model code on other branches.
 */
final class BgNbdExpectation {
  private BgNbdExpectation() {}

  static double repeatPurchases(double r, double alpha, double a, double b, double t) {
    if (Math.abs(a - 1.0) < 1e-9) {
      throw new IllegalArgumentException("the closed form needs a != 1");
    }
    double z = t / (alpha + t);
    double hyp = hypergeometric2F1(r, b, a + b - 1.0, z);
    return (a + b - 1.0) / (a - 1.0) * (1.0 - Math.pow(alpha / (alpha + t), r) * hyp);
  }

  /** Gauss' series, for |z| < 1. */
  static double hypergeometric2F1(double a, double b, double c, double z) {
    double term = 1.0;
    double sum = 1.0;
    for (int j = 0; j < 1_000_000; j++) {
      term *= (a + j) * (b + j) / ((c + j) * (j + 1.0)) * z;
      sum += term;
      if (Math.abs(term) < 1e-15 * Math.abs(sum)) {
        return sum;
      }
    }
    throw new ArithmeticException("2F1 series did not converge for z = " + z);
  }
}
