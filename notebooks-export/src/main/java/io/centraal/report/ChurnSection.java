package io.centraal.report;

import io.centraal.report.Fmt.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Churn model: evaluation against the 1 - P(alive) baseline, ROC and lift curves, reliability
 * table and feature importances, from the churn row of model_runs (issue 5's contract). The
 * curves may sit at the top of metrics_json or under "model"; both are read. A field that is
 * not there is named, not faked.
 */
final class ChurnSection {
  private ChurnSection() {}

  static final List<String> METRICS = List.of("auc_roc", "auc_pr", "log_loss", "brier", "lift_top_decile");

  /** SQL text of a metrics_json field that may be at the top or under one of the given objects. */
  static String field(String name, String... parents) {
    List<String> paths = new ArrayList<>();
    for (String p : parents) {
      paths.add("get_json_object(metrics_json, '$." + (p.isEmpty() ? "" : p + ".") + name + "')");
    }
    return paths.size() == 1 ? paths.get(0) : "coalesce(" + String.join(", ", paths) + ")";
  }

  static Report.Section build(ReportContext c) {
    String cte = """
        WITH churn AS (SELECT * FROM model_runs WHERE as_of_date = %s AND model = 'churn')
        """.formatted(c.date());
    List<Report.Block> blocks = new ArrayList<>();

    ReportContext.Result bands = c.query("""
        SELECT churn_band, count(*) AS customers, count(*) / sum(count(*)) OVER () AS customer_share,
               avg(churn_risk) AS mean_churn_risk, sum(%1$s) AS clv_at_stake
        FROM customer_scores
        WHERE as_of_date = %2$s
        GROUP BY churn_band
        ORDER BY mean_churn_risk DESC NULLS LAST
        """.formatted(c.clv, c.date()));
    blocks.add(ReportContext.block("churn-bands", "Customers by churn band",
        "Calibrated churn probability per customer, banded by the configured cut-offs; clv_at_stake = sum of "
            + c.clv + " in the band.",
        bands, null, bands.table(Map.of("customer_share", Kind.PERCENT, "mean_churn_risk", Kind.DECIMAL4)), null));

    List<String> selects = new ArrayList<>();
    for (String m : METRICS) {
      String baseline = "coalesce(" + field(m, "baseline_1_minus_p_alive", "baseline") + ", "
          + field("baseline_" + m, "") + ")";
      selects.add("SELECT '" + m + "' AS metric, CAST(" + field(m, "model", "") + " AS DOUBLE) AS model,\n"
          + "       CAST(" + baseline + " AS DOUBLE) AS baseline_1_minus_p_alive\nFROM churn");
    }
    ReportContext.Result metrics = c.query(cte + String.join("\nUNION ALL\n", selects));
    ReportContext.Result head = c.query(cte + """
        SELECT model_version, converged AS trained,
               CAST(get_json_object(metrics_json, '$.positives') AS BIGINT) AS positives,
               CAST(get_json_object(metrics_json, '$.negatives') AS BIGINT) AS negatives,
               get_json_object(metrics_json, '$.note') AS note
        FROM churn
        """);
    if (head.isEmpty()) {
      blocks.add(ReportContext.missing("churn-metrics", "Evaluation", metrics.sql(),
          "No churn row in model_runs for this date."));
      return section(blocks);
    }
    String note = head.first("note") == null ? "" : " Note: " + head.first("note") + ".";
    blocks.add(ReportContext.block("churn-model", "Model", "Model version and the labelled examples it was"
        + " evaluated on (back-dated cut-off, churn window)." + note, head, null, head.table(Map.of()), null));
    blocks.add(ReportContext.block("churn-metrics", "Evaluation on the holdout",
        "Each metric for the model and for the baseline 1 - P(alive). Higher is better for AUC and lift,"
            + " lower for log loss and Brier score.",
        metrics, null, metrics.table(Map.of("model", Kind.DECIMAL4, "baseline_1_minus_p_alive", Kind.DECIMAL4)), null));

    double auc = metrics.rows().isEmpty() || metrics.rows().get(0).isNullAt(1) ? Double.NaN
        : metrics.rows().get(0).getDouble(1);
    blocks.add(ReportContext.blockOrMissing("churn-roc", "ROC curve",
        c.jsonRows(cte, "churn", field("roc", "", "model"), "array<struct<fpr:double,tpr:double>>"),
        "metrics_json has no roc curve.", roc -> roc(roc, auc)));
    blocks.add(ReportContext.blockOrMissing("churn-lift", "Lift by decile",
        c.jsonRows(cte, "churn", field("lift", "", "model"), "array<struct<decile:int,lift:double,baseline_lift:double>>"),
        "metrics_json has no lift curve.", ChurnSection::lift));
    blocks.add(ReportContext.blockOrMissing("churn-reliability", "Reliability (calibration) table",
        c.jsonRows(cte, "churn", field("reliability", "", "model"),
            "array<struct<bin:int,mean_predicted:double,observed_rate:double,count:bigint>>"),
        "metrics_json has no reliability table.", ChurnSection::reliability));
    blocks.add(ReportContext.blockOrMissing("churn-features", "Feature importances", c.query(cte + """
        SELECT feature, weight, abs(weight) AS abs_weight
        FROM (SELECT inline(from_json(%s, 'array<struct<feature:string,weight:double>>')) FROM churn)
        ORDER BY abs_weight DESC, feature
        """.formatted(field("feature_importances", "", "model"))),
        "metrics_json has no feature_importances.", ChurnSection::featureImportances));
    return section(blocks);
  }

  private static Report.Section section(List<Report.Block> blocks) {
    return new Report.Section("churn", "Churn risk",
        "A Spark MLlib model trained at a back-dated cut-off (label: no purchase within the churn window after it),"
            + " applied at the as-of date.", blocks);
  }

  private static Report.Block roc(ReportContext.Result roc, double auc) {
    return ReportContext.block("churn-roc", "ROC curve", "True-positive rate against false-positive rate on the"
            + " holdout" + (Double.isNaN(auc) ? "." : String.format(java.util.Locale.ROOT, " (AUC %.3f).", auc)),
        roc, "pdf = df.toPandas()\npdf.plot(x=\"fpr\", y=\"tpr\", title=\"ROC curve\", xlabel=\"False-positive rate\","
            + " ylabel=\"True-positive rate\")", null,
        Charts.lines("ROC curve (holdout)", "False-positive rate", "True-positive rate", List.of(
            new Charts.Series("model", roc.doubles("fpr"), roc.doubles("tpr"), false, false),
            new Charts.Series("random", new double[] {0, 1}, new double[] {0, 1}, true, false)),
            Map.of(), true, true));
  }

  private static Report.Block lift(ReportContext.Result lift) {
    Map<String, double[]> s = new LinkedHashMap<>();
    s.put("model", lift.doubles("lift"));
    s.put("baseline 1 - P(alive)", lift.doubles("baseline_lift"));
    return ReportContext.block("churn-lift", "Lift by decile",
        "Churn rate in each risk decile (1 = highest predicted risk) divided by the overall churn rate.", lift,
        "pdf = df.toPandas()\npdf.plot.bar(x=\"decile\", y=[\"lift\", \"baseline_lift\"], title=\"Lift by decile\")",
        lift.table(Map.of("lift", Kind.DECIMAL4, "baseline_lift", Kind.DECIMAL4)),
        Charts.bars("Lift by risk decile (1 = highest risk)", "Decile", "Lift (x overall churn rate)",
            lift.strings("decile"), s, false, false));
  }

  private static Report.Block reliability(ReportContext.Result rel) {
    return ReportContext.block("churn-reliability", "Reliability (calibration) table",
        "Holdout customers binned by predicted churn probability: a calibrated model has observed rate ≈ mean predicted.",
        rel, "pdf = df.toPandas()\npdf.plot(x=\"mean_predicted\", y=\"observed_rate\", marker=\"o\","
            + " title=\"Reliability\")",
        rel.table(Map.of("mean_predicted", Kind.DECIMAL4, "observed_rate", Kind.DECIMAL4)),
        Charts.lines("Reliability: observed churn rate vs predicted probability", "Mean predicted churn probability",
            "Observed churn rate", List.of(
                new Charts.Series("model", rel.doubles("mean_predicted"), rel.doubles("observed_rate"), false, true),
                new Charts.Series("perfect calibration", new double[] {0, 1}, new double[] {0, 1}, true, false)),
            Map.of(), true, true));
  }

  private static Report.Block featureImportances(ReportContext.Result fi) {
    return ReportContext.block("churn-features", "Feature importances",
        "Standardised coefficients of the logistic model: positive raises churn risk, negative lowers it.",
        fi, "pdf = df.toPandas()\npdf.plot.barh(x=\"feature\", y=\"weight\", title=\"Feature importances\")",
        fi.table(Map.of("weight", Kind.DECIMAL4, "abs_weight", Kind.DECIMAL4)),
        Charts.bars("Feature importances (standardised coefficients)", "Feature", "Weight (per standard deviation)",
            fi.strings("feature"), Map.of("weight", fi.doubles("weight")), true, false));
  }
}
