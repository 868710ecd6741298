package io.centraal.scoring.model.btyd;

import java.util.List;

/**
 * Which transaction model a run uses ({@code score.clv.model}): one named model, or {@code auto}:
 * every candidate ({@code score.clv.candidates}) fitted and the one with the lowest BIC chosen
 * ({@link TransactionModelSelection}).
 *
 * @param auto whether to choose among the candidates
 * @param candidates the models to fit; exactly one when not auto
 */
public record TransactionModelChoice(boolean auto, List<TransactionModelKind> candidates) {
  public TransactionModelChoice {
    candidates = List.copyOf(candidates);
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("score.clv.candidates must name at least one model");
    }
    if (!auto && candidates.size() != 1) {
      throw new IllegalArgumentException("a named model is one candidate, got " + candidates);
    }
  }

  /** One named model. */
  public static TransactionModelChoice of(TransactionModelKind model) {
    return new TransactionModelChoice(false, List.of(model));
  }

  /** Choose among {@code candidates} by BIC. */
  public static TransactionModelChoice auto(List<TransactionModelKind> candidates) {
    return new TransactionModelChoice(true, candidates);
  }
}
