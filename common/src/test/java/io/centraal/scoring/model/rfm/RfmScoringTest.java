package io.centraal.scoring.model.rfm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.testing.Frames;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.testing.SparkExtension;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
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
class RfmScoringTest {
  private final RfmScoring scoring = new RfmScoring(RfmFixtures.standardSettings());

  @Test
  void scoresExactQuantilesNamesSegmentsAndSkipsNonBuyers(SparkSession spark) {
    Dataset<Row> scored = scoring.apply(RfmFixtures.tenPurchasersOneNever(spark));

    StructType schema = scored.schema();
    assertEquals(DataTypes.IntegerType, schema.apply(ScoreColumns.RFM_R).dataType());
    assertEquals(DataTypes.StringType, schema.apply(ScoreColumns.RFM_SEGMENT).dataType());
    assertEquals(RfmFixtures.CUSTOMERS.size() + 4, schema.size());

    Map<Long, Row> rows = Frames.byKey(scored);
    assertEquals(11, rows.size());
    // Ten distinct values -> two customers per bin; customer 1 is most recent but least frequent.
    int[] expectedR = {5, 5, 4, 4, 3, 3, 2, 2, 1, 1};
    int[] expectedFm = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
    for (int i = 1; i <= 10; i++) {
      Row r = rows.get((long) i);
      assertEquals(expectedR[i - 1], r.getInt(r.fieldIndex(ScoreColumns.RFM_R)), "R of customer " + i);
      assertEquals(expectedFm[i - 1], r.getInt(r.fieldIndex(ScoreColumns.RFM_F)), "F of customer " + i);
      assertEquals(expectedFm[i - 1], r.getInt(r.fieldIndex(ScoreColumns.RFM_M)), "M of customer " + i);
    }
    assertEquals("New", segment(rows.get(1L)));              // R5 FM1
    assertEquals("Potential loyalist", segment(rows.get(3L))); // R4 FM2
    assertEquals("Loyal", segment(rows.get(5L)));            // R3 FM3
    assertEquals("At risk", segment(rows.get(7L)));          // R2 FM4
    assertEquals("Cannot lose them", segment(rows.get(10L))); // R1 FM5

    // Never purchased: null scores, the "No purchase" segment, and left out of the quantiles.
    Row never = rows.get(99L);
    assertNull(never.get(never.fieldIndex(ScoreColumns.RFM_R)));
    assertNull(never.get(never.fieldIndex(ScoreColumns.RFM_F)));
    assertNull(never.get(never.fieldIndex(ScoreColumns.RFM_M)));
    assertEquals("No purchase", segment(never));
  }

  @Test
  void tiesGetTheSameScore(SparkSession spark) {
    // Six one-time buyers and four repeat buyers: all one-time buyers share F = 1.
    List<Row> rows = new ArrayList<>();
    for (long i = 1; i <= 10; i++) {
      rows.add(RowFactory.create(i, 30, i <= 6 ? 1L : i, 50.0));
    }
    Map<Long, Row> scored = Frames.byKey(scoring.apply(spark.createDataFrame(rows, RfmFixtures.CUSTOMERS)));
    for (long i = 1; i <= 6; i++) {
      Row r = scored.get(i);
      assertEquals(1, r.getInt(r.fieldIndex(ScoreColumns.RFM_F)));
      // Identical recency and spend for everyone: one tie group, lowest bin.
      assertEquals(1, r.getInt(r.fieldIndex(ScoreColumns.RFM_R)));
      assertEquals(1, r.getInt(r.fieldIndex(ScoreColumns.RFM_M)));
    }
    // pr = 6/9, 7/9, 8/9, 1 -> 4, 4, 5, 5: uneven bins (no F = 2 or 3).
    assertEquals(4, scored.get(7L).getInt(scored.get(7L).fieldIndex(ScoreColumns.RFM_F)));
    assertEquals(5, scored.get(10L).getInt(scored.get(10L).fieldIndex(ScoreColumns.RFM_F)));
  }

  @Test
  void quantilesArePerAsOfDate(SparkSession spark) {
    StructType schema = RfmFixtures.CUSTOMERS.add(FeatureColumns.AS_OF_DATE, DataTypes.DateType, false);
    Date d1 = Date.valueOf("2024-01-31");
    Date d2 = Date.valueOf("2024-02-29");
    List<Row> rows = List.of(
        RowFactory.create(1L, 5, 3L, 300.0, d1),
        RowFactory.create(2L, 50, 1L, 10.0, d1),
        // On d2 customer 1 is the worst of the two.
        RowFactory.create(1L, 500, 1L, 1.0, d2),
        RowFactory.create(2L, 1, 9L, 900.0, d2));
    List<Row> scored = scoring.apply(spark.createDataFrame(rows, schema))
        .orderBy(FeatureColumns.AS_OF_DATE, FeatureColumns.CUSTOMER_KEY).collectAsList();
    int r = scored.get(0).fieldIndex(ScoreColumns.RFM_R);
    assertEquals(List.of(5, 1, 1, 5), scored.stream().map(x -> x.getInt(r)).toList());
  }

