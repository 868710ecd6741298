package io.centraal.scoring.model.btyd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.testing.SparkExtension;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The interval columns on Spark, checked customer by customer against the same draws evaluated here
 * directly: the partitioning, sorting and reuse of the last (x, T) and (x, t_x, T) must not change
 * any customer's interval.
 */
@ExtendWith(SparkExtension.class)
class ClvIntervalScoringTest {
  private static final StructType SUMMARY = BtydSparkTest.SUMMARY;
  private static final ClvSettings TWELVE_MONTHS = BtydSparkTest.TWELVE_MONTHS;
  private static final IntervalSettings P10_P90 = new IntervalSettings(60, 0.1, 0.9, 42);

  /** CDNOW customers, plus one with no purchase summary (all nulls), over three partitions. */
  private static Dataset<Row> cdnow(SparkSession spark) {
    return BtydSparkTest.cdnow(spark).union(spark.createDataFrame(
        List.of(RowFactory.create("never", null, null, null, null, null)), SUMMARY)).repartition(3);
  }

  @Test
  void everyCustomersIntervalEqualsTheDrawsEvaluatedDirectly(SparkSession spark) {
    FitResult bg = CdnowFixtures.bgNbdFit();
    FitResult gg = CdnowFixtures.gammaGammaFit();
    Dataset<Row> scored = ClvIntervalScoring.score(cdnow(spark), Optional.of(bg), Optional.of(gg), TWELVE_MONTHS,
        P10_P90);
    List<String> columns = ScoreColumns.clvIntervals("12m");
    assertEquals(SUMMARY.size() + 6, scored.schema().size());

    List<TransactionModel> tx = ParameterUncertainty.transactionModels(bg, 60, 42);
    List<SpendModel> spend = ParameterUncertainty.spendModels(gg, 60, 43);
    Clv.StepDiscounts discounts = Clv.StepDiscounts.of(TWELVE_MONTHS);
    BgNbdModel point = BgNbdModel.fromFit(bg);
    GammaGammaModel pointSpend = GammaGammaModel.fromFit(gg);
    int clvInside = 0;
    int rows = 0;
    for (Row r : scored.collectAsList()) {
      if (r.isNullAt(r.fieldIndex(FeatureColumns.FREQUENCY))) {
        for (String c : columns) {
          assertNull(r.get(r.fieldIndex(c)), c);
        }
        continue;
      }
      double x = r.getInt(1);
      double tx2 = r.getDouble(2);
      double age = r.getDouble(3);
      double mx = r.getDouble(4);
      double[] alive = new double[60];
      double[] expected = new double[60];
      double[] clv = new double[60];
      for (int d = 0; d < 60; d++) {
        double[] schedule = Clv.ifAliveSchedule(tx.get(d), x, age, TWELVE_MONTHS);
        alive[d] = tx.get(d).probabilityAlive(x, tx2, age);
        double[] purchases = Clv.fromSchedule(alive[d], schedule, discounts);
        expected[d] = purchases[0];
        double s = x > 0 ? spend.get(d).conditionalExpectedAverageSpend(x, mx) : spend.get(d).populationMeanSpend();
        clv[d] = s * purchases[1];
      }
      String who = r.getString(0);
      assertEquals(ParameterUncertainty.quantile(alive.clone(), 0.1), r.getDouble(r.fieldIndex(columns.get(0))), 1e-12, who);
      assertEquals(ParameterUncertainty.quantile(alive.clone(), 0.9), r.getDouble(r.fieldIndex(columns.get(1))), 1e-12, who);
      assertEquals(ParameterUncertainty.quantile(expected.clone(), 0.1), r.getDouble(r.fieldIndex(columns.get(2))), 1e-12, who);
      assertEquals(ParameterUncertainty.quantile(expected.clone(), 0.9), r.getDouble(r.fieldIndex(columns.get(3))), 1e-12, who);
      double lower = r.getDouble(r.fieldIndex(columns.get(4)));
      double upper = r.getDouble(r.fieldIndex(columns.get(5)));
      assertEquals(ParameterUncertainty.quantile(clv.clone(), 0.1), lower, 1e-9 * Math.max(1, lower), who);
      assertEquals(ParameterUncertainty.quantile(clv.clone(), 0.9), upper, 1e-9 * Math.max(1, upper), who);
      double pointClv = Clv.clv(point, x, tx2, age, x > 0 ? pointSpend.conditionalExpectedAverageSpend(x, mx)
          : pointSpend.populationMeanSpend(), TWELVE_MONTHS);
      clvInside += lower <= pointClv && pointClv <= upper ? 1 : 0;
      rows++;
    }
    assertEquals(2357, rows);
    // The point estimate sits inside its own 80% interval for nearly every customer.
    assertTrue(clvInside >= 0.95 * rows, clvInside + " of " + rows);
  }

  @Test
  void withoutCovarianceOrReplicatesTheColumnsAreNull(SparkSession spark) {
    FitResult bg = CdnowFixtures.bgNbdFit();
    FitResult bare = bg.withParams(bg.params());
    for (Dataset<Row> scored : List.of(
        ClvIntervalScoring.score(cdnow(spark), Optional.of(bare), Optional.of(CdnowFixtures.gammaGammaFit()),
            TWELVE_MONTHS, P10_P90),
        ClvIntervalScoring.score(cdnow(spark), Optional.of(bg), Optional.empty(), TWELVE_MONTHS,
            IntervalSettings.off()))) {
      for (String c : ScoreColumns.clvIntervals("12m")) {
        assertEquals(0, scored.where(scored.col(c).isNotNull()).count(), c);
      }
    }
    // A transaction model with a covariance but no spend model: purchase intervals, no CLV interval.
    Dataset<Row> noSpend = ClvIntervalScoring.score(cdnow(spark), Optional.of(bg), Optional.empty(), TWELVE_MONTHS,
        P10_P90);
    assertEquals(2357, noSpend.where(noSpend.col(ScoreColumns.lower(ScoreColumns.P_ALIVE)).isNotNull()).count());
    assertEquals(0, noSpend.where(noSpend.col(ScoreColumns.lower(ScoreColumns.clv("12m"))).isNotNull()).count());
    assertTrue(Arrays.asList(noSpend.columns()).containsAll(ScoreColumns.clvIntervals("12m")));
  }
}
