package io.centraal.scoring.model.btyd;

import java.util.List;
import org.apache.commons.math3.special.Gamma;

/**
 * Shared math of the BG/NBD (Fader, Hardie &amp; Lee 2005) and the MBG/NBD (Batislam, Denizel &amp;
 * Filiztekin 2007). Both have Poisson purchasing at rate lambda ~ Gamma(r, rate alpha) and a coin
 * flip with dropout probability p ~ Beta(a, b) after each repeat purchase; the MBG/NBD flips the
 * coin once more right after the first purchase. With k = 1 for the MBG/NBD and 0 for the BG/NBD, a customer who made x repeat purchases survived x + k flips, so:
 * <ul>
 *   <li>L = Gamma(r+x) alpha^r / Gamma(r) * B(a, b+x+k) / B(a, b)
 *       * [ (alpha+T)^-(r+x) + [x+k &gt; 0] a / (b+x+k-1) (alpha+t_x)^-(r+x) ];</li>
 *   <li>P(alive) = 1 / (1 + [x+k &gt; 0] a / (b+x+k-1) ((alpha+T)/(alpha+t_x))^(r+x));</li>
 *   <li>given alive at T, lambda ~ Gamma(r+x, alpha+T) and p ~ Beta(a, b+x+k), and the expected
 *       purchases in (T, T+t] are E[(1 - exp(-lambda p t)) / p] (see {@link #expectedIfAlive}).</li>
 * </ul>
 * Parameter order everywhere: r, alpha, a, b.
 */
final class BetaGeometricFamily {
  private BetaGeometricFamily() {}

  static final List<String> PARAM_NAMES = List.of("r", "alpha", "a", "b");

  /** Below this |a - 1| the (a - 1) quotient is evaluated through the reduced series. */
  private static final double NEAR_ONE = 1e-3;

  /** Log-likelihood of one (x, t_x, T) row, in log space throughout. */
  static double logLikelihood(double r, double alpha, double a, double b, int k, double x,
      double tx, double t) {
    return new FrequencyTerms(r, alpha, a, b, k, x, false)
        .logLikelihood(Math.log(alpha + tx), Math.log(alpha + t), 0, 0, 1, null);
  }

  /**
   * Sum of weight * log L over the rows of {@code summary}; if {@code grad} is not null, adds the
   * gradient with respect to (r, alpha, a, b). The gamma-function terms depend on x only, so they
   * are computed once per distinct x (rows are sorted by x), and the terms in t_x or T once per
   * distinct time ({@link TransactionSummary#timeGrid}), not once per row; large summaries are
   * summed in parallel chunks ({@link ChunkedSum}).
   */
  static double totalLogLikelihood(double[] p, int k, TransactionSummary summary, double[] grad) {
    TransactionSummary.TimeGrid grid = summary.timeGrid();
    double alpha = p[1];
    double[] logAlphaTime = new double[grid.times().length];
    double[] inverseAlphaTime = grad == null ? null : new double[logAlphaTime.length];
    for (int j = 0; j < logAlphaTime.length; j++) {
      logAlphaTime[j] = Math.log(alpha + grid.times()[j]);
      if (inverseAlphaTime != null) {
        inverseAlphaTime[j] = 1 / (alpha + grid.times()[j]);
      }
    }
    return ChunkedSum.sum(summary.distinctRows(), (from, to, g) -> {
      double sum = 0;
      FrequencyTerms terms = null;
      for (int i = from; i < to; i++) {
        double x = summary.x(i);
        if (terms == null || terms.x != x) {
          terms = new FrequencyTerms(p[0], alpha, p[2], p[3], k, x, g != null);
        }
        int tx = grid.txAt()[i];
        int t = grid.tAt()[i];
        sum += g == null
            ? terms.logLikelihood(logAlphaTime[tx], logAlphaTime[t], 0, 0, summary.weight(i), null)
            : terms.logLikelihood(logAlphaTime[tx], logAlphaTime[t], inverseAlphaTime[tx], inverseAlphaTime[t],
                summary.weight(i), g);
      }
      return sum;
    }, grad);
  }

