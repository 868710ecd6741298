package io.centraal.scoring.model.btyd;

import java.io.Serializable;

/**
 * A fitted buy-till-you-die model of the number and timing of repeat purchases.
 *
 * <p>Inputs follow the Fader-Hardie summary convention, all in the same time unit the model was
 * fitted in (days or weeks): {@code x} = number of repeat purchase periods (first purchase
 * excluded), {@code tx} = time from the first to the last purchase (0 when x = 0), {@code t} (or
 * {@code T}) = time from the first purchase to the end of the observation window. Methods throw
 * {@link IllegalArgumentException} for invalid rows (negative values, tx &gt; T, non-finite) and
 * return finite values for every valid row, including x in the hundreds and T close to 0.
 */
public interface TransactionModel extends Serializable {

  /** Model name as recorded in {@link FitResult#modelName()}. */
  String name();

  /** Log-likelihood of one customer's summary (x, tx, T). */
  double logLikelihood(double x, double tx, double t);

  /** E[X(t)]: expected repeat purchases in (0, t] of a customer who just made a first purchase. */
  double expectedPurchasesNewCustomer(double t);

  /** E[X(T, T+t] | x, tx, T]: expected repeat purchases in the next {@code t} time units. */
  double conditionalExpectedPurchases(double t, double x, double tx, double age);

  /**
   * E[X(T, T+t] | alive at T, x, T]: expected repeat purchases in the next {@code t} time units of
   * a customer known to be alive. It does not depend on tx, and
   * {@code conditionalExpectedPurchases(t, x, tx, T) == probabilityAlive(x, tx, T) *
   * expectedPurchasesIfAlive(t, x, T)} exactly, so scorers can share it between customers with the
   * same x and T.
   */
  double expectedPurchasesIfAlive(double t, double x, double age);

  /** P(the customer has not dropped out by T | x, tx, T), in [0, 1]. */
  double probabilityAlive(double x, double tx, double age);

  /**
   * Whether {@link #conditionalProbabilityOfPurchases} has a closed form for this model (BG/NBD,
   * MBG/NBD and NBD; not Pareto/NBD, whose conditional distribution needs a numerical integral).
   */
  default boolean hasPurchaseDistribution() {
    return false;
  }

  /**
   * P(X(T, T+t] = n | x, tx, T): the probability of exactly {@code n} repeat purchases in the next
   * {@code t} time units, the distribution behind a predictive interval for a customer's future
   * purchases. Summed over n it is 1, and its mean is {@link #conditionalExpectedPurchases}.
   *
   * @throws UnsupportedOperationException when {@link #hasPurchaseDistribution()} is false
   */
  default double conditionalProbabilityOfPurchases(double t, int n, double x, double tx, double age) {
    throw new UnsupportedOperationException(name() + " has no closed-form distribution of future purchases");
  }

  /** Rebuilds the model a {@link FitResult} describes (BG/NBD, MBG/NBD, Pareto/NBD or NBD). */
  static TransactionModel fromFit(FitResult fit) {
    return switch (fit.modelName()) {
      case BgNbdModel.NAME -> BgNbdModel.fromFit(fit);
      case ModifiedBgNbdModel.NAME -> ModifiedBgNbdModel.fromFit(fit);
      case ParetoNbdModel.NAME -> ParetoNbdModel.fromFit(fit);
      case NbdModel.NAME -> NbdModel.fromFit(fit);
      default -> throw new IllegalArgumentException(
          "not a transaction model: " + fit.modelName() + " (expected " + BgNbdModel.NAME + ", "
              + ModifiedBgNbdModel.NAME + ", " + ParetoNbdModel.NAME + " or " + NbdModel.NAME + ")");
    };
  }
}
