package io.centraal.report;

import io.centraal.report.Fmt.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Run-over-run drift and the validity gates of the date, from the model_runs rows the score job
 * writes (model = 'run_drift' and 'validity_gates'; docs/drift-and-gates.md): what moved since the
 * previous as-of date, how earlier runs' predictions held up, and whether the scores were published.
 */
final class DriftSection {
  private DriftSection() {}

  private static String cte(ReportContext c, String model) {
    return """
        WITH %1$s AS (
          SELECT * FROM model_runs WHERE as_of_date = %2$s AND model = '%1$s'
          ORDER BY run_id DESC LIMIT 1
        )
        """.formatted(model, c.date());
  }

  /** The validity gates: one row per gate, with what was measured against which threshold. */
  static Report.Section gates(ReportContext c) {
    String cte = cte(c, "validity_gates");
    ReportContext.Result head = c.query(cte + "SELECT get_json_object(metrics_json, '$.status') AS status, run_id"
        + "\nFROM validity_gates\n");
    ReportContext.Result rows = c.jsonRows(cte, "validity_gates", "get_json_object(metrics_json, '$.gates')",
        "array<struct<gate:string,passed:boolean,value:double,threshold:double,accepted:boolean,accepted_by:string,"
            + "reason:string>>");
    String status = head.isEmpty() ? null : String.valueOf(head.first("status"));
    String intro = status == null ? "No validity_gates row for this date (scored before the gates existed)."
        : switch (status) {
          case "passed" -> "Every gate passed: the scores were published (marketing drop, JDBC export).";
          case "accepted" -> "A gate failed and was accepted for this run (--accept-gate, or score.clv.on-unidentified"
              + " = degrade for model-identified): the scores were published.";
          default -> "A gate failed and was not accepted: the scores are in gold but were NOT published"
              + " (no marketing drop, no JDBC export); the run exited 3.";
        };
    Report.Block block = ReportContext.blockOrMissing("validity-gates", "Validity gates", rows,
        "No validity_gates row in model_runs for this date.",
        r -> ReportContext.block("validity-gates", "Validity gates (status: " + status + ")",
            "Each gate's measured value against its threshold (centraal.gates); a gate without evidence (no previous"
                + " run, no ingest for the date) passes and says so.", r, null,
            r.table(Map.of("value", Kind.DECIMAL4, "threshold", Kind.DECIMAL4)), null));
    return new Report.Section("gates", "Validity gates", intro, List.of(block));
  }

