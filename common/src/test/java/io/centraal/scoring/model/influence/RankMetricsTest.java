package io.centraal.scoring.model.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.testing.SparkExtension;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class RankMetricsTest {
  private static final StructType SCHEMA = new StructType()
      .add("outcome", DataTypes.DoubleType).add("perfect", DataTypes.DoubleType)
      .add("reversed", DataTypes.DoubleType).add("tied", DataTypes.DoubleType);

  /** Outcomes 0, 0, 1, 2, 5, 9; "tied" puts the two best and one zero-outcome customer in one tie. */
  private static Dataset<Row> six(SparkSession spark) {
    double[][] v = {{0, 1, 6, 1}, {0, 2, 5, 2}, {1, 3, 4, 3}, {2, 4, 3, 4}, {5, 5, 2, 9}, {9, 6, 1, 9}};
    return spark.createDataFrame(java.util.Arrays.stream(v)
        .map(r -> RowFactory.create(r[0], r[1], r[2], r[3])).toList(), SCHEMA);
  }

  @Test
  void spearmanIsOneForTheSameOrderAndMinusOneForTheReverse(SparkSession spark) {
    Map<String, Double> rho = RankMetrics.spearman(six(spark), "outcome", List.of("perfect", "reversed"));
    // The outcome ties its two zeros (average rank 1.5): still monotone, so |rho| is just under 1.
    assertEquals(0.986, rho.get("perfect"), 1e-3);
    assertEquals(-0.986, rho.get("reversed"), 1e-3);
  }

  /**
   * The driver's ranks against MLlib's Spearman on the same rows: 3,000 customers, an outcome that
   * is mostly 0, scores rounded to few values (large ties), one with nulls, one constant.
   */
  @Test
  void spearmanOnTheDriverIsMllibsSpearman(SparkSession spark) {
    java.util.Random random = new java.util.Random(7);
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      double outcome = random.nextDouble() < 0.8 ? 0 : Math.floor(random.nextDouble() * 20);
      double noisy = Math.round((outcome + random.nextGaussian() * 4) * 2) / 2.0;
      double coarse = Math.floor(random.nextDouble() * 4) + (outcome > 0 ? 1 : 0);
      rows.add(RowFactory.create(outcome, noisy, i % 10 == 0 ? null : coarse, 3.0));
    }
    StructType schema = new StructType().add("outcome", DataTypes.DoubleType).add("noisy", DataTypes.DoubleType)
        .add("coarse", DataTypes.DoubleType).add("constant", DataTypes.DoubleType);
    Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(4);
    List<String> scores = List.of("noisy", "coarse", "constant");
    Map<String, Double> driver = RankMetrics.spearman(df, "outcome", scores, RankMetrics.DRIVER_VALUES);
    Map<String, Double> mllib = RankMetrics.spearman(df, "outcome", scores, 0);
    assertTrue(driver.get("noisy") > 0.3 && driver.get("coarse") > 0.1, driver.toString());
    assertEquals(mllib.get("noisy"), driver.get("noisy"), 1e-9);
    assertEquals(mllib.get("coarse"), driver.get("coarse"), 1e-9);
    assertTrue(driver.get("constant").isNaN() && mllib.get("constant").isNaN(), driver + " " + mllib);
    // No rows: NaN on either path.
    Dataset<Row> none = df.limit(0);
    assertTrue(RankMetrics.spearman(none, "outcome", scores).get("noisy").isNaN());
  }

  @Test
  void precisionAtKCountsTiesAtTheBoundaryByExpectation(SparkSession spark) {
    Dataset<Row> df = six(spark);
    assertEquals(1.0, RankMetrics.precisionAtK(df, "perfect", "outcome", 2), 1e-12);
    assertEquals(0.0, RankMetrics.precisionAtK(df, "reversed", "outcome", 2), 1e-12);
    // Top 2 by outcome: outcomes 9 and 5. "tied" scores both 9: both in the top 2, precision 1.
    assertEquals(1.0, RankMetrics.precisionAtK(df, "tied", "outcome", 2), 1e-12);
    // k = 3: relevant = outcomes 9, 5, 2 (score 4); the top 3 by score are 9, 9, 4: all relevant.
    assertEquals(1.0, RankMetrics.precisionAtK(df, "tied", "outcome", 3), 1e-12);
    // A constant score: every customer tied, so precision = share relevant = 1 / 6 at k = 1.
    Dataset<Row> constant = df.withColumn("tied", org.apache.spark.sql.functions.lit(1.0));
    assertEquals(1.0 / 6, RankMetrics.precisionAtK(constant, "tied", "outcome", 1), 1e-12);
    // k larger than the rows is capped; only the 4 positive outcomes are relevant.
    assertEquals(4.0 / 6, RankMetrics.precisionAtK(df, "perfect", "outcome", 100), 1e-12);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RankMetrics.precisionAtK(df, "nope", "outcome", 2));
    assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
  }
}
