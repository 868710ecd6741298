package io.centraal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.features.FeatureInputs;
import io.centraal.scoring.features.KeyedActivity;
import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.testing.Frames;
import io.centraal.scoring.testing.SparkExtension;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The features stage's keyed activity reaches the score stage of the same date, and is always released. */
@ExtendWith(SparkExtension.class)
class ActivityHandOverTest {
  private static final LocalDate AS_OF = LocalDate.parse("2024-06-30");

  private static FeatureInputs inputs(SparkSession spark) {
    Dataset<Row> tx = Frames.bronze(spark, SourceContracts.TRANSACTIONS_CONTRACT,
        new Object[] {"t1", "L1", ts("2024-01-10T10:00:00Z"), 20.0, "store", "s1", 1.0, 6.0, "EUR"},
        new Object[] {"t2", "L1", ts("2024-05-10T10:00:00Z"), 30.0, "store", "s1", 1.0, 6.0, "EUR"});
    Dataset<Row> clicks = Frames.bronze(spark, SourceContracts.CLICKSTREAM_CONTRACT,
        new Object[] {"e1", ts("2024-03-01T10:00:00Z"), "page_view", "U1", "c1", "s1", null, null});
    Dataset<Row> none = Frames.bronze(spark, SourceContracts.REVIEWS_CONTRACT);
    Date linked = Date.valueOf("2024-01-31");
    Dataset<Row> map = spark.createDataFrame(List.of(RowFactory.create("L1", 1L, linked, null),
        RowFactory.create("U1", 1L, linked, null)), OutputSchemas.IDENTITY_MAP);
    return new FeatureInputs(tx, clicks, none, Frames.bronze(spark, SourceContracts.FOLLOWS_CONTRACT),
        Frames.bronze(spark, SourceContracts.AUDIENCE_CONTRACT), Frames.bronze(spark, SourceContracts.CONSENT_CONTRACT),
        map);
  }

  private static Timestamp ts(String instant) {
    return Timestamp.from(Instant.parse(instant));
  }

  @Test
  void theScoreStageTakesTheActivityTheFeaturesStageKeptForItsDate(SparkSession spark) {
    FeatureInputs in = inputs(spark);
    KeyedActivity kept;
    KeyedActivity taken;
    try (ActivityHandOver handOver = new ActivityHandOver()) {
      kept = handOver.keep(in, AS_OF);
      assertEquals(2, kept.dailyPurchases(AS_OF).count(), "the features stage reads it (and fills its cache)");
      taken = handOver.take(in, AS_OF);
      assertSame(kept, taken, "one activity for both stages");
    }
    assertTrue(taken.isCached(), "closing the run's hand-over leaves a taken activity to its taker");
    taken.close();
    assertFalse(taken.isCached());
  }

  @Test
  void anActivityNoStageTookIsReleasedAndAnotherDateGetsItsOwn(SparkSession spark) {
    FeatureInputs in = inputs(spark);
    try (ActivityHandOver handOver = new ActivityHandOver()) {
      KeyedActivity kept = handOver.keep(in, AS_OF);
      LocalDate earlier = AS_OF.minusDays(60);
      try (KeyedActivity other = handOver.take(in, earlier)) {
        assertNotSame(kept, other);
        assertFalse(kept.isCached(), "the other date's activity is released");
        assertTrue(other.isCached());
        assertEquals(1, other.dailyPurchases(earlier).count(), "the activity of its own date");
      }
      KeyedActivity unused = handOver.keep(in, AS_OF);
      handOver.close();
      assertFalse(unused.isCached(), "the run's end releases what the score stage never took");
    }
    try (ActivityHandOver empty = new ActivityHandOver(); KeyedActivity own = empty.take(in, AS_OF)) {
      assertTrue(own.isCached(), "a score stage run alone builds and caches its own");
    }
  }
}
