package io.centraal.scoring.model.drift;

import io.centraal.scoring.model.btyd.FitResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How far a model's parameters moved between two dates, in the previous fit's standard errors:
 * (new - old) / old SE per parameter. Only the same model on both dates compares; a different
 * model is reported as "model changed from X to Y" instead, and a missing fit on either side says so.
 * Why standard errors: a shift of a few SEs is within what refitting on a month more data gives;
 * tens of SEs say the customers, or the data feed, changed.
 */
public final class ParameterShift {
  private ParameterShift() {}

  /** One parameter's change; shiftSe is NaN when the old standard error is not finite or zero. */
  public record Shift(String role, String model, String parameter, double previous, double current,
                     double previousSe, double shiftSe) {}

  /**
   * The comparison of one role's models (transaction or spend).
   *
   * @param note empty when the shifts were computed; else why not (model changed, a fit missing)
   */
  public record Comparison(String role, String previousModel, String currentModel, List<Shift> shifts, String note) {
    public Comparison {
      shifts = List.copyOf(shifts);
    }

    /** Largest |shift| in SEs over the parameters with a finite one; NaN when there is none. */
    public double maxAbsShiftSe() {
      return shifts.stream().mapToDouble(Shift::shiftSe).filter(Double::isFinite).map(Math::abs).max()
          .orElse(Double.NaN);
    }
  }

  /** Compares the previous and current fits of one role ({@code transaction_model}, {@code spend_model}). */
  public static Comparison compare(String role, Optional<FitResult> previous, Optional<FitResult> current) {
    String before = previous.map(FitResult::modelName).orElse(null);
    String after = current.map(FitResult::modelName).orElse(null);
    if (previous.isEmpty() || current.isEmpty()) {
      return new Comparison(role, before, after, List.of(), previous.isEmpty() && current.isEmpty()
          ? "no model on either date" : previous.isEmpty() ? "no model on the previous date" : "no model on this date");
    }
    if (!before.equals(after)) {
      return new Comparison(role, before, after, List.of(), "model changed from " + before + " to " + after);
    }
    FitResult old = previous.get();
    FitResult now = current.get();
    List<Shift> shifts = new ArrayList<>();
    for (String name : old.paramNames()) {
      if (!now.paramNames().contains(name)) {
        continue;
      }
      double se = old.standardError(name);
      double shift = Double.isFinite(se) && se > 0 ? (now.param(name) - old.param(name)) / se : Double.NaN;
      shifts.add(new Shift(role, before, name, old.param(name), now.param(name), se, shift));
    }
    return new Comparison(role, before, after, shifts, "");
  }
}
