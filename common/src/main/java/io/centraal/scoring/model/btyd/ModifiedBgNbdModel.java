package io.centraal.scoring.model.btyd;

/**
 * The MBG/NBD model of Batislam, Denizel &amp; Filiztekin (2007), "Empirical validation and
 * comparison of models for customer base analysis", IJRM 24(3): the BG/NBD with one more dropout
 * opportunity right after the first purchase. Under the BG/NBD a customer with no repeat purchase
 * is certainly alive (P(alive) = 1 for x = 0), which overstates the value of one-time buyers; the
 * MBG/NBD lets them drop out too. Same parameters and units as {@link BgNbdModel}.
 *
 * @param r shape of the purchase-rate distribution
 * @param alpha rate of the purchase-rate distribution, in time units
 * @param a first shape of the dropout-probability distribution
 * @param b second shape of the dropout-probability distribution
 */
public record ModifiedBgNbdModel(double r, double alpha, double a, double b)
    implements TransactionModel {
  private static final long serialVersionUID = 1L;

  /** Name recorded in {@link FitResult#modelName()}. */
  public static final String NAME = "mbg_nbd";
  private static final int EXTRA_DROPOUT = 1;

  public ModifiedBgNbdModel {
    Checks.positiveParameters(NAME, BetaGeometricFamily.PARAM_NAMES, r, alpha, a, b);
  }

  /** Fits the model to {@code summary} by (penalised) maximum likelihood. */
  public static FitResult fit(TransactionSummary summary, FitOptions options) {
    return BetaGeometricFamily.fit(NAME, EXTRA_DROPOUT, summary, options);
  }

  /** The model with the parameters of {@code fit}, which must be an MBG/NBD fit. */
  public static ModifiedBgNbdModel fromFit(FitResult fit) {
    if (!NAME.equals(fit.modelName())) {
      throw new IllegalArgumentException("not a " + NAME + " fit: " + fit.modelName());
    }
    return new ModifiedBgNbdModel(fit.param("r"), fit.param("alpha"), fit.param("a"),
        fit.param("b"));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double logLikelihood(double x, double tx, double t) {
    Checks.summaryRow(x, tx, t);
    return BetaGeometricFamily.logLikelihood(r, alpha, a, b, EXTRA_DROPOUT, x, tx, t);
  }

  /** b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))], in stable form. */
  @Override
  public double expectedPurchasesNewCustomer(double t) {
    Checks.horizon(t);
    return BetaGeometricFamily.conditionalExpected(r, alpha, a, b, EXTRA_DROPOUT, t, 0, 0, 0);
  }

  @Override
  public double expectedPurchasesIfAlive(double t, double x, double age) {
    Checks.horizon(t);
    Checks.summaryRow(x, 0, age);
    return BetaGeometricFamily.expectedIfAlive(r + x, alpha + age, a, b + x + EXTRA_DROPOUT, t);
  }

  @Override
  public double conditionalExpectedPurchases(double t, double x, double tx, double age) {
    Checks.horizon(t);
    Checks.summaryRow(x, tx, age);
    return BetaGeometricFamily.conditionalExpected(r, alpha, a, b, EXTRA_DROPOUT, t, x, tx, age);
  }

  @Override
  public double probabilityAlive(double x, double tx, double age) {
    Checks.summaryRow(x, tx, age);
    return BetaGeometricFamily.probabilityAlive(r, alpha, a, b, EXTRA_DROPOUT, x, tx, age);
  }

  @Override
  public boolean hasPurchaseDistribution() {
    return true;
  }

  /**
   * As BG/NBD's ({@link BgNbdModel#conditionalProbabilityOfPurchases}): alive at T, the customer
   * buys as a BG/NBD customer with lambda ~ Gamma(r + x, alpha + T) and p ~ Beta(a, b + x + 1), the
   * extra one for the dropout chance MBG/NBD also gives the first purchase.
   */
  @Override
  public double conditionalProbabilityOfPurchases(double t, int n, double x, double tx, double age) {
    return BgNbdModel.ifAliveOrGone(probabilityAlive(x, tx, age),
        new BgNbdModel(r + x, alpha + age, a, b + x + EXTRA_DROPOUT), t, n);
  }
}
