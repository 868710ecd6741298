package io.centraal.scoring.model.churn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.features.TransactionFeatures;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.IsotonicRegression;
import org.apache.spark.ml.regression.IsotonicRegressionModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Churn risk: the probability that a customer who has purchased makes no purchase in the next
 * {@code windowDays}. Trained at a back-dated cut-off (as-of minus the window), where the outcome
 * is already known, on features computed as of that cut-off; applied at the as-of date.
 *
 * <p>The model is an MLlib {@link PipelineModel}: an {@link SQLTransformer} that imputes missing
 * values (so the imputation is persisted with the model), a
 * {@link VectorAssembler}, a {@link StandardScaler}, a {@link LogisticRegression} and, when
 * calibrated, an {@link IsotonicRegressionModel} on the regression's probability.
 *
 * <p><b>Imbalance and calibration.</b> Class imbalance is handled by weighting each class by
 * n / (2 n_class) ("balanced"), which makes the regression attend to the rare class; but a weighted
 * likelihood shifts every probability towards 0.5 (a customer with a 10% churn rate is predicted
 * at about 30% when churners are a quarter of the data). The weighted probabilities are therefore
 * re-mapped by isotonic regression fitted on a separate calibration split (monotone, so the
 * ranking and AUC are essentially unchanged), and the result is checked with a reliability table
 * and the expected calibration error on the holdout.
 *
 * <p><b>"Never" in days-since features.</b> A days-since value is null when the event never
 * happened (no visit: a customer without an online account). It becomes 0 plus an indicator
 * feature {@code <feature>_never} = 1, so the regression learns the "never" effect separately.
 * A single sentinel (say 3650 days) would not do for a linear model: the quarter of customers
 * without an account would dominate the column's variance, and one coefficient cannot both rank
 * visitors by days since their last visit and price the sentinel.
 */
public final class ChurnModel {
  public static final String LABEL = "churned";
  /** Per-row class weight used while fitting (never needed to score). */
  public static final String WEIGHT = "_tmp_class_weight";
  private static final String FEATURE_VECTOR = "_tmp_features";
  private static final String SCALED = "_tmp_scaled";
  private static final String PROBABILITY = "_tmp_probability";
  private static final String RAW_PREDICTION = "_tmp_raw";
  private static final String PREDICTION = "_tmp_prediction";
  private static final String CALIBRATED = "_tmp_calibrated";
  /** The regression's own probability, before calibration (kept by {@link #score} on request). */
  public static final String UNCALIBRATED = "_tmp_p_uncalibrated";
  /** Suffix of the indicator column "the event never happened" of a days-since feature. */
  public static final String NEVER_SUFFIX = "_never";

  /** Input features. Offline, BTYD, online and review behaviour; p_alive joins when present. */
  public static final List<String> BASE_FEATURES = List.of(
      FeatureColumns.DAYS_SINCE_LAST_PURCHASE, FeatureColumns.PURCHASE_PERIODS, FeatureColumns.FREQUENCY,
      FeatureColumns.RECENCY, FeatureColumns.T, FeatureColumns.MONETARY_VALUE, FeatureColumns.TOTAL_SPEND,
      FeatureColumns.RETURNS_COUNT, FeatureColumns.SHARE_ONLINE);
  public static final List<String> ONLINE_FEATURES = List.of(
      FeatureColumns.SESSIONS, FeatureColumns.PRODUCT_VIEWS, FeatureColumns.CART_ADDS,
      FeatureColumns.ACTIVE_DAYS_ONLINE, FeatureColumns.DAYS_SINCE_LAST_VISIT, FeatureColumns.REVIEW_COUNT,
      FeatureColumns.DAYS_SINCE_LAST_REVIEW);

  private ChurnModel() {}

  /**
   * The model's feature columns: {@link #BASE_FEATURES}, with {@code withOnline} also
   * {@link #ONLINE_FEATURES}, and the configured transaction model's P(alive). Training on the set
   * without the online columns measures what they add (same rows, same split).
   */
  public static List<String> features(boolean withOnline) {
    List<String> features = new ArrayList<>(BASE_FEATURES);
    if (withOnline) {
      features.addAll(ONLINE_FEATURES);
    }
    features.add(ScoreColumns.P_ALIVE);
    return List.copyOf(features);
  }

