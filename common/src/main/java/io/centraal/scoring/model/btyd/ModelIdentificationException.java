package io.centraal.scoring.model.btyd;

import java.util.Arrays;
import java.util.Optional;

/**
 * The data cannot identify the model: too few repeat buyers, a non-finite likelihood at every
 * starting point, an optimiser that did not converge, or a Hessian that is not positive definite at
 * the optimum. Thrown instead of returning parameters that would turn into NaN scores downstream.
 *
 * <p>Where the optimiser got somewhere, the exception carries where it ended and the
 * log-likelihood there ({@link #endPoint()}): a fit that runs off to a boundary of the parameter
 * space (no visible dropout: a -&gt; 0) ends with the log-likelihood of the limit model, and model
 * selection uses that to call it a boundary solution rather than a failure.
 */
public final class ModelIdentificationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Where an optimiser stopped: natural parameters and the unpenalised log-likelihood there. */
  public record EndPoint(double[] params, double logLikelihood) implements java.io.Serializable {
    public EndPoint {
      params = params.clone();
    }

    @Override
    public double[] params() {
      return params.clone();
    }

    @Override
    public String toString() {
      return Arrays.toString(params) + " (log-likelihood " + logLikelihood + ")";
    }
  }

  private final EndPoint endPoint;

  public ModelIdentificationException(String message) {
    this(message, null);
  }

  public ModelIdentificationException(String message, EndPoint endPoint) {
    super(message);
    this.endPoint = endPoint;
  }

  /** Where the optimiser ended, when it started at all. */
  public Optional<EndPoint> endPoint() {
    return Optional.ofNullable(endPoint);
  }

  static ModelIdentificationException tooFewRepeatBuyers(String model, long repeatBuyers, long minimum) {
    return new ModelIdentificationException(model + ": " + repeatBuyers
        + " repeat buyers, fewer than the configured minimum of " + minimum
        + "; the purchase and dropout processes cannot be separated on so few repeat purchases");
  }
}
