package io.centraal.scoring.model.btyd;

import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;

/**
 * The BG/NBD model of Fader, Hardie &amp; Lee (2005), "Counting Your Customers the Easy Way: An
 * Alternative to the Pareto/NBD Model", Marketing Science 24(2): while alive, a customer buys as a
 * Poisson process with rate lambda ~ Gamma(r, rate alpha); after each repeat purchase the customer
 * drops out with probability p ~ Beta(a, b). Chosen as the default transaction model because its
 * likelihood needs no special functions and fits in milliseconds, with forecasts close to the
 * Pareto/NBD's on CDNOW.
 *
 * <p>Times (t, tx, T, alpha's reciprocal) are in the unit of the data the model was fitted on.
 * See {@link TransactionModel} for the input convention. All likelihood terms are computed in log
 * space (log-gamma, log-beta, log-sum-exp); the conditional expectation uses the stable
 * hypergeometric form of {@link BetaGeometricFamily#expectedIfAlive}.
 *
 * @param r shape of the purchase-rate distribution
 * @param alpha rate (inverse scale) of the purchase-rate distribution, in time units
 * @param a first shape of the dropout-probability distribution
 * @param b second shape of the dropout-probability distribution
 */
public record BgNbdModel(double r, double alpha, double a, double b) implements TransactionModel {
  private static final long serialVersionUID = 1L;

  /** Name recorded in {@link FitResult#modelName()}. */
  public static final String NAME = "bg_nbd";

  public BgNbdModel {
    Checks.positiveParameters(NAME, BetaGeometricFamily.PARAM_NAMES, r, alpha, a, b);
  }

  /** Fits the model to {@code summary} by (penalised) maximum likelihood. */
  public static FitResult fit(TransactionSummary summary, FitOptions options) {
    return BetaGeometricFamily.fit(NAME, 0, summary, options);
  }

  /** The model with the parameters of {@code fit}, which must be a BG/NBD fit. */
  public static BgNbdModel fromFit(FitResult fit) {
    if (!NAME.equals(fit.modelName())) {
      throw new IllegalArgumentException("not a " + NAME + " fit: " + fit.modelName());
    }
    return new BgNbdModel(fit.param("r"), fit.param("alpha"), fit.param("a"), fit.param("b"));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double logLikelihood(double x, double tx, double t) {
    Checks.summaryRow(x, tx, t);
    return BetaGeometricFamily.logLikelihood(r, alpha, a, b, 0, x, tx, t);
  }

  /** FHL (2005) eq. 9, in the stable form of {@link BetaGeometricFamily#expectedIfAlive}. */
  @Override
  public double expectedPurchasesNewCustomer(double t) {
    Checks.horizon(t);
    return BetaGeometricFamily.expectedIfAlive(r, alpha, a, b, t);
  }

  /** FHL (2005) eq. 10. */
  @Override
  public double conditionalExpectedPurchases(double t, double x, double tx, double age) {
    Checks.horizon(t);
    Checks.summaryRow(x, tx, age);
    return BetaGeometricFamily.conditionalExpected(r, alpha, a, b, 0, t, x, tx, age);
  }

  @Override
  public double expectedPurchasesIfAlive(double t, double x, double age) {
    Checks.horizon(t);
    Checks.summaryRow(x, 0, age);
    return BetaGeometricFamily.expectedIfAlive(r + x, alpha + age, a, b + x, t);
  }

  /** Fader, Hardie &amp; Lee, note 021 "Computing P(alive) using the BG/NBD model". */
  @Override
  public double probabilityAlive(double x, double tx, double age) {
    Checks.summaryRow(x, tx, age);
    return BetaGeometricFamily.probabilityAlive(r, alpha, a, b, 0, x, tx, age);
  }

  @Override
  public boolean hasPurchaseDistribution() {
    return true;
  }

  /**
   * A customer alive at T behaves from T on like a new customer whose parameters are updated by
   * the history (lambda ~ Gamma(r + x, alpha + T), p ~ Beta(a, b + x)); a customer who dropped out
   * buys nothing. So P(X = n | x, tx, T) = (1 - P(alive)) [n = 0] + P(alive) P_new(X(t) = n) with
   * the updated parameters (FHL 2005 eq. 8).
   */
  @Override
  public double conditionalProbabilityOfPurchases(double t, int n, double x, double tx, double age) {
    return ifAliveOrGone(probabilityAlive(x, tx, age), new BgNbdModel(r + x, alpha + age, a, b + x), t, n);
  }

  /**
   * P(X = n) of a customer alive with probability {@code alive} who, if alive, buys as a new
   * customer of {@code updated} would; shared with MBG/NBD, which differs only in the update.
   */
  static double ifAliveOrGone(double alive, BgNbdModel updated, double t, int n) {
    return (n == 0 ? 1 - alive : 0) + alive * updated.probabilityOfPurchases(t, n);
  }

  /**
   * P(X(t) = n) for a customer who just made a first purchase, FHL (2005) eq. 8. The bracket
   * 1 - sum_(j&lt;n) NB(j) is the upper tail of a negative binomial, computed as the regularised
   * incomplete beta I_(t/(alpha+t))(n, r) so that tiny probabilities keep their relative accuracy.
   */
  public double probabilityOfPurchases(double t, int n) {
    Checks.horizon(t);
    if (n < 0) {
      throw new IllegalArgumentException("number of purchases must be >= 0, got " + n);
    }
    if (t == 0) {
      return n == 0 ? 1 : 0;
    }
    double logBetaAb = Beta.logBeta(a, b);
    double logStay = Math.log(alpha / (alpha + t));
    double logBuy = Math.log(t / (alpha + t));
    double first = Beta.logBeta(a, b + n) - logBetaAb + Gamma.logGamma(r + n) - Gamma.logGamma(r)
        - Gamma.logGamma(n + 1.0) + r * logStay + (n == 0 ? 0 : n * logBuy);
    if (n == 0) {
      return Math.exp(first);
    }
    double tail = Beta.regularizedBeta(t / (alpha + t), n, r);
    double second = tail > 0
        ? Beta.logBeta(a + 1, b + n - 1) - logBetaAb + Math.log(tail) : Double.NEGATIVE_INFINITY;
    return Math.exp(LogMath.logAddExp(first, second));
  }
}
