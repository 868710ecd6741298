package io.centraal.scoring.model.btyd;

import java.util.List;
import org.apache.commons.math3.special.Gamma;

/**
 * The Gamma-Gamma model of spend per transaction, Fader, Hardie &amp; Lee (2005b), "RFM and CLV:
 * Using Iso-Value Curves for Customer Base Analysis", JMR 42(4), as derived in Fader &amp; Hardie,
 * note 025 "The Gamma-Gamma Model of Monetary Value" (2013): each transaction value is
 * Gamma(p, rate nu), nu ~ Gamma(q, rate gamma) across customers, independent of the transaction
 * process. Fitted on repeat buyers only (x &gt; 0, m_x = mean of the repeat transaction values
 * &gt; 0), because the first purchase often differs systematically from later ones.
 *
 * <p>Per-customer log density of m_x given x (note 025 eq. 3), in log space:
 * <pre>
 *   lnGamma(px+q) - lnGamma(px) - lnGamma(q) + q ln(gamma) + (px-1) ln(m_x) + px ln(x)
 *     - (px+q) ln(gamma + x m_x)
 * </pre>
 * Spend is in the currency of the data; the model is scale-equivariant (gamma scales with it).
 *
 * @param p shape of the per-transaction spend distribution
 * @param q shape of the distribution of the spend rate nu across customers (&gt; 1 for a finite
 *     mean spend)
 * @param gamma rate of the distribution of nu, in currency units
 */
public record GammaGammaModel(double p, double q, double gamma) implements SpendModel {
  private static final long serialVersionUID = 1L;

  /** Name recorded in {@link FitResult#modelName()}. */
  public static final String NAME = "gamma_gamma";
  static final List<String> PARAM_NAMES = List.of("p", "q", "gamma");

  public GammaGammaModel {
    Checks.positiveParameters(NAME, PARAM_NAMES, p, q, gamma);
  }

  /**
   * Fits p, q, gamma by (penalised) maximum likelihood. Throws {@link ModelIdentificationException}
   * when there are fewer repeat buyers than {@link FitOptions#minRepeatBuyers()}, or when the
   * fitted q &lt;= 1, for which the mean spend, and so every CLV, would be infinite.
   */
  public static FitResult fit(SpendSummary summary, FitOptions options) {
    FitResult fit = fitAnyQ(summary, options);
    if (!hasFiniteMean(fit)) {
      throw new ModelIdentificationException(NAME + ": fitted q = " + fit.param("q")
          + " <= 1, so the population mean spend p*gamma/(q-1) is not finite; the spend data "
          + "are too heavy-tailed for the Gamma-Gamma model (cap outliers or add an l2 penalty)");
    }
    return fit;
  }

  /** The maximum-likelihood fit without the q &gt; 1 check of {@link #fit}. */
  static FitResult fitAnyQ(SpendSummary summary, FitOptions options) {
    long buyers = Math.round(summary.customers());
    if (buyers < options.minRepeatBuyers()) {
      throw ModelIdentificationException.tooFewRepeatBuyers(NAME, buyers, options.minRepeatBuyers());
    }
    MaximumLikelihood.LogLikelihood ll = (params, grad) -> totalLogLikelihood(params, summary, grad);
    double mean = summary.meanSpend();
    // Start where the population mean p gamma / (q - 1) equals the observed mean.
    List<double[]> starts = List.of(new double[] {1, 2, mean}, new double[] {4, 3, mean / 2});
    return MaximumLikelihood.fit(new MaximumLikelihood.Problem(NAME, PARAM_NAMES, ll, true,
        starts, summary.customers(), summary.distinctRows()), options);
  }

  /** q &gt; 1: the population mean spend p gamma / (q - 1) is finite. */
  static boolean hasFiniteMean(FitResult fit) {
    return fit.param("q") > 1;
  }

  /** The model with the parameters of {@code fit}, which must be a Gamma-Gamma fit. */
  public static GammaGammaModel fromFit(FitResult fit) {
    if (!NAME.equals(fit.modelName())) {
      throw new IllegalArgumentException("not a " + NAME + " fit: " + fit.modelName());
    }
    return new GammaGammaModel(fit.param("p"), fit.param("q"), fit.param("gamma"));
  }