  /**
   * The parts of the likelihood that depend on the parameters and x only:
   * log[Gamma(r+x) alpha^r / Gamma(r) * B(a, b+x+k) / B(a, b)] and log[a / (b+x+k-1)], with
   * their parameter derivatives when a gradient is wanted.
   */
  private static final class FrequencyTerms {
    final double a;
    final double x;
    final double rx;
    final boolean deathTerm;
    final double constant;
    final double logDeathOdds;
    final double bxk1;
    final double[] constantGrad;

    FrequencyTerms(double r, double alpha, double a, double b, int k, double x, boolean withGrad) {
      this.a = a;
      this.x = x;
      this.rx = r + x;
      double bxk = b + x + k;
      this.bxk1 = bxk - 1;
      this.deathTerm = x + k > 0;
      this.constant = Gamma.logGamma(rx) - Gamma.logGamma(r) + r * Math.log(alpha)
          + Gamma.logGamma(a + b) + Gamma.logGamma(bxk) - Gamma.logGamma(b)
          - Gamma.logGamma(a + bxk);
      this.logDeathOdds = deathTerm ? Math.log(a) - Math.log(bxk1) : Double.NEGATIVE_INFINITY;
      if (withGrad) {
        double digammaAbx = Gamma.digamma(a + bxk);
        double digammaAb = Gamma.digamma(a + b);
        constantGrad = new double[] {
            Gamma.digamma(rx) - Gamma.digamma(r) + Math.log(alpha),
            r / alpha,
            digammaAb - digammaAbx,
            digammaAb + Gamma.digamma(bxk) - Gamma.digamma(b) - digammaAbx};
      } else {
        constantGrad = null;
      }
    }

    /**
     * log L of a row, given log(alpha + t_x) and log(alpha + T); adds weight * gradient to
     * {@code grad} when not null, which then needs 1 / (alpha + t_x) and 1 / (alpha + T) too.
     *
     * <p>log L = constant + log(e^alive + e^dead), the two terms being the customer still alive at
     * T or dropped out after t_x. One exponential serves both the log-sum and the gradient's
     * weight of the dropout term: with d = alive - dead and e = exp(-|d|), log(e^alive + e^dead)
     * = max + log(1 + e) and w_dead = e^dead / (e^alive + e^dead) = e / (1 + e) or 1 / (1 + e).
     * log(1 + e) rather than log1p(e): e is at most 1, so the absolute error stays below 2e-16,
     * and Math.log is an intrinsic where log1p is a native call.
     */
    double logLikelihood(double logAlphaTx, double logAlphaT, double inverseAlphaTx,
        double inverseAlphaT, double weight, double[] grad) {
      double alive = -rx * logAlphaT;
      double logSum;
      double wDead;
      if (deathTerm) {
        double dead = logDeathOdds - rx * logAlphaTx;
        double d = alive - dead;
        double e = Math.exp(-Math.abs(d));
        logSum = Math.max(alive, dead) + Math.log(1 + e);
        wDead = d >= 0 ? e / (1 + e) : 1 / (1 + e);
      } else {
        logSum = alive;
        wDead = 0;
      }
      if (grad != null) {
        double wAlive = 1 - wDead;
        grad[0] += weight * (constantGrad[0] - wAlive * logAlphaT - wDead * logAlphaTx);
        grad[1] += weight * (constantGrad[1] - rx * (wAlive * inverseAlphaT + wDead * inverseAlphaTx));
        grad[2] += weight * (constantGrad[2] + wDead / a);
        grad[3] += weight * (constantGrad[3] - (deathTerm ? wDead / bxk1 : 0));
      }
      return weight * (constant + logSum);
    }
  }

