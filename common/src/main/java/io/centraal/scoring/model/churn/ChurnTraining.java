package io.centraal.scoring.model.churn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.run.InvalidConfigException;
import io.centraal.scoring.run.ConfigValues;
import com.typesafe.config.Config;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.model.CustomerHash;
import io.centraal.scoring.schema.FeatureColumns;
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
 * Trains the churn model on labelled cut-off rows, calibrates it, measures it on a holdout against
 * the baseline {@code 1 - P(alive)}, and falls back to that baseline when either class has too few
 * examples to learn from (the fallback is stated in the model version, so every scored row says
 * which it got).
 *
 * <p>The baseline and the fallback use MBG/NBD's P(alive) ({@link ChurnBaseline}): BG/NBD (and so
 * a BG/NBD-based baseline) gives every one-time buyer P(alive) = 1, i.e. churn risk 0, however long
 * ago they bought; MBG/NBD lets customers drop out right after the first purchase, so a one-time
 * buyer's P(alive) falls with the time since that purchase.
 */
public final class ChurnTraining {
  public static final String FALLBACK_VERSION = "fallback-1-minus-p_alive-mbgnbd";
  private static final String BASELINE = "_tmp_baseline";
  private static final long SPLIT_BUCKETS = 1_000_000;

  /**
   * @param windowDays       churn window
   * @param minClassExamples minimum examples of each class to train a model
   * @param holdoutShare     share of the labelled rows kept aside for the metrics
   * @param calibrationShare share of the labelled rows used to fit the isotonic calibration (0: none)
   * @param balanced         weight the classes n / (2 n_class) while fitting the regression
   */
  public record Settings(int windowDays, int minClassExamples, int maxIter, double regParam, double holdoutShare,
                         double calibrationShare, boolean balanced, double bandMedium, double bandHigh, long seed) {
    /** {@code centraal.score.churn}; {@code c} is the centraal block. */
    public static Settings from(Config c) {
      return new Settings((int) ConfigValues.positive(c, "score.churn.window-days"),
          c.getInt("score.churn.min-class-examples"), c.getInt("score.churn.max-iter"),
          c.getDouble("score.churn.reg-param"), share(c, "score.churn.holdout-share", 0.05),
          share(c, "score.churn.calibration-share", 0), classWeights(c.getString("score.churn.class-weights")),
          ConfigValues.fraction(c, "score.churn.band-medium"), ConfigValues.fraction(c, "score.churn.band-high"),
          c.getLong("score.churn.seed"));
    }

    /** A share of the labelled rows between {@code min} and half: the rest trains the model. */
    private static double share(Config c, String path, double min) {
      double v = c.getDouble(path);
      if (!(v >= min && v <= 0.5)) {
        throw new InvalidConfigException("centraal." + path + " = " + v + " must be between " + (min == 0 ? "0" : String.valueOf(min)) + " and 0.5");
      }
      return v;
    }

    private static boolean classWeights(String v) {
      return switch (v) {
        case "balanced" -> true;
        case "none" -> false;
        default -> throw new InvalidConfigException(
            "centraal.score.churn.class-weights: '" + v + "' is not one of [balanced, none]");
      };
    }
  }

  /**
   * A trained model (or the fallback) with its holdout metrics.
   *
   * @param metrics             holdout metrics of churn_risk ({@link ChurnModel#evaluate})
   * @param uncalibratedMetrics the same for the regression's probability before calibration
   * @param baselineMetrics     the same for 1 - P(alive) (MBG/NBD)
   * @param curves              roc, lift, reliability, reliability_uncalibrated, feature_importances
   */
  public record Outcome(Optional<PipelineModel> model, String version, List<String> features,
                        Map<String, Double> metrics, Map<String, Double> uncalibratedMetrics,
                        Map<String, Double> baselineMetrics, Map<String, Object> curves, long positives,
                        long negatives, String note) {

    /** The fallback outcome: no model, churn_risk = 1 - P(alive). */
    static Outcome fallback(List<String> features, long positives, long negatives, String note) {
      return new Outcome(Optional.empty(), FALLBACK_VERSION, features, Map.of(), Map.of(), Map.of(), Map.of(),
          positives, negatives, note);
    }
  }

