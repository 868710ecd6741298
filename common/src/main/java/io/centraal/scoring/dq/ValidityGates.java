package io.centraal.scoring.dq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.io.ModelRuns;
import io.centraal.scoring.run.InvalidConfigException;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.DriftColumns;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Named checks that decide whether a run's scores may leave the building: a failed gate keeps the
 * gold tables (written, and flagged by the {@value DriftColumns#VALIDITY_GATES_MODEL} model_runs row)
 * but the export job writes no marketing drop and runs no JDBC export, and the run exits 3. A gate
 * accepted for one run ({@code --accept-gate NAME}) does not block it; the acceptance is recorded.
 *
 * <p>The gates, named as their {@code centraal.gates} keys: {@value #CLV_FIT_CONVERGED},
 * {@value #HESSIAN_POSITIVE_DEFINITE}, {@value #MODEL_IDENTIFIED}, {@value #MAX_REJECT_SHARE},
 * {@value #MAX_PSI}, {@value #MAX_PARAMETER_SHIFT_SE}, {@value #MAX_ROLLING_BACKTEST_MAE_RATIO}. A gate
 * whose evidence does not exist (no previous run, no ingest for the date, no model fitted) passes with
 * a reason saying it was not evaluated: absence of a comparison is not a failure.
 */
public final class ValidityGates {
  public static final String CLV_FIT_CONVERGED = "clv-fit-converged";
  public static final String HESSIAN_POSITIVE_DEFINITE = "hessian-positive-definite";
  public static final String MODEL_IDENTIFIED = "model-identified";
  public static final String MAX_REJECT_SHARE = "max-reject-share";
  public static final String MAX_PSI = "max-psi";
  public static final String MAX_PARAMETER_SHIFT_SE = "max-parameter-shift-se";
  public static final String MAX_ROLLING_BACKTEST_MAE_RATIO = "max-rolling-backtest-mae-ratio";
  public static final List<String> NAMES = List.of(CLV_FIT_CONVERGED, HESSIAN_POSITIVE_DEFINITE, MODEL_IDENTIFIED,
      MAX_REJECT_SHARE, MAX_PSI, MAX_PARAMETER_SHIFT_SE, MAX_ROLLING_BACKTEST_MAE_RATIO);

  /** Status of a run's gates: all passed, failures all accepted, or blocked. */
  public static final String PASSED = "passed";
  public static final String ACCEPTED = "accepted";
  public static final String BLOCKED = "blocked";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ValidityGates() {}

  /**
   * One gate's outcome.
   *
   * @param value what was measured (null for a yes/no gate or when not evaluated)
   * @param threshold the configured limit (null for a yes/no gate)
   * @param acceptedBy who accepted it (e.g. {@code run --accept-gate}), null when not accepted
   */
  public record Gate(String name, boolean passed, Double value, Double threshold, boolean accepted, String acceptedBy,
                     String reason) {
    /** A failed gate that nobody accepted. */
    public boolean blocking() {
      return !passed && !accepted;
    }

    /** One line, e.g. {@code max-psi failed: 0.412 > 0.25 (churn_risk PSI 0.412, significant shift)}. */
    public String describe() {
      String measured = value == null ? "" : threshold == null ? format(value) + ": "
          : format(value) + (passed ? " <= " : " > ") + format(threshold) + ": ";
      return name + (passed ? " passed" : " failed") + (accepted && !passed ? " (accepted by " + acceptedBy + ")" : "")
          + ": " + measured + reason;
    }

    Gate accept(String by) {
      return new Gate(name, passed, value, threshold, true, accepted ? acceptedBy : by, reason);
    }
  }

  /** A run's gates. */
  public record Outcome(List<Gate> gates) {
    public Outcome {
      gates = List.copyOf(gates);
    }

    public List<Gate> blocking() {
      return gates.stream().filter(Gate::blocking).toList();
    }

    /** {@value #PASSED}, {@value #ACCEPTED} (every failure accepted) or {@value #BLOCKED}. */
    public String status() {
      if (!blocking().isEmpty()) {
        return BLOCKED;
      }
      return gates.stream().allMatch(Gate::passed) ? PASSED : ACCEPTED;
    }

    /** The gates with {@code names} accepted by {@code by} (gates already accepted keep their first acceptance). */
    public Outcome accept(Collection<String> names, String by) {
      checkNames(names);
      return new Outcome(gates.stream().map(g -> names.contains(g.name()) ? g.accept(by) : g).toList());
    }

    /** The one line per blocking gate the run prints and the exit-3 message carries. */
    public List<String> blockingLines() {
      return blocking().stream().map(Gate::describe).toList();
    }

    /** The {@value DriftColumns#VALIDITY_GATES_MODEL} model_runs row: converged = not blocked. */
    public ModelRuns.Entry entry(RunContext ctx) {
      return new ModelRuns.Entry(DriftColumns.VALIDITY_GATES_MODEL, status(), null, null, null,
          !status().equals(BLOCKED), null, toJson(ctx));
    }

    /** metrics_json: {@code status, as_of_date, gates [{gate, passed, value, threshold, accepted, accepted_by, reason}]}. */
    public String toJson(RunContext ctx) {
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("status", status());
      root.put("as_of_date", ctx.asOfDate().toString());
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Gate g : gates) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("gate", g.name());
        row.put("passed", g.passed());
        row.put("value", g.value());
        row.put("threshold", g.threshold());
        row.put("accepted", g.accepted());
        row.put("accepted_by", g.acceptedBy());
        row.put("reason", g.reason());
        rows.add(row);
      }
      root.put("gates", rows);
      return Json.write(root);
    }

    /** Reads what {@link #toJson} wrote. */
    public static Outcome fromJson(String json) {
      try {
        List<Gate> gates = new ArrayList<>();
        for (JsonNode g : JSON.readTree(json).required("gates")) {
          gates.add(new Gate(g.required("gate").asText(), g.required("passed").asBoolean(), number(g.get("value")),
              number(g.get("threshold")), g.required("accepted").asBoolean(), text(g.get("accepted_by")),
              g.required("reason").asText()));
        }
        return new Outcome(gates);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("not a validity gates JSON: " + e.getOriginalMessage(), e);
      }
    }
  }

  /**
   * What the gates look at.
   *
   * @param fitsConverged whether the chosen models' optimisers converged; null when no model was chosen
   * @param standardErrorsFinite whether their standard errors are finite and positive; null when none
   * @param convergedNote which models were looked at, and which failed; {@code standardErrorsNote} likewise
   * @param identified whether both a transaction and a spend model were identified (CLV computed)
   * @param identifiedNote the clv_status and why
   * @param degradeAcceptsUnidentified score.clv.on-unidentified = degrade
   * @param rejectShare quarantined / read rows of the date's ingest, if it was ingested
   * @param maxPsi largest PSI against the previous date, if there is one; {@code psiNote} which score
   * @param maxParameterShiftSe largest |shift| in SEs; {@code shiftNote} which parameter, or why none
   * @param maxMaeRatio largest rolling backtest MAE ratio; {@code backtestNote} which run, or why none
   */
  public record Evidence(Boolean fitsConverged, String convergedNote, Boolean standardErrorsFinite,
                         String standardErrorsNote, boolean identified,
                         String identifiedNote, boolean degradeAcceptsUnidentified, OptionalDouble rejectShare,
                         OptionalDouble maxPsi, String psiNote, OptionalDouble maxParameterShiftSe, String shiftNote,
                         OptionalDouble maxMaeRatio, String backtestNote) {}

  /**
   * Evaluates every gate; {@code accepted} gates (names checked) are accepted by {@code acceptedBy}.
   */
  public static Outcome evaluate(GateSettings settings, Evidence e, Collection<String> accepted, String acceptedBy) {
    checkNames(accepted);
    List<Gate> gates = new ArrayList<>();
    gates.add(yesNo(CLV_FIT_CONVERGED, settings.clvFitConverged(), e.fitsConverged(), e.convergedNote()));
    gates.add(yesNo(HESSIAN_POSITIVE_DEFINITE, settings.hessianPositiveDefinite(), e.standardErrorsFinite(),
        e.standardErrorsNote()));
    Gate identified = yesNo(MODEL_IDENTIFIED, settings.modelIdentified(), e.identified(), e.identifiedNote());
    if (!identified.passed() && e.degradeAcceptsUnidentified()) {
      identified = identified.accept("score.clv.on-unidentified = degrade");
    }
    gates.add(identified);
    gates.add(atMost(MAX_REJECT_SHARE, settings.maxRejectShare(), e.rejectShare(),
        "quarantined / read rows of the date's ingest", "not evaluated: no succeeded ingest of this as-of date in run_log"));
    gates.add(atMost(MAX_PSI, settings.maxPsi(), e.maxPsi(), e.psiNote(), e.psiNote()));
    gates.add(atMost(MAX_PARAMETER_SHIFT_SE, settings.maxParameterShiftSe(), e.maxParameterShiftSe(), e.shiftNote(),
        e.shiftNote()));
    gates.add(atMost(MAX_ROLLING_BACKTEST_MAE_RATIO, settings.maxRollingBacktestMaeRatio(), e.maxMaeRatio(),
        e.backtestNote(), e.backtestNote()));
    Set<String> names = Set.copyOf(accepted);
    return new Outcome(gates.stream().map(g -> names.contains(g.name()) ? g.accept(acceptedBy) : g).toList());
  }

  /** Fails with the known names when {@code names} holds one that is not a gate (a typo must not pass silently). */
  public static void checkNames(Collection<String> names) {
    for (String n : names) {
      if (!NAMES.contains(n)) {
        throw new InvalidConfigException("--accept-gate " + n + ": no such gate; the gates are "
            + String.join(", ", NAMES));
      }
    }
  }

  private static Gate yesNo(String name, boolean on, Boolean ok, String note) {
    if (!on) {
      return new Gate(name, true, null, null, false, null, "off (centraal.gates." + name + " = off)");
    }
    if (ok == null) {
      return new Gate(name, true, null, null, false, null, "not evaluated: " + note);
    }
    return new Gate(name, ok, null, null, false, null, note);
  }

  private static Gate atMost(String name, double threshold, OptionalDouble value, String note, String absentNote) {
    if (value.isEmpty()) {
      return new Gate(name, true, null, threshold, false, null, absentNote);
    }
    return new Gate(name, value.getAsDouble() <= threshold, value.getAsDouble(), threshold, false, null, note);
  }

  private static String format(double v) {
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.4g", v);
  }

  private static Double number(JsonNode n) {
    return n == null || n.isNull() ? null : n.asDouble();
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }
}