  /** P(customer still alive at T | x, t_x, T). */
  static double probabilityAlive(double r, double alpha, double a, double b, int k, double x,
      double tx, double t) {
    if (x + k == 0) {
      return 1.0;
    }
    double logOdds = Math.log(a) - Math.log(b + x + k - 1)
        + (r + x) * (Math.log(alpha + t) - Math.log(alpha + tx));
    return LogMath.inverseOnePlusExp(logOdds);
  }

  /** E[X(T, T+t] | x, t_x, T] = P(alive) * E[purchases | alive]. */
  static double conditionalExpected(double r, double alpha, double a, double b, int k, double t,
      double x, double tx, double age) {
    return probabilityAlive(r, alpha, a, b, k, x, tx, age)
        * expectedIfAlive(r + x, alpha + age, a, b + x + k, t);
  }

  /**
   * E[(1 - exp(-lambda p t)) / p] for lambda ~ Gamma(n, rate m) and p ~ Beta(a, bb): the expected
   * purchases in the next t time units of a customer known to be alive.
   *
   * <p>Why this form: the textbook expression (a+bb-1)/(a-1) [1 - (m/(m+t))^n 2F1(n, bb; a+bb-1; z)]
   * has parameters of size x inside the series and a pole at a + bb = 1. Splitting E[f(p)] under
   * Beta(a, bb) into bb/(a+bb) E[f] under Beta(a, bb+1) plus E[p f(p)] and applying Euler's
   * transformation to both pieces gives, with z = t/(m+t), L = log(1-z), C = a+bb, A = C-n:
   * <pre>
   *   bb * [1 - (1-z)^(a-1) 2F1(A, a-1; C; z)] / (a-1)  +  1 - (1-z)^a 2F1(A, a; C; z)
   * </pre>
   * where A = a + b - r (+1 for MBG) does not grow with x, and C &gt; 0 always. The (a-1) quotient
   * is computed through {@link Hypergeometric#reducedTail} when a is within 1e-3 of 1.
   */
  static double expectedIfAlive(double n, double m, double a, double bb, double t) {
    if (t == 0) {
      return 0;
    }
    double z = t / (m + t);
    double logOneMinusZ = -Math.log1p(t / m);
    double c = a + bb;
    double aa = c - n;
    double eps = a - 1;
    double quotient;
    double logSecond;
    if (Math.abs(eps) >= NEAR_ONE) {
      double[] logF = Hypergeometric.log2F1Pair(aa, eps, a, c, z);
      quotient = -Math.expm1(eps * logOneMinusZ + logF[0]) / eps;
      logSecond = logF[1];
    } else {
      double tail = Hypergeometric.reducedTail(aa, eps, c, z);
      quotient = -LogMath.expm1Ratio(eps, logOneMinusZ) - tail * Math.exp(eps * logOneMinusZ);
      logSecond = Hypergeometric.log2F1(aa, a, c, z);
    }
    double second = -Math.expm1(a * logOneMinusZ + logSecond);
    return bb * quotient + second;
  }

  /** Fits r, alpha, a, b by maximum likelihood over the distinct rows of {@code summary}. */
  static FitResult fit(String name, int k, TransactionSummary summary, FitOptions options) {
    long repeatBuyers = Math.round(summary.repeatBuyers());
    if (repeatBuyers < options.minRepeatBuyers()) {
      throw ModelIdentificationException.tooFewRepeatBuyers(name, repeatBuyers,
          options.minRepeatBuyers());
    }
    double[] totals = summary.totals();
    double rate = totals[0] / totals[1]; // repeat purchases per unit of time, = E[lambda] = r/alpha
    MaximumLikelihood.LogLikelihood ll = (p, grad) -> totalLogLikelihood(p, k, summary, grad);
    List<double[]> starts = List.of(new double[] {1, 1 / rate, 1, 1},
        new double[] {0.5, 0.5 / rate, 0.5, 2});
    return MaximumLikelihood.fit(new MaximumLikelihood.Problem(name, PARAM_NAMES, ll, true, starts,
        summary.customers(), summary.distinctRows()), options);
  }
}
