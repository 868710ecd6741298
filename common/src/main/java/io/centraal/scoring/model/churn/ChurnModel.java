package io.centraal.scoring.model.churn;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.features.TransactionFeatures;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Churn risk: the probability that a customer who has purchased makes no purchase in the next
 * {@code windowDays}. Trained at a back-dated cut-off (as-of minus the window), where the outcome
 * is already known, on features computed as of that cut-off; applied at the as-of date.
 *
 * <p>The model is an MLlib {@link Pipeline}: an {@link SQLTransformer} that imputes "never" for
 * missing days-since values (so the imputation is persisted with the model), a
 * {@link VectorAssembler}, a {@link StandardScaler} and a {@link LogisticRegression}. Logistic
 * regression is fitted by maximum likelihood without class re-weighting, so its probabilities stay
 * calibrated under imbalance (re-weighting would buy recall at the cost of calibration); the
 * reliability of the probabilities is measured by the Brier score and log loss on a holdout.
 */
public final class ChurnModel {
  public static final String LABEL = "churned";
  private static final String FEATURE_VECTOR = "_tmp_features";
  private static final String SCALED = "_tmp_scaled";
  private static final String PROBABILITY = "_tmp_probability";
  private static final String RAW_PREDICTION = "_tmp_raw";
  private static final String PREDICTION = "_tmp_prediction";
  /** Value used for "days since" when the event never happened: longer than any history. */
  static final int NEVER_DAYS = 3650;

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

  /** The unfitted pipeline over the given feature columns. */
  public static Pipeline pipeline(List<String> featureColumns, int maxIter, double regParam) {
    List<String> selects = new ArrayList<>();
    List<String> imputed = new ArrayList<>();
    for (String f : featureColumns) {
      String name = "_f_" + f;
      String fill = f.startsWith("days_since") ? String.valueOf(NEVER_DAYS) : "0";
      selects.add("coalesce(cast(`" + f + "` as double), " + fill + ") AS " + name);
      imputed.add(name);
    }
    SQLTransformer impute = new SQLTransformer()
        .setStatement("SELECT *, " + String.join(", ", selects) + " FROM __THIS__");
    VectorAssembler assemble = new VectorAssembler()
        .setInputCols(imputed.toArray(String[]::new)).setOutputCol(FEATURE_VECTOR);
    StandardScaler scale = new StandardScaler().setInputCol(FEATURE_VECTOR).setOutputCol(SCALED)
        .setWithMean(true).setWithStd(true);
    LogisticRegression lr = new LogisticRegression().setFeaturesCol(SCALED).setLabelCol(LABEL)
        .setProbabilityCol(PROBABILITY).setRawPredictionCol(RAW_PREDICTION).setPredictionCol(PREDICTION)
        .setMaxIter(maxIter).setRegParam(regParam).setElasticNetParam(0.0);
    return new Pipeline().setStages(new PipelineStage[] {impute, assemble, scale, lr});
  }

  /** Adds {@code churn_risk} (probability of churn) to the rows, dropping the model's helper columns. */
  public static Dataset<Row> score(PipelineModel model, Dataset<Row> rows) {
    Dataset<Row> scored = model.transform(rows)
        .withColumn(ScoreColumns.CHURN_RISK, functions.vector_to_array(col(PROBABILITY), "float64").getItem(1));
    List<String> helpers = new ArrayList<>(List.of(FEATURE_VECTOR, SCALED, PROBABILITY, RAW_PREDICTION, PREDICTION));
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
   * base rate and counts.
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
    m.put("rows", (double) agg.getLong(3));
    m.put("positives", agg.getDouble(4));
    long n = agg.getLong(3);
    int top = (int) Math.max(1, Math.round(n * 0.1));
    double topRate = scored.orderBy(col(probabilityColumn).desc()).limit(top).agg(avg(y)).first().getDouble(0);
    m.put("lift_top_decile", baseRate > 0 ? topRate / baseRate : Double.NaN);
    return m;
  }

  /** Reliability table: mean predicted vs observed churn rate per predicted-probability decile bin. */
  public static Dataset<Row> reliability(Dataset<Row> scored, String probabilityColumn) {
    Column bin = least(col(probabilityColumn).multiply(10).cast("int"), lit(9));
    return scored.groupBy(bin.as("bin"))
        .agg(avg(col(probabilityColumn)).as("mean_predicted"), avg(col(LABEL)).as("observed_rate"),
            count(lit(1)).as("customers"), max(col(probabilityColumn)).as("max_predicted"))
        .orderBy("bin");
  }
}
