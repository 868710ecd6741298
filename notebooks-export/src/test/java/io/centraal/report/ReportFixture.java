package io.centraal.report;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.io.ModelRuns;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.CustomerScoresTable;
import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.schema.TableNames;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Small output tables for two as-of dates, written with the project's own writers and schemas:
 * {@link #FULL} has every model_runs field of the contracts (backtest, churn curves);
 * {@link #PARTIAL} has only what the churn job wrote before the curves were added and no backtest.
 */
final class ReportFixture {
  static final LocalDate PARTIAL = LocalDate.of(2024, 6, 30);
  static final LocalDate FULL = LocalDate.of(2024, 7, 31);
  static final String CLV = ScoreColumns.clv("12m");
  static final List<String> SEGMENTS = List.of("Champions", "Loyal", "At risk", "Hibernating", "New", "Lost");
  static final List<String> QUADRANTS = List.of("Champion", "Hidden influencer", "Spender", "Low value");
  static final List<String> ADVOCACY = List.of("promoter", "passive", "detractor");

  static final String BACKTEST_METRICS = """
      {"cutoff":"2024-03-31","holdout_end":"2024-07-31","holdout_periods":17,"time_unit":"week",
       "transaction_model":"bgnbd","predicted_total":412.5,"actual_total":398.0,"mae":0.6123,"rmse":1.0432,
       "calibration_table":[
         {"frequency":"0","customers":30,"predicted_mean":0.2311,"actual_mean":0.2},
         {"frequency":"1","customers":12,"predicted_mean":0.6542,"actual_mean":0.75},
         {"frequency":"2","customers":8,"predicted_mean":1.1203,"actual_mean":1.0},
         {"frequency":"7+","customers":3,"predicted_mean":4.8765,"actual_mean":5.3333}],
       "cumulative":[
         {"period":0,"date":"2024-01-07","actual":3,"predicted":2.5},
         {"period":1,"date":"2024-01-14","actual":9,"predicted":8.1},
         {"period":2,"date":"2024-01-21","actual":14,"predicted":15.0},
         {"period":13,"date":"2024-04-07","actual":120,"predicted":118.2},
         {"period":30,"date":"2024-08-04","actual":398,"predicted":412.5}]}
      """;

  static final String CHURN_FULL = """
      {"positives":20,"negatives":40,
       "model":{"auc_roc":0.8123,"auc_pr":0.6012,"log_loss":0.4567,"brier":0.1432,"lift_top_decile":2.5},
       "baseline_1_minus_p_alive":{"auc_roc":0.7011,"auc_pr":0.5002,"log_loss":0.5512,"brier":0.1801,"lift_top_decile":1.9},
       "roc":[{"fpr":0.0,"tpr":0.0},{"fpr":0.1,"tpr":0.45},{"fpr":0.3,"tpr":0.75},{"fpr":1.0,"tpr":1.0}],
       "lift":[{"decile":1,"lift":2.5,"baseline_lift":1.9},{"decile":2,"lift":1.8,"baseline_lift":1.5},
               {"decile":10,"lift":0.2,"baseline_lift":0.4}],
       "reliability":[{"bin":0,"mean_predicted":0.05,"observed_rate":0.04,"count":25},
                      {"bin":5,"mean_predicted":0.55,"observed_rate":0.6,"count":10}],
       "feature_importances":[{"feature":"recency","weight":-0.42},{"feature":"days_since_last_visit","weight":0.87},
                              {"feature":"sessions","weight":-0.15}],
       "features":["recency","days_since_last_visit","sessions"],"note":"trained"}
      """;

  /** What the churn job wrote before the curves (issue 5 adds them in parallel). */
  static final String CHURN_PARTIAL = """
      {"positives":9,"negatives":21,"model":{"auc_roc":0.7,"auc_pr":0.5,"log_loss":0.6,"brier":0.2,"lift_top_decile":1.5},
       "baseline_1_minus_p_alive":{"auc_roc":0.65},"features":["recency"],"note":"trained"}
      """;

  static final String BGNBD = """
      {"model":"bgnbd","time_unit":"week","params":{"r":0.2426,"alpha":4.4136,"a":0.7929,"b":2.4259},
       "standard_errors":{"r":0.0126,"alpha":0.3781,"a":0.1857,"b":0.7048},"log_likelihood":-9582.43,
       "iterations":31,"converged":true,"customers":2357,"distinct_rows":1000,"l2_penalty":0.0}
      """;

  private ReportFixture() {}

  /** Writes both dates; rows of a table go in one commit (each Delta commit costs seconds on a busy machine). */
  static CentraalSettings write(SparkSession spark, CentraalSettings settings) {
    List<Row> scores = new ArrayList<>();
    List<Row> runLog = new ArrayList<>();
    List<Row> quarantine = new ArrayList<>();
    writeDate(spark, settings, PARTIAL, 30, false, scores, runLog, quarantine);
    writeDate(spark, settings, FULL, 60, true, scores, runLog, quarantine);
    String where = ScoreColumns.AS_OF_DATE + " IN (DATE'" + PARTIAL + "', DATE'" + FULL + "')";
    StructType schema = scoresSchema();
    String path = settings.paths().gold(TableNames.CUSTOMER_SCORES);
    DeltaTables.ensureTable(spark, path, schema, List.of(ScoreColumns.AS_OF_DATE),
        Map.of("centraal.clv.horizon", "12m = 12 periods of 30.4375 days", "centraal.clv.basis", "revenue"));
    DeltaTables.replaceSlice(spark.createDataFrame(scores, schema), path, where);
    String log = settings.paths().gold(TableNames.RUN_LOG);
    DeltaTables.ensureTable(spark, log, OutputSchemas.RUN_LOG, List.of(ScoreColumns.AS_OF_DATE), Map.of());
    DeltaTables.append(spark.createDataFrame(runLog, OutputSchemas.RUN_LOG), log);
    String q = settings.paths().bronze(TableNames.QUARANTINE);
    DeltaTables.ensureTable(spark, q, OutputSchemas.QUARANTINE, List.of(ScoreColumns.AS_OF_DATE), Map.of());
    DeltaTables.replaceSlice(spark.createDataFrame(quarantine, OutputSchemas.QUARANTINE), q, where);
    return settings;
  }

  private static StructType scoresSchema() {
    StructType schema = new StructType();
    for (String c : CustomerScoresTable.columns("12m")) {
      schema = schema.add(c, type(c));
    }
    return schema;
  }

  /** A run_log row as RunLog.append writes it. */
  private static Row logRow(RunContext ctx, String job, Instant started, double seconds, long in, long out, long q,
                            String detail) {
    return RowFactory.create(ctx.runId(), job, Date.valueOf(ctx.asOfDate()), "succeeded",
        java.sql.Timestamp.from(started), seconds, in, out, q, detail, ctx.codeVersion());
  }

  private static void writeDate(SparkSession spark, CentraalSettings settings, LocalDate asOf, int customers,
                                boolean full, List<Row> scores, List<Row> runLog, List<Row> quarantine) {
    RunContext ctx = new RunContext(asOf, "run-" + asOf, "test");
    scores.addAll(scores(ctx, customers));
    List<ModelRuns.Entry> runs = new ArrayList<>();
    runs.add(new ModelRuns.Entry("bgnbd", "bgnbd", "week", BGNBD, -9582.43, true, 31, null));
    runs.add(new ModelRuns.Entry("churn", "churn-v1", "days", null, null, true, null, full ? CHURN_FULL : CHURN_PARTIAL));
    if (full) {
      runs.add(new ModelRuns.Entry("backtest", "bgnbd", "week", BGNBD, -9582.43, true, 31, BACKTEST_METRICS));
    }
    ModelRuns.write(spark, settings.paths(), ctx, runs);
    Instant t = Instant.parse(asOf + "T02:00:00Z");
    runLog.add(logRow(ctx, "ingest", t, 12.5, 1000, 990, 10,
        "{\"transactions\": {\"read\": 800, \"accepted\": 793, \"quarantined\": 7, \"inserted\": 793},"
            + " \"reviews\": {\"read\": 200, \"accepted\": 197, \"quarantined\": 3, \"inserted\": 190}}"));
    runLog.add(logRow(ctx, "score", t.plusSeconds(60), 33.25, customers, customers, 0, "{}"));
    runLog.add(logRow(ctx, "export", t.plusSeconds(120), 4.0, customers, customers, 0, "{}"));
    quarantine.addAll(quarantine(ctx));
  }

  private static List<Row> scores(RunContext ctx, int n) {
    List<String> columns = CustomerScoresTable.columns("12m");
    Random rnd = new Random(ctx.asOfDate().toEpochDay());
    List<Row> rows = new ArrayList<>();
    for (int k = 1; k <= n; k++) {
      Object[] v = new Object[columns.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = value(columns.get(i), k, rnd, ctx);
      }
      rows.add(RowFactory.create(v));
    }
    return rows;
  }

  private static DataType type(String c) {
    return switch (c) {
      case "customer_key", "frequency" -> DataTypes.LongType;
      case "as_of_date", "first_purchase_date", "last_purchase_date" -> DataTypes.DateType;
      case "rfm_r", "rfm_f", "rfm_m" -> DataTypes.IntegerType;
      case "risk_flag", "marketing_allowed" -> DataTypes.BooleanType;
      case "run_id", "clv_model_version", "churn_model_version", "influence_model_version", "rfm_segment", "clv_tier",
          "churn_band", "influence_tier", "advocacy", "value_quadrant" -> DataTypes.StringType;
      default -> DataTypes.DoubleType;
    };
  }

  private static Object value(String c, int k, Random rnd, RunContext ctx) {
    return switch (c) {
      case "customer_key" -> (long) k;
      case "frequency" -> (long) rnd.nextInt(9);
      case "as_of_date" -> Date.valueOf(ctx.asOfDate());
      case "first_purchase_date" -> Date.valueOf(ctx.asOfDate().minusDays(300 + k));
      case "last_purchase_date" -> Date.valueOf(ctx.asOfDate().minusDays(k));
      case "rfm_r", "rfm_f", "rfm_m" -> 1 + rnd.nextInt(5);
      case "risk_flag" -> rnd.nextBoolean();
      case "marketing_allowed" -> true;
      case "run_id" -> ctx.runId();
      case "clv_model_version", "churn_model_version", "influence_model_version" -> "v1";
      case "rfm_segment" -> SEGMENTS.get(rnd.nextInt(SEGMENTS.size()));
      case "clv_tier" -> k % 5 == 0 ? "high" : k % 2 == 0 ? "medium" : "low";
      case "churn_band" -> List.of("low", "medium", "high").get(rnd.nextInt(3));
      case "influence_tier" -> "medium";
      // One customer without a rating and one without a CLV: nulls must be handled as the models do.
      case "advocacy" -> k == 3 ? null : ADVOCACY.get(rnd.nextInt(ADVOCACY.size()));
      case "value_quadrant" -> QUADRANTS.get(rnd.nextInt(QUADRANTS.size()));
      case "clv_12m" -> k == 7 ? null : Math.round(Math.exp(rnd.nextGaussian() * 1.2 + 4) * 100) / 100.0;
      case "influence_score" -> Math.round(rnd.nextDouble() * 10000) / 100.0;
      case "churn_risk", "p_alive" -> rnd.nextDouble();
      default -> Math.round(rnd.nextDouble() * 1000) / 100.0;
    };
  }

  private static List<Row> quarantine(RunContext ctx) {
    List<Row> rows = new ArrayList<>();
    String[][] reasons = {{"DUPLICATE_KEY"}, {"DUPLICATE_KEY"}, {"UNPARSABLE_NUMBER", "MISSING_REQUIRED"},
        {"TS_AFTER_AS_OF"}, {"MISSING_REQUIRED"}, {"RATING_OUT_OF_RANGE"}};
    for (int i = 0; i < reasons.length; i++) {
      rows.add(RowFactory.create(Date.valueOf(ctx.asOfDate()), ctx.runId(), i < 4 ? "transactions" : "reviews",
          "in.csv", (long) (i + 2), "raw " + i, List.of(reasons[i]),
          null));
    }
    return rows;
  }
}