  /**
   * Training rows: customers who purchased on or before the cut-off, labelled 1.0 when they made
   * no purchase in (cut-off, cut-off + windowDays].
   *
   * @param featuresAtCutoff customer features as of the cut-off
   * @param daily            purchase days ({@link TransactionFeatures#daily}) known at the as-of date
   * @param isPurchase       which days are purchases ({@link TransactionFeatures#isPurchase})
   */
  public static Dataset<Row> label(Dataset<Row> featuresAtCutoff, Dataset<Row> daily, Column isPurchase,
                                   LocalDate cutoff, int windowDays) {
    Column cut = lit(Date.valueOf(cutoff));
    Dataset<Row> bought = daily.where(isPurchase
            .and(col(TransactionFeatures.PURCHASE_DATE).gt(cut))
            .and(col(TransactionFeatures.PURCHASE_DATE).leq(date_add(cut, windowDays))))
        .select(FeatureColumns.CUSTOMER_KEY).distinct().withColumn("_tmp_bought", lit(true));
    return featuresAtCutoff.where(col(FeatureColumns.PURCHASE_PERIODS).gt(0))
        .join(bought, new String[] {FeatureColumns.CUSTOMER_KEY}, "left")
        .withColumn(LABEL, when(col("_tmp_bought").isNull(), 1.0).otherwise(0.0))
        .drop("_tmp_bought");
  }

  /**
   * Adds the "balanced" class weight column {@link #WEIGHT}: n / (2 n_class), so both classes weigh
   * the same in total. With {@code balanced = false} every row weighs 1.
   */
  public static Dataset<Row> withClassWeights(Dataset<Row> labelled, long positives, long negatives,
                                              boolean balanced) {
    long n = positives + negatives;
    double wPos = balanced && positives > 0 ? n / (2.0 * positives) : 1.0;
    double wNeg = balanced && negatives > 0 ? n / (2.0 * negatives) : 1.0;
    return labelled.withColumn(WEIGHT, when(col(LABEL).equalTo(1.0), wPos).otherwise(wNeg));
  }

  /** Whether a feature gets a {@link #NEVER_SUFFIX} indicator (days-since features, null = never). */
  static boolean hasNeverIndicator(String feature) {
    return feature.startsWith("days_since");
  }

  /** The model's input columns in vector order: the features, then their "never" indicators. */
  public static List<String> vectorColumns(List<String> featureColumns) {
    List<String> out = new ArrayList<>(featureColumns);
    featureColumns.stream().filter(ChurnModel::hasNeverIndicator).forEach(f -> out.add(f + NEVER_SUFFIX));
    return out;
  }

  /** The unfitted pipeline over the given feature columns; fitting reads {@link #WEIGHT}. */
  public static Pipeline pipeline(List<String> featureColumns, int maxIter, double regParam) {
    List<String> selects = new ArrayList<>();
    List<String> imputed = new ArrayList<>();
    for (String f : featureColumns) {
      String name = "_f_" + f;
      selects.add("coalesce(cast(`" + f + "` as double), 0) AS " + name);
      imputed.add(name);
    }
    for (String f : featureColumns) {
      if (hasNeverIndicator(f)) {
        String name = "_f_" + f + NEVER_SUFFIX;
        selects.add("cast(`" + f + "` IS NULL as double) AS " + name);
        imputed.add(name);
      }
    }
    SQLTransformer impute = new SQLTransformer()
        .setStatement("SELECT *, " + String.join(", ", selects) + " FROM __THIS__");
    VectorAssembler assemble = new VectorAssembler()
        .setInputCols(imputed.toArray(String[]::new)).setOutputCol(FEATURE_VECTOR);
    StandardScaler scale = new StandardScaler().setInputCol(FEATURE_VECTOR).setOutputCol(SCALED)
        .setWithMean(true).setWithStd(true);
    LogisticRegression lr = new LogisticRegression().setFeaturesCol(SCALED).setLabelCol(LABEL)
        .setWeightCol(WEIGHT)
        .setProbabilityCol(PROBABILITY).setRawPredictionCol(RAW_PREDICTION).setPredictionCol(PREDICTION)
        .setMaxIter(maxIter).setRegParam(regParam).setElasticNetParam(0.0);
    return new Pipeline().setStages(new PipelineStage[] {impute, assemble, scale, lr});
  }

