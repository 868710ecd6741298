package io.centraal.scoring.pipeline;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.dq.ValidityGates;
import io.centraal.scoring.model.btyd.ClvModels;
import io.centraal.scoring.model.btyd.FitResult;
import io.centraal.scoring.model.btyd.FitStatus;
import io.centraal.scoring.model.btyd.TransactionModelKind;
import io.centraal.scoring.model.btyd.TransactionModelSelection;
import io.centraal.scoring.model.drift.ParameterShift;
import io.centraal.scoring.model.drift.PopulationStability;
import io.centraal.scoring.model.drift.RollingBacktest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The validity gates of a scoring run ({@link ValidityGates}): the evidence taken from the run's CLV
 * models, its ingest's reject share and its drift against the previous date.
 */
public final class GateStep {
  private GateStep() {}

  /**
   * Evaluates the gates.
   *
   * @param rejectShare quarantined / read rows of the date's ingest, empty when the date was not ingested
   * @param accepted gate names accepted for this run; {@code acceptedBy} says by which command
   */
  public static ValidityGates.Outcome evaluate(ClvModels models, OptionalDouble rejectShare, DriftStep.RunDrift drift,
                                               CentraalSettings settings, Collection<String> accepted,
                                               String acceptedBy) {
    return ValidityGates.evaluate(settings.gates(), evidence(models, rejectShare, drift, settings), accepted,
        acceptedBy);
  }

  static ValidityGates.Evidence evidence(ClvModels models, OptionalDouble rejectShare, DriftStep.RunDrift drift,
                                         CentraalSettings settings) {
    List<String> looked = new ArrayList<>();
    List<String> notConverged = new ArrayList<>();
    List<String> badErrors = new ArrayList<>();
    models.transactionModel().ifPresent(f -> {
      FitStatus status = models.transactions().candidate(TransactionModelKind.ofModelName(f.modelName()))
          .map(TransactionModelSelection.Candidate::status).orElse(FitStatus.NOT_FITTED);
      check(f, status, looked, notConverged, badErrors);
    });
    if (!models.spend().fallback()) {
      models.spendModel().ifPresent(f -> check(f, models.spend().gammaGammaStatus(), looked, notConverged, badErrors));
    }
    String models1 = String.join(" and ", looked);
    Boolean converged = looked.isEmpty() ? null : notConverged.isEmpty();
    String convergedNote = looked.isEmpty() ? "no fitted model was chosen (see model-identified)"
        : notConverged.isEmpty() ? models1 + " converged" : "not converged: " + String.join("; ", notConverged);
    Boolean finite = looked.isEmpty() ? null : badErrors.isEmpty();
    String errorsNote = looked.isEmpty() ? "no fitted model was chosen (see model-identified)"
        : badErrors.isEmpty() ? "every standard error of " + models1 + " finite and positive"
        : "standard errors not finite and positive: " + String.join("; ", badErrors);

    String status = models.clvStatus();
    boolean identified = status.equals(ClvModels.MODELLED) || status.equals(ClvModels.SPEND_FALLBACK);
    String identifiedNote = "clv_status " + status + (identified ? "" : ": " + String.join("; ", models.warnings()));

    return new ValidityGates.Evidence(converged, convergedNote, finite, errorsNote, identified, identifiedNote,
        settings.clv().onUnidentified() == CentraalSettings.OnUnidentified.DEGRADE, rejectShare,
        DriftStep.known(gatedPsi(drift, settings).stream().mapToDouble(PopulationStability.Result::psi).max()
            .orElse(Double.NaN)), psiNote(drift, settings), DriftStep.known(drift.maxAbsParameterShiftSe()),
        shiftNote(drift), DriftStep.known(drift.maxBacktestMaeRatio()), backtestNote(drift));
  }

  private static void check(FitResult f, FitStatus status, List<String> looked, List<String> notConverged,
                            List<String> badErrors) {
    looked.add(f.modelName());
    if (status != FitStatus.CONVERGED || !f.converged()) {
      notConverged.add(f.modelName() + " (" + status.label() + ")");
    }
    List<String> bad = new ArrayList<>();
    double[] se = f.standardErrors();
    for (int i = 0; i < se.length; i++) {
      if (!(Double.isFinite(se[i]) && se[i] > 0)) {
        bad.add(f.paramNames().get(i) + " = " + se[i]);
      }
    }
    if (!bad.isEmpty()) {
      badErrors.add(f.modelName() + " " + String.join(", ", bad));
    }
  }

  /** The PSIs of the scores named in centraal.gates.max-psi-scores (clv = clv_<horizon label>). */
  static List<PopulationStability.Result> gatedPsi(DriftStep.RunDrift drift, CentraalSettings settings) {
    List<String> columns = settings.gates().maxPsiScores().stream()
        .map(s -> s.equals("clv") ? io.centraal.scoring.schema.ScoreColumns.clv(settings.clv().horizonLabel()) : s)
        .toList();
    return drift.psi().stream().filter(p -> columns.contains(p.score()) && Double.isFinite(p.psi())).toList();
  }

  private static String psiNote(DriftStep.RunDrift drift, CentraalSettings settings) {
    if (drift.previousDate() == null) {
      return "not evaluated: no previous as-of date";
    }
    return gatedPsi(drift, settings).stream()
        .max(Comparator.comparingDouble(PopulationStability.Result::psi))
        .map(p -> "largest: " + PopulationStability.describe(p) + " against " + drift.previousDate())
        .orElse("not evaluated: no score with values on both dates");
  }

  private static String shiftNote(DriftStep.RunDrift drift) {
    if (drift.previousDate() == null) {
      return "not evaluated: no previous as-of date";
    }
    List<String> notes = drift.parameters().stream().filter(c -> !c.note().isEmpty())
        .map(c -> c.role() + ": " + c.note()).toList();
    String largest = drift.parameters().stream().flatMap(c -> c.shifts().stream())
        .filter(s -> Double.isFinite(s.shiftSe()))
        .max(Comparator.comparingDouble((ParameterShift.Shift s) -> Math.abs(s.shiftSe())))
        .map(s -> String.format(Locale.ROOT, "largest: %s %s %.4g -> %.4g (%+.2f SE) against %s", s.model(),
            s.parameter(), s.previous(), s.current(), s.shiftSe(), drift.previousDate()))
        .orElse("not evaluated: no parameter comparable");
    return notes.isEmpty() ? largest : largest + "; " + String.join("; ", notes);
  }

  private static String backtestNote(DriftStep.RunDrift drift) {
    return drift.backtests().stream().filter(b -> Double.isFinite(b.maeRatio()))
        .max(Comparator.comparingDouble(RollingBacktest.Result::maeRatio))
        .map(b -> String.format(Locale.ROOT, "largest: run of %s, MAE %.3f, mean actual %.3f purchases per customer",
            b.runDate(), b.mae(), b.actualTotal() / b.customers()))
        .orElse("not evaluated: no earlier run whose horizon has passed");
  }
}
