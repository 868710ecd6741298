package io.centraal.scoring.model.btyd;

import java.io.Serializable;

/**
 * A model of a customer's spend per purchase: the Gamma-Gamma model, or the shrunk empirical mean
 * that stands in for it when it cannot be trusted ({@link SpendModelSelection}).
 */
public interface SpendModel extends Serializable {

  /**
   * E[spend per purchase | x repeat purchases with mean spend mx]; the population mean for x = 0.
   * A negative mx (returns exceeding purchases) is to be passed as 0 by the caller.
   */
  double conditionalExpectedAverageSpend(double x, double mx);

  /** E[spend per purchase] of a random customer. */
  double populationMeanSpend();

  /** Rebuilds the model a {@link FitResult} describes (Gamma-Gamma or the shrunk mean). */
  static SpendModel fromFit(FitResult fit) {
    return switch (fit.modelName()) {
      case GammaGammaModel.NAME -> GammaGammaModel.fromFit(fit);
      case ShrunkMeanSpendModel.NAME -> ShrunkMeanSpendModel.fromFit(fit);
      default -> throw new IllegalArgumentException("not a spend model: " + fit.modelName() + " (expected "
          + GammaGammaModel.NAME + " or " + ShrunkMeanSpendModel.NAME + ")");
    };
  }
}