  @Test
  void missingColumnIsNamed(SparkSession spark) {
    Dataset<Row> noSpend = RfmFixtures.tenPurchasersOneNever(spark).drop(FeatureColumns.TOTAL_SPEND);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> scoring.apply(noSpend));
    assertTrue(e.getMessage().contains("'total_spend'"), e.getMessage());
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void wrongTypeAndCollidingOutputAreRejected(SparkSession spark) {
    Dataset<Row> base = RfmFixtures.tenPurchasersOneNever(spark);
    Dataset<Row> stringDays = base.withColumn(FeatureColumns.DAYS_SINCE_LAST_PURCHASE,
        base.col(FeatureColumns.DAYS_SINCE_LAST_PURCHASE).cast("string"));
    IllegalArgumentException typeError =
        assertThrows(IllegalArgumentException.class, () -> scoring.apply(stringDays));
    assertTrue(typeError.getMessage().contains("'days_since_last_purchase' has type string"),
        typeError.getMessage());

    Dataset<Row> colliding = base.withColumn(ScoreColumns.RFM_SEGMENT, base.col(FeatureColumns.CUSTOMER_KEY));
    IllegalArgumentException collision =
        assertThrows(IllegalArgumentException.class, () -> scoring.apply(colliding));
    assertTrue(collision.getMessage().contains("'rfm_segment' is already present"), collision.getMessage());
  }

  @Test
  void segmentMapMustEndWithCatchAll() {
    List<RfmSegmentRule> noCatchAll = RfmFixtures.standardGrid().subList(0, 11);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RfmSettings(5, noCatchAll, "No purchase"));
    assertTrue(e.getMessage().contains("catch-all"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new RfmSegmentRule("Bad", 4, 2, 1.0, 5.0));
  }

  @Test
  void firstMatchingRuleWinsAndGridCoversEveryCell(SparkSession spark) {
    // With 2 bins and a custom map: order decides between overlapping rules.
    RfmSettings two = new RfmSettings(2, List.of(
        new RfmSegmentRule("Best", 2, 2, 2.0, 2.0),
        new RfmSegmentRule("Recent", 2, 2, 1.0, 2.0),
        new RfmSegmentRule("Rest", 1, 2, 1.0, 2.0)), "None");
    Map<Long, Row> rows = Frames.byKey(new RfmScoring(two).apply(spark.createDataFrame(List.of(
        RowFactory.create(1L, 1, 5L, 500.0),
        RowFactory.create(2L, 2, 1L, 5.0),
        RowFactory.create(3L, 9, 2L, 50.0)), RfmFixtures.CUSTOMERS)));
    assertEquals("Best", segment(rows.get(1L)));   // R2 F2 M2
    assertEquals("Recent", segment(rows.get(2L))); // R2 (pr 0.5 -> bin 2) F1 M1
    assertEquals("Rest", segment(rows.get(3L)));   // R1

    // The standard grid names every cell of the 5x5x5 (R, F, M) cube: the catch-all is unused.
    for (int r = 1; r <= 5; r++) {
      for (int f = 1; f <= 5; f++) {
        for (int m = 1; m <= 5; m++) {
          int rule = matchIndex(r, (f + m) / 2.0);
          assertTrue(rule >= 0 && rule < 11, "R" + r + " F" + f + " M" + m + " falls through to 'Other'");
        }
      }
    }
  }

  private static int matchIndex(int r, double fm) {
    List<RfmSegmentRule> rules = RfmFixtures.standardGrid();
    for (int i = 0; i < rules.size(); i++) {
      RfmSegmentRule rule = rules.get(i);
      if (r >= rule.rMin() && r <= rule.rMax() && fm >= rule.fmMin() && fm <= rule.fmMax()) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void segmentSummarySharesAddUp(SparkSession spark) {
    Dataset<Row> scored = scoring.apply(RfmFixtures.tenPurchasersOneNever(spark));
    List<Row> summary = RfmScoring.segmentSummary(scored, FeatureColumns.TOTAL_SPEND).collectAsList();
    double customerShare = 0;
    double valueShare = 0;
    long customers = 0;
    Map<String, Row> bySegment = new HashMap<>();
    for (Row r : summary) {
      customers += r.getLong(r.fieldIndex(ScoreColumns.SEGMENT_CUSTOMERS));
      customerShare += r.getDouble(r.fieldIndex(ScoreColumns.SEGMENT_CUSTOMER_SHARE));
      valueShare += r.getDouble(r.fieldIndex(ScoreColumns.SEGMENT_VALUE_SHARE));
      bySegment.put(r.getString(r.fieldIndex(ScoreColumns.RFM_SEGMENT)), r);
    }
    assertEquals(11, customers);
    assertEquals(1.0, customerShare, 1e-9);
    assertEquals(1.0, valueShare, 1e-9);
    Row champions = bySegment.get("Cannot lose them"); // customers 9 and 10: 1900 of 5500
    assertEquals(2L, champions.getLong(champions.fieldIndex(ScoreColumns.SEGMENT_CUSTOMERS)));
    assertEquals(1900.0, champions.getDouble(champions.fieldIndex(ScoreColumns.SEGMENT_TOTAL_VALUE)), 1e-9);
    assertEquals(1900.0 / 5500.0,
        champions.getDouble(champions.fieldIndex(ScoreColumns.SEGMENT_VALUE_SHARE)), 1e-9);
    assertEquals("Cannot lose them", summary.get(0).getString(summary.get(0).fieldIndex(ScoreColumns.RFM_SEGMENT)));
  }

  private static String segment(Row r) {
    return r.getString(r.fieldIndex(ScoreColumns.RFM_SEGMENT));
  }
}
