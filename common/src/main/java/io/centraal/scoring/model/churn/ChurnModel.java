package io.centraal.scoring.model.churn;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;
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
import java.util.TreeSet;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
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
import org.apache.spark.sql.expressions.Window;

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
  /** Reliability bins: probability in [k/10, (k+1)/10). */
  static final int RELIABILITY_BINS = 10;

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
   * Holdout metrics of a probability column against the label: AUC-ROC, AUC-PR, log loss, Brier
   * score, lift of the top decile (churn rate among the 10% highest scores over the base rate),
   * expected calibration error (count-weighted |mean predicted - observed| over the reliability
   * bins), base rate and counts.
   */
  public static Map<String, Double> evaluate(Dataset<Row> scored, String probabilityColumn) {
    Map<String, Double> m = new LinkedHashMap<>();
    BinaryClassificationEvaluator evaluator = new BinaryClassificationEvaluator()
        .setLabelCol(LABEL).setRawPredictionCol(probabilityColumn);
    m.put("auc_roc", evaluator.setMetricName("areaUnderROC").evaluate(scored));
    m.put("auc_pr", evaluator.setMetricName("areaUnderPR").evaluate(scored));
    Column p = least(greatest(col(probabilityColumn), lit(1e-15)), lit(1 - 1e-15));
    Column y = col(LABEL);
    Row agg = scored.agg(
        avg(y.multiply(log(p)).plus(lit(1.0).minus(y).multiply(log(lit(1.0).minus(p)))).multiply(-1)),
        avg(pow(col(probabilityColumn).minus(y), 2)),
        avg(y), count(lit(1)), sum(y)).first();
    m.put("log_loss", agg.getDouble(0));
    m.put("brier", agg.getDouble(1));
    double baseRate = agg.getDouble(2);
    m.put("base_rate", baseRate);
    m.put("holdout_rows", (double) agg.getLong(3));
    m.put("holdout_positives", agg.getDouble(4));
    long n = agg.getLong(3);
    int top = (int) Math.max(1, Math.round(n * 0.1));
    double topRate = scored.orderBy(col(probabilityColumn).desc()).limit(top).agg(avg(y)).first().getDouble(0);
    m.put("lift_top_decile", baseRate > 0 ? topRate / baseRate : Double.NaN);
    double ece = 0;
    for (Map<String, Object> bin : reliabilityTable(scored, probabilityColumn)) {
      ece += ((Number) bin.get("count")).doubleValue() / n
          * Math.abs((Double) bin.get("mean_predicted") - (Double) bin.get("observed_rate"));
    }
    m.put("ece", ece);
    return m;
  }

  /**
   * Reliability table: per bin k of the predicted probability ([k/10, (k+1)/10), the last bin
   * closed), the mean predicted probability, the observed churn rate and the row count. Empty bins
   * are left out. Columns: bin, mean_predicted, observed_rate, count.
   */
  public static Dataset<Row> reliability(Dataset<Row> scored, String probabilityColumn) {
    Column bin = least(col(probabilityColumn).multiply(RELIABILITY_BINS).cast("int"), lit(RELIABILITY_BINS - 1));
    return scored.groupBy(bin.as("bin"))
        .agg(avg(col(probabilityColumn)).as("mean_predicted"), avg(col(LABEL)).as("observed_rate"),
            count(lit(1)).as("count"))
        .orderBy("bin");
  }

  /** {@link #reliability} as JSON-ready rows (the model_runs contract). */
  public static List<Map<String, Object>> reliabilityTable(Dataset<Row> scored, String probabilityColumn) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Row r : reliability(scored, probabilityColumn).collectAsList()) {
      Map<String, Object> bin = new LinkedHashMap<>();
      bin.put("bin", r.getInt(0));
      bin.put("mean_predicted", r.getDouble(1));
      bin.put("observed_rate", r.getDouble(2));
      bin.put("count", r.getLong(3));
      out.add(bin);
    }
    return out;
  }

  /**
   * ROC curve at no more than 101 points: (0, 0), then one point per distinct threshold among the
   * 1st..99th percentiles of the score (rows scoring at or above the threshold are positive), then
   * (1, 1). One aggregation pass over the rows for all thresholds.
   */
  public static List<Map<String, Object>> rocCurve(Dataset<Row> scored, String probabilityColumn) {
    double[] probs = new double[99];
    for (int i = 0; i < probs.length; i++) {
      probs[i] = (i + 1) / 100.0;
    }
    TreeSet<Double> thresholds = new TreeSet<>(Comparator.reverseOrder());
    for (double q : scored.stat().approxQuantile(probabilityColumn, probs, 0.001)) {
      thresholds.add(q);
    }
    List<Double> ts = new ArrayList<>(thresholds);
    Column y = col(LABEL);
    List<Column> aggs = new ArrayList<>(List.of(sum(y), sum(lit(1.0).minus(y))));
    for (double t : ts) {
      Column above = col(probabilityColumn).geq(t);
      aggs.add(sum(when(above, y).otherwise(0.0)));
      aggs.add(sum(when(above, lit(1.0).minus(y)).otherwise(0.0)));
    }
    Row r = scored.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    double positives = r.isNullAt(0) ? 0 : r.getDouble(0);
    double negatives = r.isNullAt(1) ? 0 : r.getDouble(1);
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(point(0.0, 0.0));
    for (int i = 0; i < ts.size(); i++) {
      double tp = r.getDouble(2 + 2 * i);
      double fp = r.getDouble(3 + 2 * i);
      out.add(point(negatives > 0 ? fp / negatives : 0.0, positives > 0 ? tp / positives : 0.0));
    }
    out.add(point(1.0, 1.0));
    return out;
  }

  private static Map<String, Object> point(double fpr, double tpr) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("fpr", fpr);
    p.put("tpr", tpr);
    return p;
  }

  /**
   * Lift per decile of the score (decile 1 = the 10% highest), for the model and the baseline
   * column: churn rate in the decile over the overall churn rate. Deciles are exact row-number
   * deciles (ties broken by customer key), computed in one sorted window per column.
   */
  public static List<Map<String, Object>> liftByDecile(Dataset<Row> scored, String modelColumn,
                                                       String baselineColumn) {
    Dataset<Row> slim = scored.select(col(FeatureColumns.CUSTOMER_KEY), col(LABEL), col(modelColumn).as("_m"),
        col(baselineColumn).as("_b"));
    Dataset<Row> ranked = slim
        .withColumn("_dm", org.apache.spark.sql.functions.ntile(10).over(
            Window.orderBy(col("_m").desc(), col(FeatureColumns.CUSTOMER_KEY))))
        .withColumn("_db", org.apache.spark.sql.functions.ntile(10).over(
            Window.orderBy(col("_b").desc(), col(FeatureColumns.CUSTOMER_KEY))));
    double[] model = decileRates(ranked, "_dm");
    double[] baseline = decileRates(ranked, "_db");
    double base = slim.agg(avg(col(LABEL))).first().getDouble(0);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int d = 1; d <= 10; d++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("decile", d);
      row.put("lift", base > 0 ? model[d - 1] / base : null);
      row.put("baseline_lift", base > 0 ? baseline[d - 1] / base : null);
      out.add(row);
    }
    return out;
  }

  private static double[] decileRates(Dataset<Row> ranked, String decileColumn) {
    double[] rates = new double[10];
    for (Row r : ranked.groupBy(decileColumn).agg(avg(col(LABEL))).collectAsList()) {
      rates[r.getInt(0) - 1] = r.getDouble(1);
    }
    return rates;
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
