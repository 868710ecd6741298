package io.centraal.scoring.model.btyd;

/**
 * The data cannot identify the model: too few repeat buyers, a non-finite likelihood at every
 * starting point, an optimiser that did not converge, or a Hessian that is not positive definite at
 * the optimum. Thrown instead of returning parameters that would turn into NaN scores downstream.
 */
public final class ModelIdentificationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ModelIdentificationException(String message) {
    super(message);
  }

  static ModelIdentificationException tooFewRepeatBuyers(String model, long repeatBuyers, long minimum) {
    return new ModelIdentificationException(model + ": " + repeatBuyers
        + " repeat buyers, fewer than the configured minimum of " + minimum
        + "; the purchase and dropout processes cannot be separated on so few repeat purchases");
  }
}
