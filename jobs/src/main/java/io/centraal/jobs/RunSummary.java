package io.centraal.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.model.influence.AdvocacyScoring;
import io.centraal.scoring.model.influence.ValueQuadrantScoring;
import io.centraal.scoring.model.rfm.RfmScoring;
import io.centraal.scoring.pipeline.ClvStep;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.schema.TableNames;
import java.io.PrintStream;
import java.sql.Date;
import java.util.Locale;
import java.util.OptionalDouble;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import io.centraal.scoring.io.DataPaths;
import io.centraal.scoring.run.UtcDays;

/** The human summary of a run, read back from the tables it wrote. */
final class RunSummary {
  private RunSummary() {}

  static void print(SparkSession spark, CentraalSettings settings, RunContext ctx, PrintStream out) {
    DataPaths p = settings.paths();
    String clv = ScoreColumns.clv(settings.clv().horizonLabel());
    Date asOf = Date.valueOf(ctx.asOfDate());
    Dataset<Row> scores = DeltaTables.read(spark, p.gold(TableNames.CUSTOMER_SCORES))
        .where(col(ScoreColumns.AS_OF_DATE).equalTo(asOf)).cache();
    Dataset<Row> quarantine = DeltaTables.read(spark, p.bronze(TableNames.QUARANTINE))
        .where(col(LogColumns.AS_OF_DATE).equalTo(asOf));

    out.println();
    out.println("== centraal run " + ctx.runId() + " as of " + ctx.asOfDate());
    out.println("outputs:");
    out.println("  gold customer_scores  " + p.gold(TableNames.CUSTOMER_SCORES));
    out.println("  gold model_runs       " + p.gold(TableNames.MODEL_RUNS));
    out.println("  gold run_log          " + p.gold(TableNames.RUN_LOG));
    out.println("  quarantine            " + p.bronze(TableNames.QUARANTINE));
    out.println("  marketing drop        " + p.exports(TableNames.MARKETING_DROP) + "/as_of_date=" + ctx.asOfDate());
    out.println(String.format(Locale.ROOT, "customers scored: %,d", scores.count()));
    printTransactionTotals(spark, p, ctx, out);
    out.println(String.format(Locale.ROOT, "quarantined rows: %,d", quarantine.count()));
    quarantine.select(col(LogColumns.SOURCE), explode(col(LogColumns.REASON_CODES)).as("reason"))
        .groupBy(LogColumns.SOURCE, "reason").agg(count("*").as("rows")).orderBy(LogColumns.SOURCE, "reason")
        .show(50, false);
    out.println("RFM segments (value = " + clv + "):");
    RfmScoring.segmentSummary(scores, clv).drop(FeatureColumns.AS_OF_DATE)
        .orderBy(col("customers").desc()).show(20, false);
    printClvChoice(spark, p, ctx, out);
    printChurn(spark, p, ctx, out);
    out.println("top 10 by " + clv + ":");
    scores.orderBy(col(clv).desc_nulls_last()).select(ScoreColumns.CUSTOMER_KEY, clv, ScoreColumns.P_ALIVE,
        FeatureColumns.FREQUENCY, ScoreColumns.RFM_SEGMENT, ScoreColumns.INFLUENCE_SCORE,
        ScoreColumns.VALUE_QUADRANT).show(10, false);
    out.println("top 10 by influence_score:");
    scores.orderBy(col(ScoreColumns.INFLUENCE_SCORE).desc()).select(ScoreColumns.CUSTOMER_KEY,
        ScoreColumns.INFLUENCE_SCORE, ScoreColumns.INF_REVIEWS, ScoreColumns.INF_REACH, ScoreColumns.INF_REFERRALS,
        ScoreColumns.INF_ADVOCACY, clv, ScoreColumns.VALUE_QUADRANT).show(10, false);
    out.println("top 10 hidden influencers (high influence, not high CLV):");
    ValueQuadrantScoring.topHiddenInfluencers(scores, 10).select(ScoreColumns.CUSTOMER_KEY, ScoreColumns.INFLUENCE_SCORE,
        clv, ScoreColumns.CLV_TIER, ScoreColumns.ADVOCACY).show(10, false);
    OptionalDouble nps = AdvocacyScoring.nps(scores);
    out.println("NPS (customers with ratings): " + (nps.isPresent()
        ? String.format(Locale.ROOT, "%.1f", nps.getAsDouble()) : "n/a"));
    scores.unpersist();
  }

