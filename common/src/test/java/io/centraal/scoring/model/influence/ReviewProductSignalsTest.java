package io.centraal.scoring.model.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.features.ReviewProductSignals;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Reviews;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.testing.Frames;
import io.centraal.scoring.testing.SparkExtension;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
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
class ReviewProductSignalsTest {
  private static final double EPS = 1e-12;
  private static final LocalDate AS_OF = LocalDate.parse("2024-01-10");
  private static final StructType REVIEWS = new StructType()
      .add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType, false)
      .add(Reviews.PRODUCT_ID, DataTypes.StringType, true)
      .add(Reviews.TS, DataTypes.TimestampType, false);

  private static Row review(long customer, String product, int dayOfMonth) {
    return RowFactory.create(customer, product, Timestamp.valueOf(LocalDate.of(2024, 1, dayOfMonth).atTime(12, 0)));
  }

  /**
   * p1 reviewed by customers 1-4 on days 1, 2, 3, 3; p2 by 1 and 3 on days 1 and 3; p3 by 2 only.
   * Customer 5 reviews p1 after the as-of date and customer 1 once without a product: both ignored.
   */
  private static Dataset<Row> reviews(SparkSession spark) {
    List<Row> rows = new ArrayList<>(List.of(
        review(1, "p1", 1), review(2, "p1", 2), review(3, "p1", 3), review(4, "p1", 3),
        review(1, "p2", 1), review(3, "p2", 3), review(2, "p3", 5),
        review(5, "p1", 20), review(1, null, 9)));
    return spark.createDataFrame(rows, REVIEWS);
  }

  private static Double value(Row r, String c) {
    return r.isNullAt(r.fieldIndex(c)) ? null : r.getDouble(r.fieldIndex(c));
  }

  @Test
  void noveltyIsTheMeanSelfInformationAndEarlinessTheShareOfLaterReviews(SparkSession spark) {
    Map<Long, Row> rows = Frames.byKey(ReviewProductSignals.perCustomer(reviews(spark), AS_OF));
    assertEquals(4, rows.size(), "customer 5 only reviewed after the as-of date");
    // 4 reviewers; p1 has 4 (log2 1 = 0), p2 2 (log2 2 = 1), p3 1 (log2 4 = 2).
    assertEquals(0.5, value(rows.get(1L), FeatureColumns.REVIEW_NOVELTY), EPS);
    assertEquals(1.0, value(rows.get(2L), FeatureColumns.REVIEW_NOVELTY), EPS);
    assertEquals(0.5, value(rows.get(3L), FeatureColumns.REVIEW_NOVELTY), EPS);
    assertEquals(0.0, value(rows.get(4L), FeatureColumns.REVIEW_NOVELTY), EPS);
    // Customer 1 was first on p1 (3 of 3 others later) and on p2 (1 of 1): 1. Customer 2: p1 2 of
    // 3 later; p3 has no other review, so it is left out of the mean. Customers 3 and 4 reviewed p1
    // on the same last day: the other's review is not later, so 0.
    assertEquals(1.0, value(rows.get(1L), FeatureColumns.REVIEW_EARLINESS), EPS);
    assertEquals(2.0 / 3, value(rows.get(2L), FeatureColumns.REVIEW_EARLINESS), EPS);
    assertEquals(0.0, value(rows.get(3L), FeatureColumns.REVIEW_EARLINESS), EPS);
    assertEquals(0.0, value(rows.get(4L), FeatureColumns.REVIEW_EARLINESS), EPS);
  }

  @Test
  void withoutAProductIdBothSignalsAreNull(SparkSession spark) {
    Map<Long, Row> rows = Frames.byKey(ReviewProductSignals.perCustomer(reviews(spark).drop(Reviews.PRODUCT_ID),
        AS_OF));
    assertEquals(5, rows.size());
    for (Row r : rows.values()) {
      assertNull(value(r, FeatureColumns.REVIEW_NOVELTY));
      assertNull(value(r, FeatureColumns.REVIEW_EARLINESS));
    }
  }

  /**
   * As the scorer sees them: without a product id neither signal is present (they drop out of the
   * weighted means); with product ids but every review on one day (FilmTrust) only novelty is.
   */
  @Test
  void absentInputsMakeTheSignalsAbsentInTheScore(SparkSession spark) {
    Dataset<Row> sameDay = spark.createDataFrame(List.of(review(1, "p1", 1), review(2, "p1", 1), review(2, "p2", 1),
        review(3, "p3", 1)), REVIEWS);
    List<String> names = List.of("novelty", "earliness");
    InfluenceScoring scoring = new InfluenceScoring(InfluenceFixtures.recommended());

    Row oneDay = scoring.signalRanks(ReviewProductSignals.perCustomer(sameDay, AS_OF), names)
        .where(org.apache.spark.sql.functions.col(FeatureColumns.CUSTOMER_KEY).equalTo(3L)).first();
    assertTrue(oneDay.getBoolean(oneDay.fieldIndex(ScoreColumns.influencePresent("novelty"))));
    assertEquals(1.0, oneDay.getDouble(oneDay.fieldIndex(ScoreColumns.influenceSignal("novelty"))), EPS,
        "customer 3 alone reviewed the rarest product");
    assertFalse(oneDay.getBoolean(oneDay.fieldIndex(ScoreColumns.influencePresent("earliness"))));

    Row noProduct = scoring.signalRanks(ReviewProductSignals.perCustomer(sameDay.drop(Reviews.PRODUCT_ID),
        AS_OF), names).first();
    assertFalse(noProduct.getBoolean(noProduct.fieldIndex(ScoreColumns.influencePresent("novelty"))));
    assertFalse(noProduct.getBoolean(noProduct.fieldIndex(ScoreColumns.influencePresent("earliness"))));
  }
}
