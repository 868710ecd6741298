package io.centraal.scoring.model.btyd;

import java.util.List;
import org.apache.commons.math3.special.Gamma;

/**
 * The NBD model without dropout (Ehrenberg 1959; the "no dropout" limit of Morrison &amp;
 * Schmittlein 1981): every customer stays a customer and buys as a Poisson process with rate
 * lambda ~ Gamma(r, rate alpha). It is the common limit of the BG/NBD and MBG/NBD as the dropout
 * probability a/(a+b) goes to 0 (a -&gt; 0 or b -&gt; infinity), and of the Pareto/NBD as the dropout
 * rate s/beta goes to 0. On data where almost nobody visibly drops out (a year of a retailer's
 * loyal base) those models' maximum lies on that boundary, where their optimisers cannot converge
 * and their Hessians are singular: this model is then the maximum-likelihood answer, with two
 * well-identified parameters instead of four of which two are not identified.
 *
 * <p>Per-customer likelihood of (x, t_x, T) on the same base measure as the BG/NBD and Pareto/NBD
 * likelihoods (density of the purchase times), so log-likelihoods and BIC compare across them:
 * <pre>
 *   L = Gamma(r+x) / Gamma(r) * alpha^r / (alpha+T)^(r+x)
 * </pre>
 * t_x carries no information (Poisson purchase times are uniform given x). P(alive) = 1; the
 * expected purchases in the next t given (x, T) are (r+x) t / (alpha+T).
 *
 * @param r shape of the purchase-rate distribution
 * @param alpha rate of the purchase-rate distribution, in time units
 */
public record NbdModel(double r, double alpha) implements TransactionModel {
  private static final long serialVersionUID = 1L;

  /** Name recorded in {@link FitResult#modelName()}. */
  public static final String NAME = "nbd";
  static final List<String> PARAM_NAMES = List.of("r", "alpha");

  public NbdModel {
    Checks.positiveParameters(NAME, PARAM_NAMES, r, alpha);
  }

  /** Fits r and alpha by (penalised) maximum likelihood over the distinct rows of {@code summary}. */
  public static FitResult fit(TransactionSummary summary, FitOptions options) {
    long repeatBuyers = Math.round(summary.repeatBuyers());
    if (repeatBuyers < options.minRepeatBuyers()) {
      throw ModelIdentificationException.tooFewRepeatBuyers(NAME, repeatBuyers, options.minRepeatBuyers());
    }
    double[] totals = summary.totals();
    double rate = totals[0] / totals[1];
    MaximumLikelihood.LogLikelihood ll = (p, grad) -> totalLogLikelihood(p, summary, grad);
    List<double[]> starts = List.of(new double[] {1, 1 / rate}, new double[] {0.3, 0.3 / rate},
        new double[] {5, 5 / rate});
    return MaximumLikelihood.fit(new MaximumLikelihood.Problem(NAME, PARAM_NAMES, ll, true, starts,
        summary.customers(), summary.distinctRows()), options);
  }

  /** The model with the parameters of {@code fit}, which must be an NBD fit. */
  public static NbdModel fromFit(FitResult fit) {
    if (!NAME.equals(fit.modelName())) {
      throw new IllegalArgumentException("not a " + NAME + " fit: " + fit.modelName());
    }
    return new NbdModel(fit.param("r"), fit.param("alpha"));
  }

  /** Sum of weight * log L at (r, alpha); adds the gradient when {@code grad} is not null. */
  static double totalLogLikelihood(double[] p, TransactionSummary summary, double[] grad) {
    double r = p[0];
    double alpha = p[1];
    double logGammaR = Gamma.logGamma(r);
    double digammaR = grad == null ? 0 : Gamma.digamma(r);
    double logAlpha = Math.log(alpha);
    return ChunkedSum.sum(summary.distinctRows(), (from, to, g) -> {
      double sum = 0;
      double lastX = Double.NaN;
      double logGammaRx = 0;
      double digammaRx = 0;
      for (int i = from; i < to; i++) {
        double x = summary.x(i);
        if (x != lastX) {
          lastX = x;
          logGammaRx = Gamma.logGamma(r + x);
          digammaRx = g == null ? 0 : Gamma.digamma(r + x);
        }
        double w = summary.weight(i);
        double logAlphaT = Math.log(alpha + summary.t(i));
        sum += w * (logGammaRx - logGammaR + r * logAlpha - (r + x) * logAlphaT);
        if (g != null) {
          g[0] += w * (digammaRx - digammaR + logAlpha - logAlphaT);
          g[1] += w * (r / alpha - (r + x) / (alpha + summary.t(i)));
        }
      }
      return sum;
    }, grad);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double logLikelihood(double x, double tx, double t) {
    Checks.summaryRow(x, tx, t);
    return Gamma.logGamma(r + x) - Gamma.logGamma(r) + r * Math.log(alpha) - (r + x) * Math.log(alpha + t);
  }

  @Override
  public double expectedPurchasesNewCustomer(double t) {
    Checks.horizon(t);
    return r * t / alpha;
  }

  @Override
  public double conditionalExpectedPurchases(double t, double x, double tx, double age) {
    Checks.horizon(t);
    Checks.summaryRow(x, tx, age);
    return (r + x) * t / (alpha + age);
  }

  @Override
  public double expectedPurchasesIfAlive(double t, double x, double age) {
    Checks.horizon(t);
    Checks.summaryRow(x, 0, age);
    return (r + x) * t / (alpha + age);
  }

  /** Nobody drops out under this model. */
  @Override
  public double probabilityAlive(double x, double tx, double age) {
    Checks.summaryRow(x, tx, age);
    return 1.0;
  }

  @Override
  public boolean hasPurchaseDistribution() {
    return true;
  }

  /** Negative binomial with the updated parameters r + x and alpha + T. */
  @Override
  public double conditionalProbabilityOfPurchases(double t, int n, double x, double tx, double age) {
    Checks.horizon(t);
    Checks.summaryRow(x, tx, age);
    if (n < 0) {
      throw new IllegalArgumentException("number of purchases must be >= 0, got " + n);
    }
    double shape = r + x;
    double rate = alpha + age;
    return Math.exp(Gamma.logGamma(shape + n) - Gamma.logGamma(shape) - Gamma.logGamma(n + 1.0)
        + shape * Math.log(rate / (rate + t)) + (n == 0 ? 0 : n * Math.log(t / (rate + t))));
  }
}
