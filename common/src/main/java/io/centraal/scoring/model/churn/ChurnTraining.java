package io.centraal.scoring.model.churn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.io.Json;
import io.centraal.scoring.schema.ScoreColumns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Trains the churn model on labelled cut-off rows, measures it on a holdout against the baseline
 * {@code 1 - p_alive}, and falls back to that baseline when either class has too few examples to
 * learn from (the fallback is stated in the model version, so every scored row says which it got).
 */
public final class ChurnTraining {
  public static final String FALLBACK_VERSION = "fallback-1-minus-p_alive";
  private static final String BASELINE = "_tmp_baseline";

  /**
   * @param windowDays       churn window
   * @param minClassExamples minimum examples of each class to train a model
   * @param holdoutShare     share of the labelled rows kept aside for the metrics
   */
  public record Settings(int windowDays, int minClassExamples, int maxIter, double regParam, double holdoutShare,
                         double bandMedium, double bandHigh, long seed) {}

  /** A trained model (or the fallback) with its holdout metrics. */
  public record Outcome(Optional<PipelineModel> model, String version, List<String> features,
                        Map<String, Double> metrics, Map<String, Double> baselineMetrics, long positives,
                        long negatives, String note) {}

  private ChurnTraining() {}

  /** @param labelled rows from {@link ChurnModel#label}, with {@code p_alive} at the cut-off */
  public static Outcome train(Dataset<Row> labelled, List<String> features, Settings s, String version) {
    Dataset<Row> data = labelled.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Row counts = data.agg(org.apache.spark.sql.functions.sum(col(ChurnModel.LABEL)),
          org.apache.spark.sql.functions.count(lit(1))).first();
      long positives = counts.isNullAt(0) ? 0 : (long) counts.getDouble(0);
      long negatives = counts.getLong(1) - positives;
      if (positives < s.minClassExamples() || negatives < s.minClassExamples()) {
        return new Outcome(Optional.empty(), FALLBACK_VERSION, features, Map.of(), Map.of(), positives, negatives,
            String.format("too few examples to train (%d churned, %d retained; minimum %d of each): "
                + "churn_risk = 1 - p_alive", positives, negatives, s.minClassExamples()));
      }
      Dataset<Row>[] split = data.randomSplit(new double[] {1 - s.holdoutShare(), s.holdoutShare()}, s.seed());
      PipelineModel model = ChurnModel.pipeline(features, s.maxIter(), s.regParam()).fit(split[0]);
      Dataset<Row> holdout = ChurnModel.score(model, split[1])
          .withColumn(BASELINE, lit(1.0).minus(col(ScoreColumns.P_ALIVE)))
          .persist(StorageLevel.MEMORY_AND_DISK());
      Map<String, Double> metrics = ChurnModel.evaluate(holdout, ScoreColumns.CHURN_RISK);
      Map<String, Double> baseline = ChurnModel.evaluate(holdout, BASELINE);
      holdout.unpersist();
      return new Outcome(Optional.of(model), version, features, metrics, baseline, positives, negatives,
          "logistic regression trained on " + split[0].count() + " rows");
    } finally {
      data.unpersist();
    }
  }

  /** Adds churn_risk and churn_band (rows need p_alive and the model's features). */
  public static Dataset<Row> apply(Outcome outcome, Dataset<Row> rows, Settings s) {
    Dataset<Row> scored = outcome.model().isPresent()
        ? ChurnModel.score(outcome.model().get(), rows)
        : rows.withColumn(ScoreColumns.CHURN_RISK, lit(1.0).minus(col(ScoreColumns.P_ALIVE)));
    return scored.withColumn(ScoreColumns.CHURN_BAND, band(col(ScoreColumns.CHURN_RISK), s));
  }

  static Column band(Column risk, Settings s) {
    return when(risk.isNull(), lit(null).cast("string"))
        .when(risk.geq(s.bandHigh()), "high").when(risk.geq(s.bandMedium()), "medium").otherwise("low");
  }

  /** The metrics as one JSON object (model_runs.metrics_json). */
  public static String metricsJson(Outcome o) {
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("positives", o.positives());
    all.put("negatives", o.negatives());
    all.put("model", o.metrics());
    all.put("baseline_1_minus_p_alive", o.baselineMetrics());
    all.put("features", new ArrayList<>(o.features()));
    all.put("note", o.note());
    return Json.write(all);
  }
}
