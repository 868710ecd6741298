package io.centraal.scoring.model.btyd;

import static io.centraal.scoring.model.btyd.BgNbdModelTest.assertRelative;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.testing.SparkExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Spark layer: fits equal the array fits, scoring adds the documented columns. */
@ExtendWith(SparkExtension.class)
class BtydSparkTest {
  static final StructType SUMMARY = new StructType()
      .add(FeatureColumns.CUSTOMER_KEY, DataTypes.StringType, false)
      .add(FeatureColumns.FREQUENCY, DataTypes.IntegerType, true)
      .add(FeatureColumns.RECENCY, DataTypes.DoubleType, true)
      .add(FeatureColumns.T, DataTypes.DoubleType, true)
      .add(FeatureColumns.MONETARY_VALUE, DataTypes.DoubleType, true)
      .add(FeatureColumns.MARGIN_RATE, DataTypes.DoubleType, true);
  static final ClvSettings TWELVE_MONTHS = new ClvSettings("12m", 12 * 4.348125, 4.348125,
      0.01, ClvSettings.Discounting.DISCRETE, false);

  /** The CDNOW customers as a summary table, margin rate 0.3 for everyone. */
  static Dataset<Row> cdnow(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (CdnowFixtures.Customer c : CdnowFixtures.withSpend()) {
      rows.add(RowFactory.create("c" + c.id(), (int) c.x(), c.tx(), c.t(), c.zbar(), 0.3));
    }
    return spark.createDataFrame(rows, SUMMARY);
  }

  @Test
  void fitsThroughSparkEqualTheArrayFits(SparkSession spark) {
    Dataset<Row> summary = cdnow(spark);
    FitResult viaSpark = BtydModels.fitBgNbd(summary, CdnowFixtures.weeks());
    FitResult direct = CdnowFixtures.bgNbdFit();
    assertArrayEquals(direct.params(), viaSpark.params(), 1e-12);
    assertEquals(direct.logLikelihood(), viaSpark.logLikelihood(), 1e-9);
    assertEquals(2357, viaSpark.customers());
    assertEquals(1016, viaSpark.distinctRows());

    FitResult spendViaSpark = BtydModels.fitGammaGamma(summary, CdnowFixtures.currency());
    assertArrayEquals(CdnowFixtures.gammaGammaFit().params(), spendViaSpark.params(), 1e-12);
    assertEquals(946, spendViaSpark.customers());
  }

  @Test
  void scoreAddsTheFourColumns(SparkSession spark) {
    FitResult bg = CdnowFixtures.bgNbdFit();
    FitResult gg = CdnowFixtures.gammaGammaFit();
    Dataset<Row> input = cdnow(spark).limit(50);
    Dataset<Row> scored = ClvScoring.score(input, bg, gg, TWELVE_MONTHS);

    StructType expectedSchema = SUMMARY
        .add(ScoreColumns.P_ALIVE, DataTypes.DoubleType, true)
        .add(ScoreColumns.expectedPurchases("12m"), DataTypes.DoubleType, true)
        .add(ScoreColumns.EXPECTED_AVG_SPEND, DataTypes.DoubleType, true)
        .add(ScoreColumns.clv("12m"), DataTypes.DoubleType, true);
    assertEquals(expectedSchema, scored.schema());

    BgNbdModel model = BgNbdModel.fromFit(bg);
    GammaGammaModel spend = GammaGammaModel.fromFit(gg);
    List<Row> rows = scored.collectAsList();
    assertEquals(50, rows.size());
    for (Row r : rows) {
      double x = r.getInt(1);
      double tx = r.getDouble(2);
      double t = r.getDouble(3);
      double avg = spend.conditionalExpectedAverageSpend(x, r.getDouble(4));
      String where = r.getString(0);
      assertEquals(model.probabilityAlive(x, tx, t), r.getDouble(6), 1e-15, where);
      assertEquals(model.conditionalExpectedPurchases(12 * 4.348125, x, tx, t), r.getDouble(7),
          1e-15, where);
      assertEquals(avg, r.getDouble(8), 1e-12, where);
      assertEquals(Clv.clv(model, x, tx, t, avg, TWELVE_MONTHS), r.getDouble(9), 1e-12, where);
    }
  }

  @Test
  void collectSummariesEqualsTheTwoSeparateCollects(SparkSession spark) {
    Dataset<Row> summary = cdnow(spark);
    BtydModels.Summaries both = BtydModels.collectSummaries(summary);
    FitResult together = BgNbdModel.fit(both.transactions(), CdnowFixtures.weeks());
    FitResult separate = BtydModels.fitBgNbd(summary, CdnowFixtures.weeks());
    assertArrayEquals(separate.params(), together.params(), 0);
    assertEquals(1016, both.transactions().distinctRows());
    FitResult spendTogether = GammaGammaModel.fit(both.spend(), CdnowFixtures.currency());
    assertArrayEquals(BtydModels.fitGammaGamma(summary, CdnowFixtures.currency()).params(),
        spendTogether.params(), 0);
    assertEquals(946, both.spend().customers());
    // Partitions collapse separately and the driver merges them: same rows, same fit.
    BtydModels.Summaries merged = BtydModels.collectSummaries(summary.repartition(5));
    assertEquals(1016, merged.transactions().distinctRows());
    assertEquals(2357, merged.transactions().customers());
    assertArrayEquals(together.params(), BgNbdModel.fit(merged.transactions(), CdnowFixtures.weeks()).params(), 0);
    assertEquals(both.spend().distinctRows(), merged.spend().distinctRows());
    assertEquals(946, merged.spend().customers());
  }

