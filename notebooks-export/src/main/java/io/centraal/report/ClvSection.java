package io.centraal.report;

import io.centraal.report.Fmt.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** CLV: distribution, concentration in the top decile, and the fitted model parameters. */
final class ClvSection {
  private ClvSection() {}

  static final int BINS = 20;

  static Report.Section build(ReportContext c) {
    List<Report.Block> blocks = new ArrayList<>();
    String basis = String.join("; ", List.of(
        c.scoreProperties.getOrDefault("centraal.clv.horizon", "horizon n/a"),
        c.scoreProperties.getOrDefault("centraal.clv.discounting", "discounting n/a"),
        "on " + c.scoreProperties.getOrDefault("centraal.clv.basis", "revenue")));

    ReportContext.Result summary = c.query("""
        SELECT count(*) AS customers, count(%1$s) AS with_clv, sum(%1$s) AS total_clv, avg(%1$s) AS mean_clv,
               percentile(%1$s, 0.5) AS median_clv, percentile(%1$s, 0.9) AS p90_clv,
               percentile(%1$s, 0.99) AS p99_clv, max(%1$s) AS max_clv
        FROM customer_scores
        WHERE as_of_date = %2$s
        """.formatted(c.clv, c.date()));
    blocks.add(ReportContext.block("clv-summary", "Distribution summary",
        c.clv + " per customer (" + basis + "). Customers without a CLV estimate are counted but not summed.",
        summary, null, summary.table(Map.of()), null));

    double p99 = summary.firstDouble("p99_clv");
    double width = niceWidth(Double.isNaN(p99) ? 0 : p99 / BINS);
    String w = String.format(Locale.ROOT, "%s", width);
    ReportContext.Result hist = c.query("""
        SELECT least(CAST(floor(greatest(%1$s, 0) / %3$s) AS INT), %4$d) AS bin,
               count(*) AS customers, sum(%1$s) AS total_clv
        FROM customer_scores
        WHERE as_of_date = %2$s AND %1$s IS NOT NULL
        GROUP BY 1
        ORDER BY 1
        """.formatted(c.clv, c.date(), w, BINS));
    if (!hist.isEmpty()) {
      double[] counts = new double[BINS + 1];
      int bi = hist.index("bin");
      for (int i = 0; i < hist.rows().size(); i++) {
        counts[hist.rows().get(i).getInt(bi)] = hist.doubles("customers")[i];
      }
      List<String> labels = new ArrayList<>();
      for (int b = 0; b < BINS; b++) {
        labels.add(compact(b * width));
      }
      labels.add("≥" + compact(BINS * width));
      blocks.add(ReportContext.block("clv-histogram", "Distribution of " + c.clv,
          "Bins of " + Fmt.money(width) + " (bin = floor(CLV / width)); the last bin collects the top 1% tail and above.",
          hist, "pdf = df.toPandas()\npdf.plot.bar(x=\"bin\", y=\"customers\", title=\"Distribution of " + c.clv
              + "\", xlabel=\"bin (x " + w + ")\", ylabel=\"Customers\")",
          null, Charts.bars("Distribution of " + c.clv, c.clv + " (lower bin edge, currency units)", "Customers",
              labels, Map.of("customers", counts), false, false)));
    }

    ReportContext.Result deciles = c.query("""
        SELECT decile, count(*) AS customers, min(clv) AS min_clv, max(clv) AS max_clv, sum(clv) AS total_clv,
               sum(clv) / sum(sum(clv)) OVER () AS value_share,
               sum(sum(clv)) OVER (ORDER BY decile) / sum(sum(clv)) OVER () AS cumulative_share
        FROM (
          SELECT %1$s AS clv, ntile(10) OVER (ORDER BY %1$s DESC, customer_key) AS decile
          FROM customer_scores
          WHERE as_of_date = %2$s AND %1$s IS NOT NULL
        )
        GROUP BY decile
        ORDER BY decile
        """.formatted(c.clv, c.date()));
    if (!deciles.isEmpty()) {
      double top = deciles.doubles("value_share")[0];
      blocks.add(ReportContext.block("clv-deciles", "Share of future value by decile",
          "Customers ranked by " + c.clv + " and cut into ten equal groups. The top decile holds "
              + Fmt.percent(top) + " of the predicted value.",
          deciles, "pdf = df.toPandas()\npdf.plot.bar(x=\"decile\", y=\"value_share\", title=\"Share of predicted value by"
              + " CLV decile\", ylabel=\"Share\")",
          deciles.table(Map.of("value_share", Kind.PERCENT, "cumulative_share", Kind.PERCENT)),
          Charts.bars("Share of predicted value by CLV decile (1 = highest)", "Decile", "Share of " + c.clv + " (%)",
              deciles.strings("decile"), Map.of("value share", deciles.doubles("value_share")), false, true)));
    }

    if (java.util.Arrays.asList(c.spark.table("customer_scores").columns()).contains(c.clv + "_lower")) {
      ReportContext.Result intervals = c.query("""
          SELECT count(%1$s_lower) AS customers_with_interval, sum(%1$s_lower) AS total_lower, sum(%1$s) AS total,
                 sum(%1$s_upper) AS total_upper,
                 percentile((%1$s_upper - %1$s_lower) / %1$s, 0.5) AS median_relative_width,
                 percentile((%1$s_upper - %1$s_lower) / %1$s, 0.9) AS p90_relative_width,
                 avg(p_alive_upper - p_alive_lower) AS mean_p_alive_width
          FROM customer_scores
          WHERE as_of_date = %2$s AND %1$s > 0
          """.formatted(c.clv, c.date()));
      blocks.add(intervals.isEmpty() || intervals.firstDouble("customers_with_interval") == 0
          ? ReportContext.missing("clv-intervals", "How sure the CLV is", intervals.sql(),
              "No customer has an interval: intervals are off (score.clv.intervals.replicates = 0) or the"
                  + " transaction model has no covariance (a boundary or fallback model).")
          : ReportContext.block("clv-intervals", "How sure the CLV is",
              "Each customer's " + c.clv + " recomputed under parameter vectors drawn from the fits' asymptotic"
                  + " normal; the columns " + c.clv + "_lower / _upper hold the lower and upper quantiles (P10 / P90 by"
                  + " default). Relative width = (upper - lower) / CLV: how much a customer's expected value could"
                  + " move if the models were refitted on another sample. The totals are sums of per-customer bounds,"
                  + " not a bound of the total.",
              intervals, null, intervals.table(Map.of("median_relative_width", Kind.PERCENT,
                  "p90_relative_width", Kind.PERCENT, "mean_p_alive_width", Kind.DECIMAL4)), null));
    }

    for (String[] score : new String[][] {{"p_alive", "P(alive)", "clv-palive-matrix"},
        {c.clv.replaceFirst("^clv_", "expected_purchases_"), "Expected purchases", "clv-purchases-matrix"}}) {
      blocks.add(frequencyRecencyMatrix(c, score[0], score[1], score[2]));
    }

    ReportContext.Result newCustomer = c.query("""
        SELECT get_json_object(metrics_json, '$.horizon') AS horizon,
               CAST(get_json_object(metrics_json, '$.expected_repeat_purchases') AS DOUBLE) AS expected_repeat_purchases,
               CAST(get_json_object(metrics_json, '$.expected_repeat_purchases_bounds[0]') AS DOUBLE) AS purchases_lower,
               CAST(get_json_object(metrics_json, '$.expected_repeat_purchases_bounds[1]') AS DOUBLE) AS purchases_upper,
               CAST(get_json_object(metrics_json, '$.repeat_value') AS DOUBLE) AS repeat_value,
               CAST(get_json_object(metrics_json, '$.repeat_value_bounds[0]') AS DOUBLE) AS repeat_value_lower,
               CAST(get_json_object(metrics_json, '$.repeat_value_bounds[1]') AS DOUBLE) AS repeat_value_upper,
               CAST(get_json_object(metrics_json, '$.first_purchase_spend') AS DOUBLE) AS first_purchase_spend,
               CAST(get_json_object(metrics_json, '$.value_with_first_purchase') AS DOUBLE) AS value_with_first_purchase
        FROM model_runs
        WHERE as_of_date = %s AND model = 'new_customer_value' AND converged
        """.formatted(c.date()));
    blocks.add(newCustomer.isEmpty()
        ? ReportContext.missing("clv-new-customer", "Value of a new customer", newCustomer.sql(),
            "Not computed for this date: it needs a trusted transaction and spend model.")
        : ReportContext.block("clv-new-customer", "Value of a new customer",
            "What a customer acquired on the as-of date is expected to bring over the horizon: repeat purchases"
                + " (E[X(t)] of the transaction model), their discounted value at the population mean spend, and"
                + " the first purchase itself. For acquisition budgets: a customer is worth acquiring below this"
                + " cost. Bounds from the same parameter draws as the customers' intervals.",
            newCustomer, null, newCustomer.table(Map.of()), null));

    ReportContext.Result groups = c.query("""
        SELECT g.group, g.customers, g.own_fit, g.transaction_model, g.clv_status,
               g.new_customer_value.expected_repeat_purchases AS new_customer_repeat_purchases,
               g.new_customer_value.repeat_value AS new_customer_repeat_value, g.note
        FROM model_runs
        LATERAL VIEW explode(from_json(get_json_object(metrics_json, '$.groups'),
          'array<struct<group:string,customers:bigint,own_fit:boolean,transaction_model:string,clv_status:string,
            note:string,new_customer_value:struct<expected_repeat_purchases:double,repeat_value:double>>>')) t AS g
        WHERE as_of_date = %s AND model = 'clv_fit_by'
        ORDER BY g.group
        """.formatted(c.date()));
    if (!groups.isEmpty()) {
      blocks.add(ReportContext.block("clv-fit-by", "Fits per group",
          "score.clv.fit-by: each group with enough customers has its own model choice and fit, and its own value"
              + " of a new customer; the others are scored with the pooled fit (note says why). Whether it pays:"
              + " centraal backtest with the same setting compares per-group and pooled holdout error.",
          groups, null, groups.table(Map.of("new_customer_repeat_purchases", Kind.DECIMAL4,
              "new_customer_repeat_value", Kind.DECIMAL2)), null));
    }

    String cte = """
        WITH choice AS (
          SELECT metrics_json FROM model_runs WHERE as_of_date = %s AND model = 'clv_model_choice'
        )
        """.formatted(c.date());
    ReportContext.Result head = c.query(cte + """
        SELECT get_json_object(metrics_json, '$.mode') AS mode,
               get_json_object(metrics_json, '$.transaction_model') AS transaction_model,
               get_json_object(metrics_json, '$.spend.spend_model') AS spend_model,
               get_json_object(metrics_json, '$.clv_status') AS clv_status,
               get_json_object(metrics_json, '$.reason') AS reason,
               get_json_object(metrics_json, '$.spend.reason') AS spend_reason,
               CAST(get_json_object(metrics_json, '$.spend.frequency_spend_correlation') AS DOUBLE)
                 AS frequency_spend_correlation
        FROM choice
        """);
    if (!head.isEmpty()) {
      String caption = "Transaction model: " + head.first("reason") + ". Spend: " + head.first("spend_reason")
          + ". Criterion: BIC = -2 log-likelihood + k ln(customers) over the candidates that converged;"
          + " 'boundary' = dropout not identified (the fit runs to the no-dropout limit, the NBD).";
      blocks.add(ReportContext.blockOrMissing("clv-model-choice", "Model choice", c.jsonRows(cte, "choice",
              "get_json_object(metrics_json, '$.candidates')", "array<struct<model:string,status:string,"
                  + "parameters:int,log_likelihood:double,bic:double,delta_bic:double,chosen:boolean,note:string>>"),
          "The model choice row has no candidates.",
          r -> ReportContext.block("clv-model-choice", "Model choice", caption, r, null,
              r.table(Map.of("log_likelihood", Kind.DECIMAL2, "bic", Kind.DECIMAL2, "delta_bic", Kind.DECIMAL2)),
              null)));
    }

    ReportContext.Result params = c.query("""
        SELECT model, model_version, time_unit, parameter, estimate, j.standard_errors[parameter] AS std_error,
               log_likelihood, converged, iterations
        FROM (
          SELECT *, from_json(parameters_json, 'struct<params:map<string,double>,standard_errors:map<string,double>>') AS j
          FROM model_runs
          WHERE as_of_date = %s AND model NOT IN ('backtest', 'churn', 'clv_model_choice', 'new_customer_value', 'clv_fit_by')
            AND coalesce(get_json_object(metrics_json, '$.chosen'), 'true') = 'true'
        )
        LATERAL VIEW posexplode(j.params) p AS pos, parameter, estimate
        ORDER BY model, pos
        """.formatted(c.date()));
    blocks.add(params.isEmpty()
        ? ReportContext.missing("clv-parameters", "Model parameters", params.sql(),
            "No fitted transaction or spend model in model_runs for this date.")
        : ReportContext.block("clv-parameters", "Model parameters",
            "The models the CLV comes from: maximum-likelihood estimates with standard errors from the Hessian"
                + " (gold model_runs; every candidate has its own row there).",
            params, null, params.table(Map.of("estimate", Kind.DECIMAL4, "std_error", Kind.DECIMAL4)), null));

    return new Report.Section("clv", "Customer lifetime value",
        "Predicted CLV from the BTYD transaction model and Gamma-Gamma spend model (" + basis + ").", blocks);
  }

