package io.centraal.scoring.model.churn;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.ntile;
import static org.apache.spark.sql.functions.pow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.testing.SparkExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import scala.Tuple2;

/**
 * The holdout metrics computed on the driver agree with Spark computing them: MLlib's exact
 * {@link BinaryClassificationMetrics} (every score a threshold) for the AUCs, SQL aggregates for log
 * loss, Brier and the reliability table, {@code NTILE(10)} for the deciles and exact percentiles for
 * the ROC curve's thresholds. Scores are rounded to two decimals, so there are many ties.
 */
@ExtendWith(SparkExtension.class)
class HoldoutMetricsTest {
  private static final StructType SCHEMA = new StructType()
      .add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType)
      .add(ChurnModel.LABEL, DataTypes.DoubleType)
      .add("model", DataTypes.DoubleType)
      .add("baseline", DataTypes.DoubleType);

  private static Dataset<Row> holdout(SparkSession spark, int n, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double risk = random.nextDouble();
      double label = random.nextDouble() < 0.15 + 0.6 * risk ? 1.0 : 0.0;
      double model = Math.round(Math.min(1, Math.max(0, risk + 0.25 * random.nextGaussian())) * 100) / 100.0;
      double baseline = Math.round(random.nextDouble() * 20) / 20.0;
      // Keys out of order, so the tie-break by key is not the collection order.
      rows.add(RowFactory.create((long) ((i * 7919L) % n), label, model, baseline));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(3);
  }

  @Test
  void metricsMatchSparksOwnComputation(SparkSession spark) {
    Dataset<Row> rows = holdout(spark, 1_003, 11L).cache();
    HoldoutMetrics metrics = HoldoutMetrics.collect(rows, List.of("model", "baseline"));
    assertEquals(1_003, metrics.rows());

    for (String column : List.of("model", "baseline")) {
      Map<String, Double> m = metrics.evaluate(column);
      BinaryClassificationMetrics exact = new BinaryClassificationMetrics(rows.select(col(column), col(ChurnModel.LABEL))
          .javaRDD().map(r -> new Tuple2<Object, Object>(r.getDouble(0), r.getDouble(1))).rdd(), 0);
      assertEquals(exact.areaUnderROC(), m.get("auc_roc"), 1e-12, column);
      assertEquals(exact.areaUnderPR(), m.get("auc_pr"), 1e-12, column);
      exact.unpersist();

      Row agg = rows.agg(avg(pow(col(column).minus(col(ChurnModel.LABEL)), 2)), avg(col(ChurnModel.LABEL)),
          count(lit(1))).first();
      assertEquals(agg.getDouble(0), m.get("brier"), 1e-12);
      assertEquals(agg.getDouble(1), m.get("base_rate"), 1e-12);
      assertEquals(agg.getLong(2), m.get("holdout_rows").longValue());
      double logLoss = rows.selectExpr("avg(-(churned * ln(least(greatest(" + column + ", 1e-15), 1 - 1e-15))"
          + " + (1 - churned) * ln(1 - least(greatest(" + column + ", 1e-15), 1 - 1e-15))))").first().getDouble(0);
      assertEquals(logLoss, m.get("log_loss"), 1e-12);

      int top = (int) Math.round(1_003 * 0.1);
      double topRate = rows.orderBy(col(column).desc(), col(FeatureColumns.CUSTOMER_KEY)).limit(top)
          .agg(avg(col(ChurnModel.LABEL))).first().getDouble(0);
      assertEquals(topRate / agg.getDouble(1), m.get("lift_top_decile"), 1e-12);

      List<Row> bins = rows.groupBy(least(col(column).multiply(10).cast("int"), lit(9)).as("bin"))
          .agg(avg(col(column)), avg(col(ChurnModel.LABEL)), count(lit(1))).orderBy("bin").collectAsList();
      List<Map<String, Object>> table = metrics.reliabilityTable(column);
      assertEquals(bins.size(), table.size());
      double ece = 0;
      for (int b = 0; b < bins.size(); b++) {
        Row expected = bins.get(b);
        Map<String, Object> actual = table.get(b);
        assertEquals(expected.getInt(0), actual.get("bin"));
        assertEquals(expected.getDouble(1), (Double) actual.get("mean_predicted"), 1e-12);
        assertEquals(expected.getDouble(2), (Double) actual.get("observed_rate"), 1e-12);
        assertEquals(expected.getLong(3), actual.get("count"));
        ece += expected.getLong(3) / 1_003.0 * Math.abs(expected.getDouble(1) - expected.getDouble(2));
      }
      assertEquals(ece, m.get("ece"), 1e-12);

      assertRocCurveMatches(rows, column, metrics.rocCurve(column));
    }

    Dataset<Row> deciles = rows
        .withColumn("dm", ntile(10).over(Window.orderBy(col("model").desc(), col(FeatureColumns.CUSTOMER_KEY))))
        .withColumn("db", ntile(10).over(Window.orderBy(col("baseline").desc(), col(FeatureColumns.CUSTOMER_KEY))));
    double base = rows.agg(avg(col(ChurnModel.LABEL))).first().getDouble(0);
    List<Map<String, Object>> lift = metrics.liftByDecile("model", "baseline");
    for (Row r : deciles.groupBy("dm").agg(avg(col(ChurnModel.LABEL))).collectAsList()) {
      assertEquals(r.getDouble(1) / base, (Double) lift.get(r.getInt(0) - 1).get("lift"), 1e-12);
    }
    for (Row r : deciles.groupBy("db").agg(avg(col(ChurnModel.LABEL))).collectAsList()) {
      assertEquals(r.getDouble(1) / base, (Double) lift.get(r.getInt(0) - 1).get("baseline_lift"), 1e-12);
    }
    rows.unpersist();
  }

  /** The curve Spark gives with exact percentiles as thresholds (rows at or above one are positive). */
  private static void assertRocCurveMatches(Dataset<Row> rows, String column, List<Map<String, Object>> curve) {
    double[] probs = new double[99];
    for (int i = 0; i < probs.length; i++) {
      probs[i] = (i + 1) / 100.0;
    }
    TreeSet<Double> thresholds = new TreeSet<>();
    for (double q : rows.stat().approxQuantile(column, probs, 0.0)) {
      thresholds.add(q);
    }
    Row totals = rows.selectExpr("sum(churned)", "sum(1 - churned)").first();
    assertEquals(thresholds.size() + 2, curve.size());
    int i = 1;
    for (double t : thresholds.descendingSet()) {
      Row above = rows.where(col(column).geq(t)).selectExpr("coalesce(sum(churned), 0d)", "coalesce(sum(1 - churned), 0d)")
          .first();
      assertEquals(above.getDouble(1) / totals.getDouble(1), (Double) curve.get(i).get("fpr"), 1e-12, "threshold " + t);
      assertEquals(above.getDouble(0) / totals.getDouble(0), (Double) curve.get(i).get("tpr"), 1e-12, "threshold " + t);
      i++;
    }
    assertEquals(1.0, (Double) curve.get(curve.size() - 1).get("tpr"));
  }

  @Test
  void aPerfectRankingHasAreaOneAndAnInvertedOneZero(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      double label = i < 10 ? 1.0 : 0.0;
      rows.add(RowFactory.create((long) i, label, 1.0 - i / 40.0, i / 40.0));
    }
    HoldoutMetrics metrics = HoldoutMetrics.collect(spark.createDataFrame(rows, SCHEMA), List.of("model", "baseline"));
    assertEquals(1.0, metrics.evaluate("model").get("auc_roc"), 1e-12);
    assertEquals(1.0, metrics.evaluate("model").get("auc_pr"), 1e-12);
    assertEquals(4.0, metrics.evaluate("model").get("lift_top_decile"), 1e-12, "top 4 of 40 all churned, base 1/4");
    assertEquals(0.0, metrics.evaluate("baseline").get("auc_roc"), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> metrics.evaluate("nope"));
  }
}