  @Test
  void collectSummariesNamesTheNullColumn(SparkSession spark) {
    Dataset<Row> input = spark.createDataFrame(List.of(
        RowFactory.create("a", 2, 30.0, 38.0, 22.0, null),
        RowFactory.create("b", 1, null, 38.0, 22.0, null),
        RowFactory.create("c", 0, 0.0, 12.0, null, null),
        RowFactory.create("d", 3, null, 20.0, 5.0, null)), SUMMARY).repartition(3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BtydModels.collectSummaries(input));
    assertEquals("column 'recency' is null for 2 customers; BTYD fits need frequency, recency and t on every row",
        e.getMessage());
  }

  @Test
  void nullsAndMargin(SparkSession spark) {
    FitResult bg = CdnowFixtures.bgNbdFit();
    FitResult gg = CdnowFixtures.gammaGammaFit();
    Dataset<Row> input = spark.createDataFrame(List.of(
        RowFactory.create("known", 2, 30.43, 38.86, 22.35, 0.25),
        RowFactory.create("no-margin", 2, 30.43, 38.86, 22.35, null),
        RowFactory.create("no-spend", 2, 30.43, 38.86, null, 0.25),
        RowFactory.create("no-history", null, 30.43, 38.86, 22.35, 0.25)), SUMMARY);
    ClvSettings onMargin = new ClvSettings("12m", 12 * 4.348125, 4.348125, 0.01,
        ClvSettings.Discounting.DISCRETE, true);
    Map<String, Row> byKey = ClvScoring.score(input, bg, gg, onMargin).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r));

    GammaGammaModel spend = GammaGammaModel.fromFit(gg);
    double revenueClv = Clv.clv(BgNbdModel.fromFit(bg), 2, 30.43, 38.86,
        spend.conditionalExpectedAverageSpend(2, 22.35), onMargin);
    assertRelative(0.25 * revenueClv, byKey.get("known").getDouble(9), 1e-14);
    assertRelative(revenueClv, byKey.get("no-margin").getDouble(9), 1e-14);
    assertRelative(spend.populationMeanSpend(), byKey.get("no-spend").getDouble(8), 1e-14);
    for (int i = 6; i <= 9; i++) {
      assertNull(byKey.get("no-history").get(i));
    }
  }

  @Test
  void schemaProblemsNameTheColumn(SparkSession spark) {
    FitResult bg = CdnowFixtures.bgNbdFit();
    FitResult gg = CdnowFixtures.gammaGammaFit();
    Dataset<Row> summary = cdnow(spark);

    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ClvScoring.score(summary.drop(FeatureColumns.RECENCY), bg, gg, TWELVE_MONTHS));
    assertTrue(missing.getMessage().contains("'" + FeatureColumns.RECENCY + "'"),
        missing.getMessage());

    IllegalArgumentException notNumeric = assertThrows(IllegalArgumentException.class,
        () -> ClvScoring.score(summary.withColumn(FeatureColumns.T,
            summary.col(FeatureColumns.T).cast("string")), bg, gg, TWELVE_MONTHS));
    assertTrue(notNumeric.getMessage().contains("'" + FeatureColumns.T + "' must be numeric"),
        notNumeric.getMessage());

    IllegalArgumentException exists = assertThrows(IllegalArgumentException.class,
        () -> ClvScoring.score(summary.withColumn(ScoreColumns.P_ALIVE,
            summary.col(FeatureColumns.T)), bg, gg, TWELVE_MONTHS));
    assertTrue(exists.getMessage().contains("'" + ScoreColumns.P_ALIVE + "'"), exists.getMessage());

    ClvSettings onMargin = new ClvSettings("12m", 12 * 4.348125, 4.348125, 0.01,
        ClvSettings.Discounting.DISCRETE, true);
    IllegalArgumentException noMargin = assertThrows(IllegalArgumentException.class,
        () -> ClvScoring.score(summary.drop(FeatureColumns.MARGIN_RATE), bg, gg, onMargin));
    assertTrue(noMargin.getMessage().contains("'" + FeatureColumns.MARGIN_RATE + "'"),
        noMargin.getMessage());

    IllegalArgumentException fitMissing = assertThrows(IllegalArgumentException.class,
        () -> BtydModels.fitBgNbd(summary.drop(FeatureColumns.FREQUENCY), CdnowFixtures.weeks()));
    assertTrue(fitMissing.getMessage().contains("'" + FeatureColumns.FREQUENCY + "'"),
        fitMissing.getMessage());

    IllegalArgumentException swapped = assertThrows(IllegalArgumentException.class,
        () -> ClvScoring.score(summary, gg, bg, TWELVE_MONTHS));
    assertTrue(swapped.getMessage().contains("not a transaction model"), swapped.getMessage());
  }

  @Test
  void fitRefusesNullsInTheSummary(SparkSession spark) {
    Dataset<Row> withNull = cdnow(spark).union(spark.createDataFrame(
        List.of(RowFactory.create("x", 1, null, 30.0, 10.0, 0.3)), SUMMARY));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BtydModels.fitBgNbd(withNull, CdnowFixtures.weeks()));
    assertTrue(e.getMessage().contains("'" + FeatureColumns.RECENCY + "' is null for 1 customers"),
        e.getMessage());
  }
}
