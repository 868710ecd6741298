package io.centraal.scoring.model.btyd;

import java.util.Arrays;
import java.util.Locale;

/**
 * The transaction models centraal fits, with their number of free parameters (for BIC) and
 * whether they have a dropout process (the NBD is the no-dropout limit of the other three).
 */
public enum TransactionModelKind {
  BG_NBD(BgNbdModel.NAME, 4, true),
  MBG_NBD(ModifiedBgNbdModel.NAME, 4, true),
  PARETO_NBD(ParetoNbdModel.NAME, 4, true),
  NBD(NbdModel.NAME, 2, false);

  private final String modelName;
  private final int parameters;
  private final boolean dropout;

  TransactionModelKind(String modelName, int parameters, boolean dropout) {
    this.modelName = modelName;
    this.parameters = parameters;
    this.dropout = dropout;
  }

  /** The name in {@link FitResult#modelName()} and {@code model_runs.model}, e.g. {@code bg_nbd}. */
  public String modelName() {
    return modelName;
  }

  /** Free parameters of the model. */
  public int parameters() {
    return parameters;
  }

  /** Whether the model has a dropout process (false only for the NBD, their common limit). */
  public boolean hasDropout() {
    return dropout;
  }

  /** The config spelling, e.g. {@code bg-nbd}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Fits this model by (penalised) maximum likelihood. */
  public FitResult fit(TransactionSummary summary, FitOptions options) {
    return switch (this) {
      case BG_NBD -> BgNbdModel.fit(summary, options);
      case MBG_NBD -> ModifiedBgNbdModel.fit(summary, options);
      case PARETO_NBD -> ParetoNbdModel.fit(summary, options);
      case NBD -> NbdModel.fit(summary, options);
    };
  }

  /** The kind whose {@link #modelName()} is {@code name}. */
  public static TransactionModelKind ofModelName(String name) {
    return Arrays.stream(values()).filter(k -> k.modelName.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not a transaction model: " + name));
  }
}
