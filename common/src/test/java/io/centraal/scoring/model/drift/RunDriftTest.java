package io.centraal.scoring.model.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.features.PurchaseRule;
import io.centraal.scoring.features.TransactionFeatures;
import io.centraal.scoring.model.btyd.FitResult;
import io.centraal.scoring.schema.DriftColumns;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.testing.SparkExtension;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** PSI, segment migration, parameter shifts and the rolling backtest on small hand-computed frames. */
@ExtendWith(SparkExtension.class)
class RunDriftTest {
  private static final double EPS = 1e-4;
  private static final String SCORE = "score";
  private static final String CLV = ScoreColumns.clv("12m");

  private static final StructType SCORES = new StructType()
      .add(ScoreColumns.CUSTOMER_KEY, DataTypes.LongType, false)
      .add(SCORE, DataTypes.DoubleType, true);

  private static Dataset<Row> scores(SparkSession spark, Double... values) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      rows.add(RowFactory.create((long) i, values[i]));
    }
    return spark.createDataFrame(rows, SCORES);
  }

  private static Double[] range(int from, int to) {
    Double[] out = new Double[to - from + 1];
    for (int i = from; i <= to; i++) {
      out[i - from] = (double) i;
    }
    return out;
  }

  @Test
  void psiOfTheSameDistributionIsZeroOverTenDecileBins(SparkSession spark) {
    PopulationStability.Result r = PopulationStability.compute(scores(spark, range(1, 100)),
        scores(spark, range(1, 100)), SCORE, 10, EPS);
    assertArrayEquals(new double[] {10, 20, 30, 40, 50, 60, 70, 80, 90}, r.edges(), 1e-9, "deciles of 1..100");
    long[] tens = new long[10];
    Arrays.fill(tens, 10);
    assertArrayEquals(tens, r.previousCounts());
    assertEquals(0.0, r.psi(), 1e-12);
    assertEquals("stable", r.reading());
  }

  @Test
  void aDistributionMovedUpByHalfItsRangeHasASignificantPsi(SparkSession spark) {
    // Previous 1..100: ten bins of 10. Current 51..150: bins 1-5 empty, 6-9 hold 10 each, the top
    // bin (> 90) holds 91..150 = 60. PSI = 5 (eps - 0.1) ln(eps / 0.1) + (0.6 - 0.1) ln(0.6 / 0.1).
    PopulationStability.Result r = PopulationStability.compute(scores(spark, range(1, 100)),
        scores(spark, range(51, 150)), SCORE, 10, EPS);
    assertArrayEquals(new long[] {0, 0, 0, 0, 0, 10, 10, 10, 10, 60}, r.currentCounts());
    double expected = 5 * (EPS - 0.1) * Math.log(EPS / 0.1) + 0.5 * Math.log(6);
    assertEquals(expected, r.psi(), 1e-9);
    assertTrue(r.psi() > PopulationStability.SIGNIFICANT, "PSI " + r.psi());
    assertEquals("significant shift", r.reading());
  }

  @Test
  void psiOfTwoHistogramsAndItsReading() {
    // (0.75 - 0.5) ln 1.5 + (0.25 - 0.5) ln 0.5 = 0.2747: just above the 0.25 line.
    double psi = PopulationStability.psi(new long[] {50, 50}, new long[] {75, 25}, EPS);
    assertEquals(0.25 * Math.log(1.5) - 0.25 * Math.log(0.5), psi, 1e-12);
    assertEquals("significant shift", PopulationStability.reading(psi));
    assertEquals("moderate shift", PopulationStability.reading(PopulationStability.psi(new long[] {50, 50},
        new long[] {70, 30}, EPS)), "0.2 ln 1.4 - 0.2 ln 0.6 = 0.17");
    assertEquals("stable", PopulationStability.reading(PopulationStability.psi(new long[] {50, 50},
        new long[] {52, 48}, EPS)));
    assertTrue(Double.isNaN(PopulationStability.psi(new long[] {0, 0}, new long[] {1, 1}, EPS)));
    assertThrows(IllegalArgumentException.class, () -> PopulationStability.psi(new long[] {1}, new long[] {1, 1}, EPS));
  }

  @Test
  void tiedQuantilesMergeTheirBinsAndNullsAreLeftOut(SparkSession spark) {
    // 60 zeros and 1..40: the first six deciles are all 0, so they make one bin.
    List<Double> values = new ArrayList<>(java.util.Collections.nCopies(60, 0.0));
    values.addAll(Arrays.asList(range(1, 40)));
    values.add(null);
    Double[] previous = values.toArray(Double[]::new);
    PopulationStability.Result r = PopulationStability.compute(scores(spark, previous), scores(spark, previous),
        SCORE, 10, EPS);
    assertEquals(0.0, r.edges()[0], 0.0);
    assertEquals(5, r.previousCounts().length, "edges 0, 10, 20, 30: five bins");
    assertEquals(60, r.previousCounts()[0]);
    assertEquals(100, r.previousCustomers(), "the null is not counted");
    assertEquals(0.0, r.psi(), 1e-12);
  }

  @Test
  void severalScoresAtOnceGiveEachScoresOwnBinsAndCounts(SparkSession spark) {
    // Two scores in one frame, nulls in different rows: each column's quantiles and counts leave out
    // only its own nulls, as when each is computed alone.
    StructType two = new StructType().add(SCORE, DataTypes.DoubleType, true).add("other", DataTypes.DoubleType, true);
    List<Row> before = new ArrayList<>();
    List<Row> after = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      before.add(RowFactory.create((double) i, i <= 60 ? Double.valueOf(0) : i % 7 == 0 ? null : Double.valueOf(i - 60)));
      after.add(RowFactory.create(i % 9 == 0 ? null : Double.valueOf(i + 50), i % 3 == 0 ? 5.0 : (double) i));
    }
    Dataset<Row> previous = spark.createDataFrame(before, two);
    Dataset<Row> current = spark.createDataFrame(after, two);
    List<PopulationStability.Result> all = PopulationStability.computeAll(previous, current, List.of(SCORE, "other"),
        10, EPS);
    assertEquals(2, all.size());
    for (PopulationStability.Result together : all) {
      PopulationStability.Result alone = PopulationStability.compute(previous.select(together.score()),
          current.select(together.score()), together.score(), 10, EPS);
      assertArrayEquals(alone.edges(), together.edges(), 0.0, together.score());
      assertArrayEquals(alone.previousCounts(), together.previousCounts(), together.score());
      assertArrayEquals(alone.currentCounts(), together.currentCounts(), together.score());
      assertEquals(alone.psi(), together.psi(), 1e-12);
    }
    assertArrayEquals(new double[] {10, 20, 30, 40, 50, 60, 70, 80, 90}, all.get(0).edges(), 1e-9);
    assertEquals(89, all.get(0).currentCustomers(), "the 11 nulls of the current score are left out");
    assertEquals(94, all.get(1).previousCustomers(), "the 6 nulls of the other score (63, 70, ..., 98) are left out");
  }

  private static final StructType PREVIOUS_SEGMENTS = new StructType()
      .add(ScoreColumns.CUSTOMER_KEY, DataTypes.LongType, false)
      .add(ScoreColumns.RFM_SEGMENT, DataTypes.StringType, true);
  private static final StructType CURRENT_SEGMENTS = PREVIOUS_SEGMENTS.add(CLV, DataTypes.DoubleType, true);

  @Test
  void theMigrationMatrixCountsCustomersPerFromToPairWithTheirCurrentClv(SparkSession spark) {
    Dataset<Row> previous = spark.createDataFrame(List.of(
        RowFactory.create(1L, "Loyal"), RowFactory.create(2L, "Loyal"), RowFactory.create(3L, "Loyal"),
        RowFactory.create(4L, "New"), RowFactory.create(5L, "New")), PREVIOUS_SEGMENTS);
    Dataset<Row> current = spark.createDataFrame(List.of(
        RowFactory.create(2L, "Loyal", 10.0), RowFactory.create(3L, "At risk", 5.0),
        RowFactory.create(4L, "Loyal", 20.0), RowFactory.create(5L, "Loyal", null),
        RowFactory.create(6L, "New", 1.0)), CURRENT_SEGMENTS);
    Dataset<Row> matrix = SegmentMigration.matrix(previous, current, CLV);
    assertEquals(List.of(DriftColumns.FROM_SEGMENT, DriftColumns.TO_SEGMENT, DriftColumns.CUSTOMERS,
        DriftColumns.CURRENT_CLV), Arrays.asList(matrix.columns()));
    Set<List<Object>> rows = new HashSet<>();
    matrix.collectAsList().forEach(r -> rows.add(Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3))));
    assertEquals(Set.of(
        Arrays.asList("Loyal", DriftColumns.NOT_SCORED, 1L, null),
        Arrays.asList("Loyal", "Loyal", 1L, 10.0),
        Arrays.asList("Loyal", "At risk", 1L, 5.0),
        Arrays.asList("New", "Loyal", 2L, 20.0),
        Arrays.asList(DriftColumns.NEW_CUSTOMER, "New", 1L, 1.0)), rows);
  }

  @Test
  void theMigrationMatrixNamesAMissingColumn(SparkSession spark) {
    Dataset<Row> previous = spark.createDataFrame(List.of(RowFactory.create(1L, "Loyal")), PREVIOUS_SEGMENTS);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SegmentMigration.matrix(previous, previous, CLV));
    assertTrue(e.getMessage().contains(CLV), e.getMessage());
  }

  private static FitResult fit(String model, double r, double rSe, double alpha, double alphaSe) {
    return new FitResult(model, List.of("r", "alpha"), new double[] {r, alpha}, new double[] {rSe, alphaSe},
        -100, 10, true, 1000, 100, "days", 0);
  }

  @Test
  void parameterShiftsAreInThePreviousStandardErrorsAndOnlyForTheSameModel() {
    ParameterShift.Comparison same = ParameterShift.compare("transaction_model",
        Optional.of(fit("nbd", 0.5, 0.02, 10, 0.5)), Optional.of(fit("nbd", 0.56, 0.01, 9, 0.4)));
    assertEquals("", same.note());
    assertEquals(3.0, same.shifts().get(0).shiftSe(), 1e-9, "(0.56 - 0.5) / 0.02");
    assertEquals(-2.0, same.shifts().get(1).shiftSe(), 1e-9, "(9 - 10) / 0.5");
    assertEquals(3.0, same.maxAbsShiftSe(), 1e-9);
    ParameterShift.Comparison changed = ParameterShift.compare("transaction_model",
        Optional.of(fit("bg_nbd", 0.5, 0.02, 10, 0.5)), Optional.of(fit("nbd", 0.5, 0.02, 10, 0.5)));
    assertEquals("model changed from bg_nbd to nbd", changed.note());
    assertTrue(changed.shifts().isEmpty() && Double.isNaN(changed.maxAbsShiftSe()));
    assertEquals("no model on the previous date", ParameterShift.compare("spend_model", Optional.empty(),
        Optional.of(fit("nbd", 0.5, 0.02, 10, 0.5))).note());
  }

  private static final StructType DAILY = new StructType()
      .add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType, false)
      .add(TransactionFeatures.PURCHASE_DATE, DataTypes.DateType, false)
      .add(TransactionFeatures.NET_AMOUNT, DataTypes.DoubleType, false)
      .add(TransactionFeatures.HAS_SALE, DataTypes.BooleanType, false);

  private static Row day(long customer, String date, double net) {
    return RowFactory.create(customer, Date.valueOf(date), net, true);
  }

  @Test
  void theRollingBacktestCountsPurchasePeriodsInTheWindowAndComparesWithThePrediction(SparkSession spark) {
    LocalDate run = LocalDate.of(2024, 1, 1);
    LocalDate end = RollingBacktest.windowEnd(run, 30.4375);
    assertEquals(LocalDate.of(2024, 1, 31), end, "a partial last day is not over");
    Dataset<Row> daily = spark.createDataFrame(List.of(
        day(1, "2024-01-01", 10), // the run's own day: before the window
        day(1, "2024-01-02", 10), day(1, "2024-01-31", 5), // first and last day of the window
        day(1, "2024-02-01", 5), // after it
        day(2, "2024-01-15", 7), day(2, "2024-01-20", -3), // a net return day is not a purchase
        day(4, "2024-01-10", 9)), DAILY); // customer 4 had no prediction
    Dataset<Row> actual = TransactionFeatures.purchasesIn(daily, PurchaseRule.NET_POSITIVE, run, end);
    Set<List<Object>> counts = new HashSet<>();
    actual.collectAsList().forEach(r -> counts.add(List.of(r.get(0), r.get(1))));
    assertEquals(Set.of(List.of(1L, 2L), List.of(2L, 1L), List.of(4L, 1L)), counts);

    StructType predictions = new StructType().add(ScoreColumns.CUSTOMER_KEY, DataTypes.LongType, false)
        .add("expected", DataTypes.DoubleType, true);
    Dataset<Row> predicted = spark.createDataFrame(List.of(RowFactory.create(1L, 1.0), RowFactory.create(2L, 2.0),
        RowFactory.create(3L, 0.5), RowFactory.create(5L, null)), predictions);
    RollingBacktest.Result r = RollingBacktest.evaluate(run, end, predicted, "expected", actual);
    assertEquals(3, r.customers(), "customers with a prediction");
    assertEquals(3.5, r.predictedTotal(), 1e-12);
    assertEquals(3.0, r.actualTotal(), 1e-12, "customer 3 bought nothing, customer 4 was not predicted");
    assertEquals((1.0 + 1.0 + 0.5) / 3, r.mae(), 1e-12);
    assertEquals(r.mae() / (3.0 / 3), r.maeRatio(), 1e-12);
  }
}