  /**
   * Appends an isotonic regression of the label on the fitted model's churn probability, fitted on
   * {@code calibrationRows} (labelled rows the model was not trained on). The result is one
   * {@link PipelineModel} (persisted as a whole) whose {@link #score} is the calibrated probability.
   */
  public static PipelineModel calibrate(PipelineModel fitted, Dataset<Row> calibrationRows) {
    IsotonicRegression isotonic = new IsotonicRegression().setFeaturesCol(PROBABILITY).setFeatureIndex(1)
        .setLabelCol(LABEL).setPredictionCol(CALIBRATED).setIsotonic(true);
    return new Pipeline().setStages(new PipelineStage[] {fitted, isotonic}).fit(calibrationRows);
  }

  /** Adds {@code churn_risk} (probability of churn) to the rows, dropping the model's helper columns. */
  public static Dataset<Row> score(PipelineModel model, Dataset<Row> rows) {
    return score(model, rows, false);
  }

  /**
   * Adds {@code churn_risk}: the calibrated probability when the model has a calibration stage,
   * else the regression's probability; with {@code keepUncalibrated} also {@link #UNCALIBRATED}.
   */
  public static Dataset<Row> score(PipelineModel model, Dataset<Row> rows, boolean keepUncalibrated) {
    Dataset<Row> scored = model.transform(rows);
    Column p = functions.vector_to_array(col(PROBABILITY), "float64").getItem(1);
    boolean calibrated = List.of(scored.columns()).contains(CALIBRATED);
    // Isotonic interpolation can step a hair outside [0, 1] only through rounding; clamp anyway.
    scored = scored.withColumn(ScoreColumns.CHURN_RISK,
        calibrated ? least(greatest(col(CALIBRATED), lit(0.0)), lit(1.0)) : p);
    if (keepUncalibrated) {
      scored = scored.withColumn(UNCALIBRATED, p);
    }
    List<String> helpers = new ArrayList<>(List.of(FEATURE_VECTOR, SCALED, PROBABILITY, RAW_PREDICTION, PREDICTION,
        CALIBRATED, WEIGHT));
    for (String c : scored.columns()) {
      if (c.startsWith("_f_")) {
        helpers.add(c);
      }
    }
    return scored.drop(helpers.toArray(String[]::new));
  }

  /**
   * Feature importances: the regression's coefficients on the standardised features (the change in
   * log-odds of churn per standard deviation of the feature), largest magnitude first; the
   * "never" indicators ({@link #vectorColumns}) are listed under their own names.
   */
  public static List<Map<String, Object>> featureImportances(PipelineModel model, List<String> features) {
    LogisticRegressionModel lr = logisticRegression(model)
        .orElseThrow(() -> new IllegalArgumentException("not a churn model: no logistic regression stage"));
    Vector w = lr.coefficients();
    List<String> columns = w.size() == features.size() ? features : vectorColumns(features);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("feature", columns.get(i));
      f.put("weight", w.apply(i));
      out.add(f);
    }
    out.sort(Comparator.comparingDouble((Map<String, Object> f) -> -Math.abs((Double) f.get("weight"))));
    return out;
  }

  /** The logistic regression stage of a (possibly nested) fitted pipeline. */
  static Optional<LogisticRegressionModel> logisticRegression(PipelineModel model) {
    for (Transformer t : model.stages()) {
      if (t instanceof LogisticRegressionModel lr) {
        return Optional.of(lr);
      }
      if (t instanceof PipelineModel nested) {
        Optional<LogisticRegressionModel> found = logisticRegression(nested);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }
}
