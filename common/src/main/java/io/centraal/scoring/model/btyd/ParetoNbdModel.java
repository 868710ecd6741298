package io.centraal.scoring.model.btyd;

import java.util.List;
import org.apache.commons.math3.special.Gamma;

/**
 * The Pareto/NBD model of Schmittlein, Morrison &amp; Colombo (1987): while alive, a customer buys
 * as a Poisson process with rate lambda ~ Gamma(r, rate alpha); the unobserved lifetime is
 * exponential with rate mu ~ Gamma(s, rate beta). The likelihood follows Fader &amp; Hardie, note
 * 008 "A Note on Deriving the Pareto/NBD Model and Related Expressions" (2005), eq. (1)-(3):
 * <pre>
 *   L = Gamma(r+x) alpha^r beta^s / Gamma(r)
 *       * [ (alpha+T)^-(r+x) (beta+T)^-s + s/(r+s+x) A0 ]
 * </pre>
 * where A0 is a difference of two Gauss hypergeometric terms. As in the note, the representation
 * is chosen by whether alpha &gt;= beta so that the argument lies in [0, 1):
 * <ul>
 *   <li>alpha &gt;= beta: A0 = F(tx)/(alpha+tx)^(r+s+x) - F(T)/(alpha+T)^(r+s+x),
 *       F(u) = 2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+u));</li>
 *   <li>alpha &lt; beta: the same with alpha and beta swapped and 2F1(r+s+x, r+x; r+s+x+1; .).</li>
 * </ul>
 * Both series are summed in log space ({@link Hypergeometric}) and the difference is taken with
 * log1mexp, so x = 500 or tx = T (A0 = 0) are fine. P(alive) and the conditional expectation
 * (note 008 eq. (11) and (22)) reuse the same A0.
 *
 * <p>The fit uses central-difference gradients (no cheap analytic derivative of the
 * hypergeometric term), see {@link MaximumLikelihood}.
 *
 * @param r shape of the purchase-rate distribution
 * @param alpha rate of the purchase-rate distribution, in time units
 * @param s shape of the dropout-rate distribution
 * @param beta rate of the dropout-rate distribution, in time units
 */
