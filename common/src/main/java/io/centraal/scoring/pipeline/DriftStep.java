package io.centraal.scoring.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.features.TransactionFeatures;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.io.ModelRuns;
import io.centraal.scoring.io.RunHistory;
import io.centraal.scoring.model.btyd.ClvModels;
import io.centraal.scoring.model.btyd.FitResult;
import io.centraal.scoring.model.drift.DriftSettings;
import io.centraal.scoring.model.drift.ParameterShift;
import io.centraal.scoring.model.drift.PopulationStability;
import io.centraal.scoring.model.drift.RollingBacktest;
import io.centraal.scoring.model.drift.SegmentMigration;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.DriftColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Run-over-run drift: how this as-of date's scores and models differ from the previous date's run in
 * the same data directory (the latest earlier date with gold customer_scores), and how earlier runs'
 * predictions held up once their horizon passed. Recorded as one model_runs row
 * ({@value DriftColumns#RUN_DRIFT_MODEL}) and read by the validity gates and the run report.
 *
 * <ul>
 *   <li>parameter shifts of the chosen transaction and spend models in the previous fit's standard
 *       errors ({@link ParameterShift});</li>
 *   <li>PSI of clv_&lt;horizon&gt;, churn_risk and influence_score ({@link PopulationStability});</li>
 *   <li>the RFM segment migration matrix ({@link SegmentMigration});</li>
 *   <li>the rolling backtest of the earlier runs whose horizon has passed ({@link RollingBacktest}).</li>
 * </ul>
 * The first run of a data directory has nothing to compare with: its row says so.
 */
public final class DriftStep {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DriftStep() {}

  /** The previous date's run: its gold slice and model_runs rows. */
  public record Previous(LocalDate date, Dataset<Row> scores, Map<String, RunHistory.ModelRun> modelRuns) {}

  /** An earlier run whose horizon window (run date, window end] has ended by this as-of date. */
  public record EarlierRun(LocalDate date, LocalDate windowEnd, Dataset<Row> scores) {}

  /**
   * The comparison.
   *
   * @param previousDate null on the first run
   * @param migration rows of the migration matrix, largest first
   * @param notes what could not be compared and why
   */
  public record RunDrift(LocalDate previousDate, List<ParameterShift.Comparison> parameters,
                         List<PopulationStability.Result> psi, List<MigrationRow> migration,
                         List<RollingBacktest.Result> backtests, List<String> notes) {
    /** Largest |parameter shift| in SEs over both models; NaN when none was computed. */
    public double maxAbsParameterShiftSe() {
      return parameters.stream().mapToDouble(ParameterShift.Comparison::maxAbsShiftSe).filter(Double::isFinite)
          .max().orElse(Double.NaN);
    }

    /** Largest PSI over the scores; NaN when none was computed. */
    public double maxPsi() {
      return psi.stream().mapToDouble(PopulationStability.Result::psi).filter(Double::isFinite).max()
          .orElse(Double.NaN);
    }

    /** Largest MAE ratio of the rolling backtest; NaN when no earlier horizon has passed. */
    public double maxBacktestMaeRatio() {
      return backtests.stream().mapToDouble(RollingBacktest.Result::maeRatio).filter(Double::isFinite).max()
          .orElse(Double.NaN);
    }

    /** The {@value DriftColumns#RUN_DRIFT_MODEL} model_runs row. */
    public ModelRuns.Entry entry(RunContext ctx) {
      return new ModelRuns.Entry(DriftColumns.RUN_DRIFT_MODEL, previousDate == null ? "none" : previousDate.toString(),
          "days", null, null, null, null, toJson(ctx));
    }

    /**
     * metrics_json: previous_as_of_date, notes, parameter_shifts [{role, model, parameter, previous,
     * current, previous_se, shift_se}], model_comparisons [{role, previous_model, current_model, note}],
     * psi [{score, psi, reading, bins, previous_customers, current_customers}], segment_migration
     * [{from_segment, to_segment, customers, current_clv}], rolling_backtest [{as_of_date, window_end,
     * customers, predicted_total, actual_total, mae, mae_ratio}], and the three maxima the gates read.
     */
    public String toJson(RunContext ctx) {
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("as_of_date", ctx.asOfDate().toString());
      root.put("previous_as_of_date", previousDate == null ? null : previousDate.toString());
      root.put("notes", notes);
      List<Map<String, Object>> comparisons = new ArrayList<>();
      List<Map<String, Object>> shifts = new ArrayList<>();
      for (ParameterShift.Comparison c : parameters) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", c.role());
        m.put("previous_model", c.previousModel());
        m.put("current_model", c.currentModel());
        m.put("note", c.note());
        comparisons.add(m);
        for (ParameterShift.Shift s : c.shifts()) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("role", s.role());
          row.put("model", s.model());
          row.put("parameter", s.parameter());
          row.put("previous", finite(s.previous()));
          row.put("current", finite(s.current()));
          row.put("previous_se", finite(s.previousSe()));
          row.put("shift_se", finite(s.shiftSe()));
          shifts.add(row);
        }
      }
      root.put("model_comparisons", comparisons);
      root.put("parameter_shifts", shifts);
      List<Map<String, Object>> psiRows = new ArrayList<>();
      for (PopulationStability.Result p : psi) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("score", p.score());
        row.put("psi", finite(p.psi()));
        row.put("reading", p.reading());
        row.put("bins", p.previousCounts().length);
        row.put("previous_customers", p.previousCustomers());
        row.put("current_customers", p.currentCustomers());
        psiRows.add(row);
      }
      root.put("psi", psiRows);
      List<Map<String, Object>> matrix = new ArrayList<>();
      for (MigrationRow r : migration) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(DriftColumns.FROM_SEGMENT, r.from());
        row.put(DriftColumns.TO_SEGMENT, r.to());
        row.put(DriftColumns.CUSTOMERS, r.customers());
        row.put(DriftColumns.CURRENT_CLV, r.currentClv());
        matrix.add(row);
      }
      root.put("segment_migration", matrix);
      List<Map<String, Object>> backtestRows = new ArrayList<>();
      for (RollingBacktest.Result b : backtests) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("as_of_date", b.runDate().toString());
        row.put("window_end", b.windowEnd().toString());
        row.put("customers", b.customers());
        row.put("predicted_total", finite(b.predictedTotal()));
        row.put("actual_total", finite(b.actualTotal()));
        row.put("mae", finite(b.mae()));
        row.put("mae_ratio", finite(b.maeRatio()));
        backtestRows.add(row);
      }
      root.put("rolling_backtest", backtestRows);
      root.put("max_abs_parameter_shift_se", finite(maxAbsParameterShiftSe()));
      root.put("max_psi", finite(maxPsi()));
      root.put("max_rolling_backtest_mae_ratio", finite(maxBacktestMaeRatio()));
      return Json.write(root);
    }

    /** Lines for the run's output. */
    public List<String> summary() {
      List<String> lines = new ArrayList<>();
      if (previousDate == null) {
        lines.addAll(notes);
        return lines;
      }
      lines.add("compared with " + previousDate);
      for (ParameterShift.Comparison c : parameters) {
        lines.add(c.role() + " " + (c.note().isEmpty() ? c.currentModel() + ": " + String.join(", ", c.shifts().stream()
            .map(s -> String.format(Locale.ROOT, "%s %+.2f SE", s.parameter(), s.shiftSe())).toList()) : c.note()));
      }
      psi.forEach(p -> lines.add(PopulationStability.describe(p)));
      for (RollingBacktest.Result b : backtests) {
        lines.add(String.format(Locale.ROOT, "backtest of %s over (%s, %s]: %d customers, predicted %.1f vs actual %.0f"
            + " purchases, MAE %.3f (%.2f x the mean)", b.runDate(), b.runDate(), b.windowEnd(), b.customers(),
            b.predictedTotal(), b.actualTotal(), b.mae(), b.maeRatio()));
      }
      notes.forEach(lines::add);
      return lines;
    }
  }

  /** One cell of the migration matrix. */
  public record MigrationRow(String from, String to, long customers, Double currentClv) {}

  /** The row of the first run of a data directory. */
  public static RunDrift firstRun() {
    return new RunDrift(null, List.of(), List.of(), List.of(), List.of(),
        List.of("first run in this data directory: no earlier as-of date to compare with"));
  }

  /**
   * Compares the current scores (this date's silver scores) with the previous run, and backtests the
   * earlier runs.
   *
   * @param current this date's scores: customer_key, rfm_segment and the scores compared
   * @param models this date's CLV models
   * @param daily {@code TransactionFeatures.daily} up to this as-of date, for the rolling backtest
   */
  public static RunDrift compare(Previous previous, Dataset<Row> current, ClvModels models,
                                 List<EarlierRun> earlier, Dataset<Row> daily, CentraalSettings settings) {
    DriftSettings drift = settings.drift();
    String horizon = settings.clv().horizonLabel();
    List<String> notes = new ArrayList<>();
    Optional<RunHistory.ModelRun> choice = Optional.ofNullable(previous.modelRuns().get(ClvStep.CLV_MODEL_CHOICE));
    if (choice.isEmpty()) {
      notes.add("no " + ClvStep.CLV_MODEL_CHOICE + " row in model_runs for " + previous.date()
          + ": parameter shifts not computed");
    }
    List<ParameterShift.Comparison> parameters = new ArrayList<>();
    parameters.add(ParameterShift.compare("transaction_model",
        previousFit(previous, choice, "/transaction_model"), models.transactionModel()));
    parameters.add(ParameterShift.compare("spend_model",
        previousFit(previous, choice, "/spend/spend_model"), models.spendModel()));

    List<String> compared = new ArrayList<>();
    for (String score : List.of(ScoreColumns.clv(horizon), ScoreColumns.CHURN_RISK, ScoreColumns.INFLUENCE_SCORE)) {
      if (!List.of(previous.scores().columns()).contains(score)) {
        notes.add(score + " is not in the previous date's customer_scores: no PSI");
        continue;
      }
      compared.add(score);
    }
    List<PopulationStability.Result> psi = PopulationStability.computeAll(previous.scores(), current, compared,
        drift.psiBins(), drift.psiEpsilon());

    List<MigrationRow> migration = new ArrayList<>();
    for (Row r : SegmentMigration.matrix(previous.scores(), current, ScoreColumns.clv(horizon))
        .orderBy(org.apache.spark.sql.functions.col(DriftColumns.CUSTOMERS).desc(),
            org.apache.spark.sql.functions.col(DriftColumns.FROM_SEGMENT),
            org.apache.spark.sql.functions.col(DriftColumns.TO_SEGMENT)).collectAsList()) {
      migration.add(new MigrationRow(r.getString(0), r.getString(1), r.getLong(2), r.isNullAt(3) ? null : r.getDouble(3)));
    }

    return new RunDrift(previous.date(), parameters, psi, migration, backtests(earlier, daily, settings, notes), notes);
  }

  /** The rolling backtest of {@code earlier}; notes why there is none. */
  static List<RollingBacktest.Result> backtests(List<EarlierRun> earlier, Dataset<Row> daily, CentraalSettings settings,
                                               List<String> notes) {
    List<RollingBacktest.Result> out = new ArrayList<>();
    if (earlier.isEmpty()) {
      notes.add(String.format(Locale.ROOT, "rolling backtest: no earlier run whose %s horizon (%.1f days) has passed",
          settings.clv().horizonLabel(), horizonDays(settings)));
      return out;
    }
    String expected = ScoreColumns.expectedPurchases(settings.clv().horizonLabel());
    for (EarlierRun run : earlier) {
      if (!List.of(run.scores().columns()).contains(expected)) {
        notes.add("rolling backtest of " + run.date() + ": its customer_scores has no " + expected);
        continue;
      }
      out.add(RollingBacktest.evaluate(run.date(), run.windowEnd(), run.scores(), expected,
          TransactionFeatures.purchasesIn(daily, settings.features().purchaseRule(), run.date(), run.windowEnd())));
    }
    return out;
  }

  /** The CLV horizon in days (periods x period days). */
  public static double horizonDays(CentraalSettings settings) {
    return settings.clv().horizonPeriods() * settings.clv().periodDays();
  }

  /**
   * The earlier dates whose horizon window has ended by {@code asOf}, latest first, at most
   * {@code score.drift.rolling-backtest-runs}; {@code datesBefore} latest first.
   */
  public static List<LocalDate> backtestDates(List<LocalDate> datesBefore, LocalDate asOf, CentraalSettings settings) {
    return datesBefore.stream().filter(d -> !RollingBacktest.windowEnd(d, horizonDays(settings)).isAfter(asOf))
        .limit(settings.drift().rollingBacktestRuns()).toList();
  }

  /** The previous date's chosen fit named at {@code pointer} of its model choice row. */
  private static Optional<FitResult> previousFit(Previous previous, Optional<RunHistory.ModelRun> choice,
                                                 String pointer) {
    if (choice.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonNode name = JSON.readTree(choice.get().metricsJson()).at(pointer);
      if (name.isMissingNode() || name.isNull()) {
        return Optional.empty();
      }
      RunHistory.ModelRun row = previous.modelRuns().get(name.asText());
      return row == null || row.parametersJson() == null ? Optional.empty()
          : Optional.of(FitResult.fromJson(row.parametersJson()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("model_runs " + ClvStep.CLV_MODEL_CHOICE + " of " + previous.date()
          + " is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** For the gates: an unknown value is empty. */
  public static OptionalDouble known(double v) {
    return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
  }
}
