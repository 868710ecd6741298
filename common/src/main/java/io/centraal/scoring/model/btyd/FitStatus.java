package io.centraal.scoring.model.btyd;

import java.util.Locale;

/** What became of one candidate model's fit, as recorded in {@code model_runs}. */
public enum FitStatus {
  /** The optimiser converged and the Hessian is positive definite: parameters and standard errors hold. */
  CONVERGED,
  /**
   * The fit ran to the no-dropout boundary of the parameter space (a -&gt; 0 or b -&gt; infinity for
   * the BG/NBD family, s -&gt; 0 for the Pareto/NBD): the data do not show dropout, the model's
   * maximum is its NBD limit, and the limit model stands in for it.
   */
  BOUNDARY,
  /** The optimiser did not converge, or the Hessian was not positive definite, away from any known limit. */
  NOT_CONVERGED,
  /** Fewer repeat buyers than {@code score.clv.min-repeat-buyers}: not fitted. */
  TOO_FEW_REPEAT_BUYERS,
  /** Converged, but with a parameter that makes the model useless here (Gamma-Gamma q &lt;= 1: infinite mean spend). */
  INVALID,
  /** Not a candidate of this run (another model was configured). */
  NOT_FITTED;

  /** Lower-case label, e.g. {@code too_few_repeat_buyers}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