  /**
   * Transactions known at the as-of date, and how many of them are anonymous (no customer_ref,
   * e.g. till sales): they are in bronze and in these totals, but in no customer's scores.
   */
  static void printTransactionTotals(SparkSession spark, DataPaths p, RunContext ctx, PrintStream out) {
    String path = p.bronze(SourceContracts.TRANSACTIONS);
    if (!DeltaTables.exists(spark, path)) {
      return;
    }
    Row t = DeltaTables.read(spark, path)
        .where(UtcDays.onOrBefore(col(Transactions.TS), ctx.asOfDate()))
        .agg(count(lit(1)), sum(col(Transactions.AMOUNT)),
            sum(when(col(Transactions.CUSTOMER_REF).isNull(), 1L).otherwise(0L)),
            sum(when(col(Transactions.CUSTOMER_REF).isNull(), col(Transactions.AMOUNT)).otherwise(0.0)))
        .first();
    long anonymous = t.isNullAt(2) ? 0L : t.getLong(2);
    out.println(String.format(Locale.ROOT, "transactions known at %s: %,d, net amount %,.2f; anonymous (no customer):"
            + " %,d, net amount %,.2f (in totals, not in customer scores)", ctx.asOfDate(), t.getLong(0),
        t.isNullAt(1) ? 0.0 : t.getDouble(1), anonymous, t.isNullAt(3) ? 0.0 : t.getDouble(3)));
  }

  /** The CLV model choice (candidates, reasons, warnings), read back from model_runs. */
  static void printClvChoice(SparkSession spark, DataPaths p, RunContext ctx, PrintStream out) {
    java.util.List<Row> runs = DeltaTables.read(spark, p.gold(TableNames.MODEL_RUNS))
        .where(col(LogColumns.AS_OF_DATE).equalTo(Date.valueOf(ctx.asOfDate()))
            .and(col(LogColumns.MODEL).equalTo(ClvStep.CLV_MODEL_CHOICE)))
        .select(LogColumns.MODEL_VERSION, LogColumns.METRICS_JSON).collectAsList();
    if (runs.isEmpty()) {
      return;
    }
    com.fasterxml.jackson.databind.JsonNode m;
    try {
      m = new com.fasterxml.jackson.databind.ObjectMapper().readTree(runs.get(0).getString(1));
    } catch (java.io.IOException e) {
      out.println("clv model: (unreadable metrics_json: " + e.getMessage() + ")");
      return;
    }
    out.println("clv model " + runs.get(0).getString(0) + " (" + m.path("mode").asText() + "): "
        + m.path("reason").asText());
    for (com.fasterxml.jackson.databind.JsonNode c : m.path("candidates")) {
      out.println(String.format(Locale.ROOT, "  %-12s %-22s log-lik %12s  BIC %12s", c.path("model").asText()
              + (c.path("chosen").asBoolean() ? " *" : ""), c.path("status").asText(),
          c.path("log_likelihood").isNumber() ? String.format(Locale.ROOT, "%.2f", c.path("log_likelihood").asDouble())
              : "-", c.path("bic").isNumber() ? String.format(Locale.ROOT, "%.1f", c.path("bic").asDouble()) : "-"));
    }
    out.println("  spend: " + m.path("spend").path("reason").asText());
    for (com.fasterxml.jackson.databind.JsonNode w : m.path("warnings")) {
      out.println("  degraded: " + w.asText());
    }
  }

  /** The churn model's holdout evaluation, read back from model_runs.metrics_json. */
  static void printChurn(SparkSession spark, DataPaths p, RunContext ctx, PrintStream out) {
    java.util.List<Row> runs = DeltaTables.read(spark, p.gold(TableNames.MODEL_RUNS))
        .where(col(LogColumns.AS_OF_DATE).equalTo(Date.valueOf(ctx.asOfDate()))
            .and(col(LogColumns.RUN_ID).equalTo(ctx.runId())).and(col(LogColumns.MODEL).equalTo("churn")))
        .select(LogColumns.MODEL_VERSION, LogColumns.METRICS_JSON).collectAsList();
    if (runs.isEmpty()) {
      return;
    }
    out.println("churn model " + runs.get(0).getString(0) + ":");
    com.fasterxml.jackson.databind.JsonNode m;
    try {
      m = new com.fasterxml.jackson.databind.ObjectMapper().readTree(runs.get(0).getString(1));
    } catch (java.io.IOException e) {
      out.println("  (unreadable metrics_json: " + e.getMessage() + ")");
      return;
    }
    if (!m.has("auc_roc")) {
      out.println("  " + m.path("note").asText());
      return;
    }
    out.println("  holdout            model   1 - P(alive) (MBG/NBD)");
    for (String k : io.centraal.scoring.model.churn.ChurnTraining.HEADLINE) {
      out.println(String.format(Locale.ROOT, "  %-17s %7.3f %7.3f", k, m.path(k).asDouble(),
          m.path("baseline_" + k).asDouble()));
    }
    out.println(String.format(Locale.ROOT, "  calibration error %7.3f (%.3f before isotonic calibration)",
        m.path("ece").asDouble(), m.path("uncalibrated").path("ece").asDouble()));
    StringBuilder top = new StringBuilder("  top features (standardised coefficient):");
    int i = 0;
    for (com.fasterxml.jackson.databind.JsonNode f : m.path("feature_importances")) {
      if (i++ == 5) {
        break;
      }
      top.append(String.format(Locale.ROOT, " %s %+.2f", f.path("feature").asText(), f.path("weight").asDouble()));
    }
    out.println(top);
  }
}