  private ChurnTraining() {}

  /**
   * @param labelled rows from {@link ChurnModel#label} with the features and the baseline's
   *                 P(alive) at the cut-off
   * @param baselinePAlive column of {@code labelled} holding the baseline's P(alive), or null when no
   *                 dropout model could be fitted (then no baseline metrics, and the fallback is
   *                 a null churn_risk)
   */
  public static Outcome train(Dataset<Row> labelled, List<String> features, Settings s, String version,
                              String baselinePAlive) {
    Dataset<Row> data = labelled.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      boolean calibrate = s.calibrationShare() > 0;
      double trainShare = 1 - s.holdoutShare() - s.calibrationShare();
      double[] shares = calibrate ? new double[] {trainShare, s.calibrationShare()} : new double[] {trainShare};
      // The class counts and the sizes of the training and calibration parts in one pass.
      Column[] parts = parts(s.seed(), shares);
      Row counts = data.agg(org.apache.spark.sql.functions.sum(col(ChurnModel.LABEL)),
          org.apache.spark.sql.functions.count(lit(1)), org.apache.spark.sql.functions.count_if(parts[0]),
          org.apache.spark.sql.functions.count_if(parts[calibrate ? 1 : 0])).first();
      long positives = counts.isNullAt(0) ? 0 : (long) counts.getDouble(0);
      long negatives = counts.getLong(1) - positives;
      long trainRows = counts.getLong(2);
      long calibrationRows = counts.getLong(3);
      if (positives < s.minClassExamples() || negatives < s.minClassExamples()) {
        return Outcome.fallback(features, positives, negatives,
            String.format("too few examples to train (%d churned, %d retained; minimum %d of each): %s",
                positives, negatives, s.minClassExamples(), baselinePAlive == null
                    ? "no dropout model was identified either, so churn_risk is null"
                    : "churn_risk = 1 - p_alive (MBG/NBD)"));
      }
      Dataset<Row>[] split = split(data, s.seed(), shares);
      Dataset<Row> train = ChurnModel.withClassWeights(split[0], positives, negatives, s.balanced());
      PipelineModel model = ChurnModel.pipeline(features, s.maxIter(), s.regParam()).fit(train);
      if (calibrate) {
        model = ChurnModel.calibrate(model, split[1]);
      }
      HoldoutMetrics holdout = HoldoutMetrics.collect(ChurnModel.score(model, split[split.length - 1], true)
              .withColumn(BASELINE, baselinePAlive == null ? lit(0.5) : lit(1.0).minus(col(baselinePAlive))),
          List.of(ScoreColumns.CHURN_RISK, ChurnModel.UNCALIBRATED, BASELINE));
      Map<String, Double> metrics = holdout.evaluate(ScoreColumns.CHURN_RISK);
      Map<String, Double> uncalibrated = holdout.evaluate(ChurnModel.UNCALIBRATED);
      // Without a dropout model there is no baseline; a constant 0.5 keeps the lift table's shape.
      Map<String, Double> baseline = baselinePAlive == null ? Map.of() : holdout.evaluate(BASELINE);
      Map<String, Object> curves = new LinkedHashMap<>();
      curves.put("roc", holdout.rocCurve(ScoreColumns.CHURN_RISK));
      if (baselinePAlive != null) {
        curves.put("baseline_roc", holdout.rocCurve(BASELINE));
      }
      curves.put("lift", holdout.liftByDecile(ScoreColumns.CHURN_RISK, BASELINE));
      curves.put("reliability", holdout.reliabilityTable(ScoreColumns.CHURN_RISK));
      curves.put("reliability_uncalibrated", holdout.reliabilityTable(ChurnModel.UNCALIBRATED));
      curves.put("feature_importances", ChurnModel.featureImportances(model, features));
      return new Outcome(Optional.of(model), version, features, metrics, uncalibrated, baseline, curves,
          positives, negatives, String.format("logistic regression (%s class weights%s) trained on %d rows",
              s.balanced() ? "balanced" : "no", calibrate ? ", isotonic calibration on "
                  + calibrationRows + " rows" : "", trainRows));
    } finally {
      data.unpersist();
    }
  }

  /**
   * Splits the rows by {@link CustomerHash} into consecutive shares ({@code shares}, then the rest),
   * so the same customers land in the same part on every rerun.
   */
  @SuppressWarnings("unchecked")
  static Dataset<Row>[] split(Dataset<Row> rows, long seed, double... shares) {
    Column[] parts = parts(seed, shares);
    Dataset<Row>[] out = new Dataset[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = rows.where(parts[i]);
    }
    return out;
  }

  /** The conditions that put a row in each part of {@link #split}. */
  private static Column[] parts(long seed, double... shares) {
    Column u = CustomerHash.bucket(col(FeatureColumns.CUSTOMER_KEY), seed, SPLIT_BUCKETS).divide((double) SPLIT_BUCKETS);
    Column[] parts = new Column[shares.length + 1];
    double from = 0;
    for (int i = 0; i <= shares.length; i++) {
      double to = i < shares.length ? from + shares[i] : Double.POSITIVE_INFINITY;
      parts[i] = u.geq(from).and(u.lt(to));
      from = to;
    }
    return parts;
  }

  /**
   * Adds churn_risk and churn_band. Rows need the model's features, or for the fallback the
   * column {@code fallbackPAlive} (null: no baseline either, churn_risk is null).
   */
  public static Dataset<Row> apply(Outcome outcome, Dataset<Row> rows, Settings s, String fallbackPAlive) {
    Dataset<Row> scored = outcome.model().isPresent()
        ? ChurnModel.score(outcome.model().get(), rows)
        : rows.withColumn(ScoreColumns.CHURN_RISK, fallbackPAlive == null ? lit(null).cast("double")
            : lit(1.0).minus(col(fallbackPAlive)));
    return scored.withColumn(ScoreColumns.CHURN_BAND, band(col(ScoreColumns.CHURN_RISK), s));
  }

  static Column band(Column risk, Settings s) {
    return when(risk.isNull(), lit(null).cast("string"))
        .when(risk.geq(s.bandHigh()), "high").when(risk.geq(s.bandMedium()), "medium").otherwise("low");
  }

  /** Holdout metric names reported for the model and, prefixed "baseline_", for the baseline. */
  public static final List<String> HEADLINE = List.of("auc_roc", "auc_pr", "log_loss", "brier", "lift_top_decile");

  /**
   * The model_runs.metrics_json object: the headline metrics of the model and (prefixed
   * {@code baseline_}) of 1 - P(alive), ece, base rate and counts; roc, baseline_roc, lift,
   * reliability, reliability_uncalibrated and feature_importances; the metrics before calibration
   * under {@code uncalibrated}; features and a note. The fallback has only counts, features and the
   * note.
   */
  public static Map<String, Object> metrics(Outcome o) {
    Map<String, Object> all = new LinkedHashMap<>();
    o.metrics().forEach(all::put);
    o.baselineMetrics().forEach((k, v) -> {
      if (HEADLINE.contains(k) || k.equals("ece")) {
        all.put("baseline_" + k, v);
      }
    });
    if (!o.baselineMetrics().isEmpty()) {
      all.put("baseline", "1 - p_alive (mbgnbd)");
    }
    all.put("positives", o.positives());
    all.put("negatives", o.negatives());
    all.putAll(o.curves());
    if (!o.uncalibratedMetrics().isEmpty()) {
      all.put("uncalibrated", o.uncalibratedMetrics());
    }
    all.put("features", new ArrayList<>(o.features()));
    all.put("note", o.note());
    return all;
  }

  /** {@link #metrics} as JSON (model_runs.metrics_json). */
  public static String metricsJson(Outcome o) {
    return Json.write(metrics(o));
  }
}