public record ParetoNbdModel(double r, double alpha, double s, double beta)
    implements TransactionModel {
  private static final long serialVersionUID = 1L;

  /** Name recorded in {@link FitResult#modelName()}. */
  public static final String NAME = "pareto_nbd";
  static final List<String> PARAM_NAMES = List.of("r", "alpha", "s", "beta");

  public ParetoNbdModel {
    Checks.positiveParameters(NAME, PARAM_NAMES, r, alpha, s, beta);
  }

  /** Fits the model to {@code summary} by (penalised) maximum likelihood. */
  public static FitResult fit(TransactionSummary summary, FitOptions options) {
    long repeatBuyers = Math.round(summary.repeatBuyers());
    if (repeatBuyers < options.minRepeatBuyers()) {
      throw ModelIdentificationException.tooFewRepeatBuyers(NAME, repeatBuyers,
          options.minRepeatBuyers());
    }
    double[] totals = summary.totals();
    double rate = totals[0] / totals[1];
    double meanAge = totals[1] / summary.customers();
    MaximumLikelihood.LogLikelihood ll = (p, grad) -> totalLogLikelihood(p, summary);
    List<double[]> starts = List.of(new double[] {1, 1 / rate, 1, meanAge},
        new double[] {0.5, 0.5 / rate, 0.5, meanAge / 2});
    return MaximumLikelihood.fit(new MaximumLikelihood.Problem(NAME, PARAM_NAMES, ll, false,
        starts, summary.customers(), summary.distinctRows()), options);
  }

  /** The model with the parameters of {@code fit}, which must be a Pareto/NBD fit. */
  public static ParetoNbdModel fromFit(FitResult fit) {
    if (!NAME.equals(fit.modelName())) {
      throw new IllegalArgumentException("not a " + NAME + " fit: " + fit.modelName());
    }
    return new ParetoNbdModel(fit.param("r"), fit.param("alpha"), fit.param("s"),
        fit.param("beta"));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double logLikelihood(double x, double tx, double t) {
    return totalLogLikelihood(new double[] {r, alpha, s, beta}, TransactionSummary.ofDistinctRows(
        new double[] {x}, new double[] {tx}, new double[] {t}, new double[] {1}));
  }

  /** Sum of weight * log L over {@code summary} at params (r, alpha, s, beta). */
  static double totalLogLikelihood(double[] p, TransactionSummary summary) {
    ParetoNbdModel m = new ParetoNbdModel(p[0], p[1], p[2], p[3]);
    double constant = -Gamma.logGamma(m.r) + m.r * Math.log(m.alpha) + m.s * Math.log(m.beta);
    double sum = 0;
    double lastX = Double.NaN;
    double logGammaRx = 0;
    for (int i = 0; i < summary.distinctRows(); i++) {
      double x = summary.x(i);
      if (x != lastX) {
        lastX = x;
        logGammaRx = Gamma.logGamma(m.r + x);
      }
      double t = summary.t(i);
      sum += summary.weight(i) * (logGammaRx + constant
          + LogMath.logAddExp(m.logAliveTerm(x, t), m.logDeathTerm(x, summary.tx(i), t)));
    }
    return sum;
  }

  /** r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)], continuous at s = 1. */
  @Override
  public double expectedPurchasesNewCustomer(double t) {
    Checks.horizon(t);
    return expectedIfAlive(r, 0, t);
  }

  /** Note 008 eq. (22): (r+x)(beta+T)/((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive). */
  @Override
  public double conditionalExpectedPurchases(double t, double x, double tx, double age) {
    Checks.horizon(t);
    Checks.summaryRow(x, tx, age);
    return probabilityAliveUnchecked(x, tx, age) * expectedIfAlive(r + x, age, t);
  }

  @Override
  public double expectedPurchasesIfAlive(double t, double x, double age) {
    Checks.horizon(t);
    Checks.summaryRow(x, 0, age);
    return expectedIfAlive(r + x, age, t);
  }

  /** Note 008 eq. (11): 1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A0). */
  @Override
  public double probabilityAlive(double x, double tx, double age) {
    Checks.summaryRow(x, tx, age);
    return probabilityAliveUnchecked(x, tx, age);
  }

  private double probabilityAliveUnchecked(double x, double tx, double age) {
    return LogMath.inverseOnePlusExp(logDeathTerm(x, tx, age) - logAliveTerm(x, age));
  }

  /** E[lambda] E[(1 - exp(-mu t)) / mu] with lambda ~ Gamma(n, alpha+T), mu ~ Gamma(s, beta+T). */
  private double expectedIfAlive(double n, double age, double t) {
    double logShrink = -Math.log1p(t / (beta + age)); // log((beta+T)/(beta+T+t))
    return n * (beta + age) / (alpha + age) * -LogMath.expm1Ratio(s - 1, logShrink);
  }

  /** log[(alpha+T)^-(r+x) (beta+T)^-s]: still alive at T. */
  private double logAliveTerm(double x, double t) {
    return -(r + x) * Math.log(alpha + t) - s * Math.log(beta + t);
  }

  /** log[s/(r+s+x) A0]: dropped out between tx and T; -infinity when tx = T. */
  private double logDeathTerm(double x, double tx, double t) {
    double rsx = r + s + x;
    boolean alphaLarger = alpha >= beta;
    double m = alphaLarger ? alpha : beta;
    double second = alphaLarger ? s + 1 : r + x;
    double gap = Math.abs(alpha - beta);
    double atTx = Hypergeometric.log2F1(rsx, second, rsx + 1, gap / (m + tx)) - rsx * Math.log(m + tx);
    double atT = Hypergeometric.log2F1(rsx, second, rsx + 1, gap / (m + t)) - rsx * Math.log(m + t);
    if (atT >= atTx) {
      return Double.NEGATIVE_INFINITY; // tx = T, or equal to rounding
    }
    return Math.log(s) - Math.log(rsx) + atTx + LogMath.log1mExp(atT - atTx);
  }
}
