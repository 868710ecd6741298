package io.centraal.scoring.model.btyd;

import java.util.List;

/**
 * The fallback spend model: a customer's mean repeat spend shrunk towards the population mean by
 * credibility weighting (Buhlmann &amp; Straub 1970),
 * <pre>
 *   E[spend | x, m_x] = (k * mu + x * m_x) / (k + x)
 * </pre>
 * with mu the mean spend per repeat purchase over all repeat buyers and k the prior weight in
 * purchases. It is the form of the Gamma-Gamma conditional expectation (there k = (q-1)/p) without
 * its distributional assumptions, so it stays finite and sensible where the Gamma-Gamma fit does
 * not: spend so heavy-tailed that q &lt;= 1 (infinite mean), constant spend (no variance to fit),
 * or too few repeat buyers.
 *
 * <p><b>k by the method of moments.</b> If a customer's purchases have variance sigma^2 around
 * their own mean and customers' means vary with variance tau^2 around mu, then
 * E[(m_x - mu)^2] = tau^2 + sigma^2 / x. A least-squares fit of (m_x - mu)^2 on 1/x over the
 * repeat buyers (weighted by customers) estimates both, and k = sigma^2 / tau^2. When tau^2 &lt;= 0
 * the data show no differences between customers beyond noise: k = {@value #MAX_PRIOR_WEIGHT}
 * (everyone gets mu); when sigma^2 &lt;= 0 (constant spend per customer) k = 0.
 *
 * @param mean population mean spend per repeat purchase mu
 * @param priorWeight k, in purchases
 */
public record ShrunkMeanSpendModel(double mean, double priorWeight) implements SpendModel {
  private static final long serialVersionUID = 1L;

  /** Name recorded in {@link FitResult#modelName()}. */
  public static final String NAME = "shrunk_mean";
  static final List<String> PARAM_NAMES = List.of("mean", "prior_weight");
  /** Stands in for an infinite prior weight (no between-customer variance): full pooling. */
  static final double MAX_PRIOR_WEIGHT = 1e6;

  public ShrunkMeanSpendModel {
    if (!(mean >= 0) || Double.isInfinite(mean) || !(priorWeight >= 0) || Double.isInfinite(priorWeight)) {
      throw new IllegalArgumentException(NAME + " needs a finite mean >= 0 and prior weight >= 0, got mean="
          + mean + " prior_weight=" + priorWeight);
    }
  }

  /** Moment estimates from the repeat buyers of {@code summary}; needs at least one. */
  public static FitResult fit(SpendSummary summary, String unit) {
    int n = summary.distinctRows();
    if (n == 0) {
      throw new ModelIdentificationException(NAME + ": no repeat buyer with a positive mean spend");
    }
    double purchases = 0;
    double spend = 0;
    for (int i = 0; i < n; i++) {
      purchases += summary.weight(i) * summary.x(i);
      spend += summary.weight(i) * summary.x(i) * summary.mx(i);
    }
    double mu = spend / purchases;
    // Weighted least squares of d = (m_x - mu)^2 on (1, 1/x).
    double sw = 0;
    double su = 0;
    double suu = 0;
    double sd = 0;
    double sud = 0;
    for (int i = 0; i < n; i++) {
      double w = summary.weight(i);
      double u = 1 / summary.x(i);
      double d = (summary.mx(i) - mu) * (summary.mx(i) - mu);
      sw += w;
      su += w * u;
      suu += w * u * u;
      sd += w * d;
      sud += w * u * d;
    }
    double det = sw * suu - su * su;
    double tau2;
    double sigma2;
    if (det > 1e-12 * sw * suu) {
      sigma2 = (sw * sud - su * sd) / det;
      tau2 = (sd - sigma2 * su) / sw;
    } else { // every repeat buyer has the same x: sigma^2 and tau^2 cannot be told apart
      sigma2 = 0;
      tau2 = sd / sw;
    }
    double k;
    if (!(sigma2 > 0)) {
      k = 0;
    } else if (!(tau2 > 0)) {
      k = MAX_PRIOR_WEIGHT;
    } else {
      k = Math.min(sigma2 / tau2, MAX_PRIOR_WEIGHT);
    }
    return new FitResult(NAME, PARAM_NAMES, new double[] {mu, k}, new double[] {Double.NaN, Double.NaN},
        Double.NaN, 0, true, Math.round(summary.customers()), n, unit, 0);
  }

  /** The model with the parameters of {@code fit}, which must be a shrunk-mean fit. */
  public static ShrunkMeanSpendModel fromFit(FitResult fit) {
    if (!NAME.equals(fit.modelName())) {
      throw new IllegalArgumentException("not a " + NAME + " fit: " + fit.modelName());
    }
    return new ShrunkMeanSpendModel(fit.param("mean"), fit.param("prior_weight"));
  }

  @Override
  public double conditionalExpectedAverageSpend(double x, double mx) {
    if (!(x >= 0) || Double.isInfinite(x)) {
      throw new IllegalArgumentException("frequency must be finite and >= 0, got " + x);
    }
    if (x == 0) {
      return mean;
    }
    if (!(mx >= 0) || Double.isInfinite(mx)) {
      throw new IllegalArgumentException("monetary value must be finite and >= 0, got " + mx);
    }
    return (priorWeight * mean + x * mx) / (priorWeight + x);
  }

  @Override
  public double populationMeanSpend() {
    return mean;
  }
}