  /**
   * The lifetimes / CLVTools frequency-recency matrix of a score: mean score of the customers by
   * repeat purchases (rows, 0..10+) and recency as a share of their observed time T (columns, fifths):
   * a customer who bought often but long ago (high frequency, low recency share) should show a low
   * P(alive). Shares rather than absolute recency so that customers of any age share a column.
   */
  private static Report.Block frequencyRecencyMatrix(ReportContext c, String score, String label, String id) {
    StringBuilder columns = new StringBuilder();
    for (int q = 0; q < 5; q++) {
      columns.append(String.format(Locale.ROOT, ",%n       avg(CASE WHEN bin = %d THEN %s END) AS recency_%d_%d",
          q, score, 20 * q, 20 * (q + 1)));
    }
    ReportContext.Result m = c.query("""
        SELECT CASE WHEN f >= 10 THEN '10+' ELSE CAST(f AS STRING) END AS frequency,
               count(*) AS customers%3$s
        FROM (
          SELECT least(CAST(frequency AS BIGINT), 10) AS f, %1$s, least(CAST(floor(5 * recency / t) AS INT), 4) AS bin
          FROM customer_scores
          WHERE as_of_date = %2$s AND %1$s IS NOT NULL AND t > 0
        )
        GROUP BY f
        ORDER BY f
        """.formatted(score, c.date(), columns));
    if (m.isEmpty()) {
      return ReportContext.missing(id, label + " by frequency and recency", m.sql(), "No customer has " + score + ".");
    }
    Map<String, Kind> kinds = new java.util.HashMap<>();
    for (int q = 0; q < 5; q++) {
      kinds.put(String.format(Locale.ROOT, "recency_%d_%d", 20 * q, 20 * (q + 1)), Kind.DECIMAL4);
    }
    List<String> columnNames = new ArrayList<>();
    List<String> columnLabels = new ArrayList<>();
    for (int q = 0; q < 5; q++) {
      columnNames.add(String.format(Locale.ROOT, "recency_%d_%d", 20 * q, 20 * (q + 1)));
      columnLabels.add(String.format(Locale.ROOT, "%d-%d%%", 20 * q, 20 * (q + 1)));
    }
    double[][] cells = new double[m.rows().size()][5];
    for (int q = 0; q < 5; q++) {
      double[] column = m.doubles(columnNames.get(q));
      for (int r = 0; r < cells.length; r++) {
        cells[r][q] = column[r];
      }
    }
    Report.Chart heat = Charts.heatMap(label + " by frequency and recency", "Repeat purchases",
        "Last purchase, as a share of the customer's observed time", m.strings("frequency"), columnLabels, cells,
        "mean " + score);
    return ReportContext.block(id, label + " by frequency and recency",
        "Mean " + score + " of the customers by repeat purchases (rows) and by recency as a share of their"
            + " observed time (columns: last purchase in the first fifth of their time ... in the last fifth).",
        m, "import matplotlib.pyplot as plt\npdf = df.toPandas().set_index(\"frequency\").drop(columns=\"customers\")\n"
            + "plt.imshow(pdf.values.astype(float), aspect=\"auto\", cmap=\"viridis\")\nplt.colorbar(label=\""
            + score + "\")\nplt.yticks(range(len(pdf.index)), pdf.index)\nplt.xticks(range(5), pdf.columns, rotation=30)\n"
            + "plt.ylabel(\"repeat purchases\")\nplt.title(\"" + label + " by frequency and recency\")",
        m.table(kinds), heat);
  }

  /** A round bin width (1, 2 or 5 times a power of ten) of at least {@code raw}. */
  static double niceWidth(double raw) {
    if (!(raw > 0)) {
      return 1.0;
    }
    double pow = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * pow >= raw) {
        return m * pow;
      }
    }
    return 10 * pow;
  }

  private static String compact(double v) {
    if (v >= 1_000_000) {
      return trim(v / 1_000_000) + "M";
    }
    if (v >= 1_000) {
      return trim(v / 1_000) + "k";
    }
    return trim(v);
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }
}
