package io.centraal.report;

import io.centraal.report.Fmt.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calibration vs holdout, from the model_runs row with model = 'backtest' (issue 4's contract):
 * the classic BTYD plots. Uses the latest backtest on or before the as-of date (a backtest is
 * run on demand, not by every run; one from a later date was not known at the as-of date). Each field is
 * optional: what exists is shown, what does not is named.
 */
final class CalibrationSection {
  private CalibrationSection() {}

  /** The backtest row the section reads: the latest on or before the as-of date. */
  static String backtestCte(ReportContext c) {
    return """
        WITH backtest AS (
          SELECT * FROM model_runs
          WHERE model = 'backtest' AND as_of_date <= %s
          ORDER BY as_of_date DESC, run_id DESC
          LIMIT 1
        )
        """.formatted(c.date());
  }

  /** Null when there is no backtest row at all (the section is then left out). */
  static Report.Section build(ReportContext c) {
    String cte = backtestCte(c);
    ReportContext.Result head = c.query(cte + """
        SELECT as_of_date, run_id,
               get_json_object(metrics_json, '$.transaction_model') AS transaction_model,
               get_json_object(metrics_json, '$.cutoff') AS cutoff,
               get_json_object(metrics_json, '$.holdout_end') AS holdout_end,
               CAST(get_json_object(metrics_json, '$.holdout_periods') AS INT) AS holdout_periods,
               coalesce(get_json_object(metrics_json, '$.time_unit'), time_unit) AS time_unit,
               CAST(get_json_object(metrics_json, '$.predicted_total') AS DOUBLE) AS predicted_total,
               CAST(get_json_object(metrics_json, '$.actual_total') AS DOUBLE) AS actual_total,
               CAST(get_json_object(metrics_json, '$.mae') AS DOUBLE) AS mae,
               CAST(get_json_object(metrics_json, '$.rmse') AS DOUBLE) AS rmse,
               CAST(get_json_object(metrics_json, '$.predictive_interval.nominal_share') AS DOUBLE) AS interval_nominal,
               CAST(get_json_object(metrics_json, '$.predictive_interval.expected_share') AS DOUBLE) AS interval_expected,
               CAST(get_json_object(metrics_json, '$.predictive_interval.actual_share') AS DOUBLE) AS interval_actual,
               log_likelihood
        FROM backtest
        """);
    if (head.isEmpty()) {
      return null;
    }
    List<Report.Block> blocks = new ArrayList<>();
    double predicted = head.firstDouble("predicted_total");
    double actual = head.firstDouble("actual_total");
    String verdict = Double.isNaN(predicted) || Double.isNaN(actual) || actual == 0 ? ""
        : " Holdout purchases predicted " + Fmt.money(predicted) + " vs actual " + Fmt.money(actual) + " ("
            + (predicted >= actual ? "+" : "") + Fmt.percent(predicted / actual - 1) + ").";
    double intervalActual = head.firstDouble("interval_actual");
    String intervals = Double.isNaN(intervalActual) ? ""
        : " Each customer's predictive interval for the holdout count (from the model's P(X = n)) held "
            + Fmt.percent(intervalActual) + " of the actual counts; the model expected " + Fmt.percent(
            head.firstDouble("interval_expected")) + " (nominal " + Fmt.percent(head.firstDouble("interval_nominal"))
            + "; whole counts hold more than the nominal share). Close shares mean the spread is right, not only"
            + " the mean.";
    blocks.add(ReportContext.block("backtest-summary", "Backtest", "Fit on the calibration period up to the cut-off,"
            + " predicted over the holdout, compared with what customers actually did." + verdict + intervals,
        head, null, head.table(Map.of("mae", Kind.DECIMAL4, "rmse", Kind.DECIMAL4, "interval_nominal", Kind.PERCENT,
            "interval_expected", Kind.PERCENT, "interval_actual", Kind.PERCENT)), null));

    blocks.add(ReportContext.blockOrMissing("backtest-candidates", "Candidate models on the holdout",
        c.jsonRows(cte, "backtest", "get_json_object(metrics_json, '$.candidates')",
            "array<struct<model:string,status:string,log_likelihood:double,bic:double,chosen:boolean,"
                + "predicted_total:double,mae:double,rmse:double,note:string>>"),
        "The backtest row has no candidate table (written before model choice existed).",
        r -> ReportContext.block("backtest-candidates", "Candidate models on the holdout",
            "Every candidate fitted on the calibration period, chosen by BIC there (as a run chooses), and each"
                + " one's error on the holdout it did not see.", r, null,
            r.table(Map.of("mae", Kind.DECIMAL4, "rmse", Kind.DECIMAL4, "log_likelihood", Kind.DECIMAL2,
                "bic", Kind.DECIMAL2)), null)));
    blocks.add(ReportContext.blockOrMissing("calibration-table", "Predicted vs actual holdout purchases by"
            + " calibration frequency",
        c.jsonRows(cte, "backtest", "get_json_object(metrics_json, '$.calibration_table')",
            "array<struct<frequency:string,customers:bigint,predicted_mean:double,actual_mean:double>>"),
        "The backtest row has no calibration_table.", CalibrationSection::calibrationTable));
    blocks.add(ReportContext.blockOrMissing("cumulative", "Cumulative repeat purchases over time",
        c.jsonRows(cte, "backtest", "get_json_object(metrics_json, '$.cumulative')",
            "array<struct<period:int,date:string,actual:double,predicted:double>>"),
        "The backtest row has no cumulative series.",
        cum -> cumulative(cum, (String) head.first("cutoff"), head.first("transaction_model"))));
    blocks.add(ReportContext.blockOrMissing("incremental", "Repeat purchases week by week",
        c.jsonRows(cte, "backtest", "get_json_object(metrics_json, '$.cumulative')",
            "array<struct<period:int,date:string,actual:double,predicted:double>>"),
        "The backtest row has no cumulative series.",
        cum -> incremental(cum, (String) head.first("cutoff"), head.first("transaction_model"))));
    return new Report.Section("calibration", "Calibration vs holdout",
        "How well the transaction model predicted a period it did not see (centraal backtest, as of "
            + head.first("as_of_date") + ", run " + head.first("run_id") + ").", blocks);
  }

  /** The classic BTYD conditional-expectation plot: mean holdout purchases by calibration frequency. */
  private static Report.Block calibrationTable(ReportContext.Result cal) {
    Map<String, double[]> s = new LinkedHashMap<>();
    s.put("actual", cal.doubles("actual_mean"));
    s.put("predicted", cal.doubles("predicted_mean"));
    return ReportContext.block("calibration-table", "Predicted vs actual holdout purchases by calibration frequency",
        "Mean holdout purchases per customer, grouped by the number of repeat purchases in the calibration period"
            + " (the classic BTYD conditional-expectation plot).",
        cal, "pdf = df.toPandas()\npdf.plot.bar(x=\"frequency\", y=[\"actual_mean\", \"predicted_mean\"],"
            + " title=\"Holdout purchases by calibration frequency\", ylabel=\"Purchases per customer\")",
        cal.table(Map.of("predicted_mean", Kind.DECIMAL4, "actual_mean", Kind.DECIMAL4)),
        Charts.bars("Conditional expectation: holdout purchases by calibration frequency",
            "Repeat purchases in calibration period", "Mean holdout purchases per customer",
            cal.strings("frequency"), s, false, false));
  }

  /**
   * The incremental tracking plot (lifetimes' plot_incremental_transactions): repeat purchases per
   * week, actual vs predicted, the differences of the cumulative series; weekly swings the cumulative
   * plot smooths away (seasonality, a campaign) show here.
   */
  private static Report.Block incremental(ReportContext.Result cum, String cutoff, Object transactionModel) {
    double[] actual = differences(cum.doubles("actual"));
    double[] predicted = differences(cum.doubles("predicted"));
    List<String> dates = cum.strings("date");
    Report.Chart chart = null;
    if (dates.stream().allMatch(d -> d.matches("\\d{4}-\\d{2}-\\d{2}.*"))) {
      Map<String, String> markers = new LinkedHashMap<>();
      if (cutoff != null && cutoff.matches("\\d{4}-\\d{2}-\\d{2}")) {
        markers.put("cut-off " + cutoff, cutoff);
      }
      chart = Charts.dateLines("Tracking plot: repeat purchases per week", "Repeat purchases in the week", List.of(
          new Charts.DateSeries("actual", dates, actual, false),
          new Charts.DateSeries("predicted (" + transactionModel + ")", dates, predicted, false)), markers);
    }
    return ReportContext.block("incremental", "Repeat purchases week by week",
        "Actual vs model-predicted repeat purchases in each week (the differences of the cumulative series):"
            + " the incremental tracking plot. Weekly swings the cumulative plot smooths away show here.",
        cum, "pdf = df.toPandas().set_index(\"date\")[[\"actual\", \"predicted\"]].diff()\n"
            + "pdf.plot(title=\"Repeat purchases per week\", ylabel=\"Repeat purchases\")", null, chart);
  }

  /** Week-over-week differences of a cumulative series (the first week as is). */
  private static double[] differences(double[] cumulative) {
    double[] d = new double[cumulative.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]);
    }
    return d;
  }

  /** The tracking plot: cumulative repeat purchases, actual vs predicted, with the cut-off marked. */
  private static Report.Block cumulative(ReportContext.Result cum, String cutoff, Object transactionModel) {
    boolean dated = cum.strings("date").stream().allMatch(d -> d.matches("\\d{4}-\\d{2}-\\d{2}.*"));
    Map<String, String> markers = new LinkedHashMap<>();
    Report.Chart chart;
    if (dated) {
      if (cutoff != null && cutoff.matches("\\d{4}-\\d{2}-\\d{2}")) {
        markers.put("cut-off " + cutoff, cutoff);
      }
      chart = Charts.dateLines("Tracking plot: cumulative repeat purchases", "Cumulative repeat purchases", List.of(
          new Charts.DateSeries("actual", cum.strings("date"), cum.doubles("actual"), false),
          new Charts.DateSeries("predicted (" + transactionModel + ")", cum.strings("date"),
              cum.doubles("predicted"), false)), markers);
    } else {
      double[] x = cum.doubles("period");
      chart = Charts.lines("Tracking plot: cumulative repeat purchases", "Period", "Cumulative repeat purchases",
          List.of(new Charts.Series("actual", x, cum.doubles("actual"), false, false),
              new Charts.Series("predicted", x, cum.doubles("predicted"), false, false)), Map.of(), false, false);
    }
    return ReportContext.block("cumulative", "Cumulative repeat purchases over time",
        "Actual vs model-predicted cumulative repeat purchases, week by week over calibration and holdout;"
            + " the dashed line marks the cut-off.",
        cum, "pdf = df.toPandas()\npdf.plot(x=\"date\", y=[\"actual\", \"predicted\"], title=\"Cumulative repeat"
            + " purchases\", ylabel=\"Purchases\")",
        null, chart);
  }
}