  /** What moved since the previous as-of date, and the rolling backtest. */
  static Report.Section drift(ReportContext c) {
    String cte = cte(c, "run_drift");
    ReportContext.Result head = c.query(cte + """
        SELECT get_json_object(metrics_json, '$.previous_as_of_date') AS previous_as_of_date,
               CAST(get_json_object(metrics_json, '$.max_psi') AS DOUBLE) AS max_psi,
               CAST(get_json_object(metrics_json, '$.max_abs_parameter_shift_se') AS DOUBLE) AS max_abs_parameter_shift_se,
               CAST(get_json_object(metrics_json, '$.max_rolling_backtest_mae_ratio') AS DOUBLE)
                 AS max_rolling_backtest_mae_ratio,
               array_join(from_json(get_json_object(metrics_json, '$.notes'), 'array<string>'), '; ') AS notes
        FROM run_drift
        """);
    List<Report.Block> blocks = new ArrayList<>();
    if (head.isEmpty()) {
      blocks.add(ReportContext.missing("drift-summary", "Drift", head.sql(),
          "No run_drift row in model_runs for this date (scored before drift was recorded)."));
      return new Report.Section("drift", "Run-over-run drift", "Nothing recorded.", blocks);
    }
    Object previous = head.first("previous_as_of_date");
    blocks.add(ReportContext.block("drift-summary", "Largest changes", "The maxima the validity gates read; notes say"
            + " what could not be compared.", head, null,
        head.table(Map.of("max_psi", Kind.DECIMAL4, "max_abs_parameter_shift_se", Kind.DECIMAL2,
            "max_rolling_backtest_mae_ratio", Kind.DECIMAL4)), null));
    if (previous != null) {
      blocks.add(ReportContext.blockOrMissing("drift-models", "Models compared",
          c.jsonRows(cte, "run_drift", "get_json_object(metrics_json, '$.model_comparisons')",
              "array<struct<role:string,previous_model:string,current_model:string,note:string>>"),
          "No model comparison recorded.",
          r -> ReportContext.block("drift-models", "Models compared", "Parameters compare only when the same model"
              + " was chosen on both dates.", r, null, r.table(Map.of()), null)));
      blocks.add(ReportContext.blockOrMissing("drift-parameters", "Parameter shifts",
          c.jsonRows(cte, "run_drift", "get_json_object(metrics_json, '$.parameter_shifts')",
              "array<struct<role:string,model:string,parameter:string,previous:double,current:double,"
                  + "previous_se:double,shift_se:double>>"),
          "No parameter compared (a model changed, or a fit is missing on one date).",
          r -> ReportContext.block("drift-parameters", "Parameter shifts in standard errors",
              "(current - previous) / previous standard error. A few SEs is what a month more data does; tens say the"
                  + " customers or the feed changed.", r, null,
              r.table(Map.of("previous", Kind.DECIMAL4, "current", Kind.DECIMAL4, "previous_se", Kind.DECIMAL4,
                  "shift_se", Kind.DECIMAL2)), null)));
      blocks.add(ReportContext.blockOrMissing("drift-psi", "Population stability",
          c.jsonRows(cte, "run_drift", "get_json_object(metrics_json, '$.psi')",
              "array<struct<score:string,psi:double,reading:string,bins:int,previous_customers:bigint,"
                  + "current_customers:bigint>>"),
          "No PSI computed.",
          r -> ReportContext.block("drift-psi", "Population stability index per score",
              "Bins = the previous date's deciles. Below 0.1 stable, 0.1-0.25 moderate shift, above 0.25 significant.",
              r, null, r.table(Map.of("psi", Kind.DECIMAL4)), null)));
      ReportContext.Result cells = c.jsonRows(cte, "run_drift", "get_json_object(metrics_json, '$.segment_migration')",
          "array<struct<from_segment:string,to_segment:string,customers:bigint,current_clv:double>>");
      if (!cells.isEmpty() && cells.fields().length > 0) {
        blocks.add(migrationMatrix(c, cte, cells));
      }
      blocks.add(ReportContext.blockOrMissing("drift-migration", "Segment migration", cells,
          "No segment migration recorded.",
          r -> ReportContext.block("drift-migration", "Segment migration: customers and their current " + c.clv,
              "From the previous date's RFM segment to this date's, customers matched on customer_key; (new) were not"
                  + " scored before, (not scored) are not scored now.", r, null,
              r.table(Map.of("current_clv", Kind.DECIMAL2)), null)));
    }
    blocks.add(ReportContext.blockOrMissing("drift-backtest", "Rolling backtest",
        c.jsonRows(cte, "run_drift", "get_json_object(metrics_json, '$.rolling_backtest')",
            "array<struct<as_of_date:string,window_end:string,customers:bigint,predicted_total:double,"
                + "actual_total:double,mae:double,mae_ratio:double>>"),
        "No earlier run whose CLV horizon has passed by this date: nothing to backtest yet.",
        r -> ReportContext.block("drift-backtest", "Rolling backtest of earlier runs",
            "Each earlier run's expected purchases over its horizon against the purchase periods its customers"
                + " actually made in (as_of_date, window_end]; mae_ratio = MAE / mean actual purchases.", r, null,
            r.table(Map.of("mae", Kind.DECIMAL4, "mae_ratio", Kind.DECIMAL4)), null)));
    return new Report.Section("drift", "Run-over-run drift", previous == null
        ? "First run in this data directory: nothing to compare with."
        : "Compared with the run of " + previous + " in the same data directory.", blocks);
  }

  /** The migration matrix as a pivot: rows = previous segment, columns = this date's segment, cells = customers. */
  private static Report.Block migrationMatrix(ReportContext c, String cte, ReportContext.Result cells) {
    String columns = cells.strings("to_segment").stream().distinct().sorted()
        .map(s -> "'" + s.replace("'", "\\'") + "' AS `" + s.replace("`", "``") + "`")
        .collect(Collectors.joining(", "));
    ReportContext.Result matrix = c.query(cte + """
        SELECT * FROM (
          SELECT from_segment, to_segment, customers
          FROM (SELECT inline(from_json(get_json_object(metrics_json, '$.segment_migration'),
                  'array<struct<from_segment:string,to_segment:string,customers:bigint,current_clv:double>>'))
                FROM run_drift)
        )
        PIVOT (sum(customers) FOR to_segment IN (%s))
        ORDER BY from_segment
        """.formatted(columns));
    return ReportContext.block("drift-matrix", "Segment migration matrix (customers)",
        "Rows: segment on the previous date; columns: segment now. The diagonal stayed.", matrix, null,
        matrix.table(Map.of()), null);
  }
}