  /** Log density of the mean repeat spend {@code mx} of a customer with {@code x} repeat purchases. */
  public double logLikelihood(double x, double mx) {
    Checks.spendRow(x, mx);
    return totalLogLikelihood(new double[] {p, q, gamma},
        SpendSummary.ofDistinctRows(new double[] {x}, new double[] {mx}, new double[] {1}), null);
  }

  /**
   * E[spend per transaction | x, m_x] (note 025 eq. 5): the weighted average
   * (q-1)/(px+q-1) * p gamma/(q-1) + px/(px+q-1) * m_x of the population mean and the customer's
   * own mean. For x = 0 (no repeat purchase, m_x ignored) it is the population mean
   * p gamma/(q-1). Needs q &gt; 1, which {@link #fit} guarantees.
   *
   * @param x number of repeat purchases, &gt;= 0
   * @param mx mean repeat spend, &gt;= 0 (a customer whose repeat purchases netted to 0 pulls the
   *     estimate toward 0); ignored when x = 0
   */
  @Override
  public double conditionalExpectedAverageSpend(double x, double mx) {
    if (!(q > 1)) {
      throw new IllegalStateException(NAME + " with q = " + q + " <= 1 has no finite mean spend");
    }
    if (!(x >= 0) || Double.isInfinite(x)) {
      throw new IllegalArgumentException("frequency must be finite and >= 0, got " + x);
    }
    if (x == 0) {
      return populationMeanSpend();
    }
    if (!(mx >= 0) || Double.isInfinite(mx)) {
      throw new IllegalArgumentException("monetary value must be finite and >= 0, got " + mx);
    }
    return (gamma + x * mx) * p / (p * x + q - 1);
  }

  /** E[spend per transaction] of a random customer, p gamma / (q - 1). */
  @Override
  public double populationMeanSpend() {
    if (!(q > 1)) {
      throw new IllegalStateException(NAME + " with q = " + q + " <= 1 has no finite mean spend");
    }
    return p * gamma / (q - 1);
  }

  /**
   * Sum of weight * log density over the rows of {@code summary}; adds the gradient with respect to
   * (p, q, gamma) to {@code grad} when not null. Gamma functions of px + q and px are computed
   * once per distinct x (rows are sorted by x); large summaries are summed in parallel
   * chunks ({@link ChunkedSum}).
   */
  static double totalLogLikelihood(double[] params, SpendSummary summary, double[] grad) {
    return ChunkedSum.sum(summary.distinctRows(),
        (from, to, g) -> rangeLogLikelihood(params, summary, from, to, g), grad);
  }

  private static double rangeLogLikelihood(double[] params, SpendSummary summary, int from, int to,
      double[] grad) {
    double p = params[0];
    double q = params[1];
    double gamma = params[2];
    double logGammaQ = Gamma.logGamma(q);
    double logRate = Math.log(gamma);
    double digammaQ = grad != null ? Gamma.digamma(q) : 0;
    double sum = 0;
    double lastX = Double.NaN;
    double gammaTerms = 0; // lnGamma(px+q) - lnGamma(px) - lnGamma(q) + q ln(gamma) + px ln(x)
    double digammaPxQ = 0;
    double digammaPx = 0;
    double logX = 0;
    for (int i = from; i < to; i++) {
      double x = summary.x(i);
      double px = p * x;
      if (x != lastX) {
        lastX = x;
        logX = Math.log(x);
        gammaTerms = Gamma.logGamma(px + q) - Gamma.logGamma(px) - logGammaQ + q * logRate
            + px * logX;
        if (grad != null) {
          digammaPxQ = Gamma.digamma(px + q);
          digammaPx = Gamma.digamma(px);
        }
      }
      double w = summary.weight(i);
      double mx = summary.mx(i);
      double logMx = summary.logMx(i);
      double logTotal = Math.log(gamma + x * mx);
      sum += w * (gammaTerms + (px - 1) * logMx - (px + q) * logTotal);
      if (grad != null) {
        grad[0] += w * x * (digammaPxQ - digammaPx + logMx + logX - logTotal);
        grad[1] += w * (digammaPxQ - digammaQ + logRate - logTotal);
        grad[2] += w * (q / gamma - (px + q) / (gamma + x * mx));
      }
    }
    return sum;
  }
}
