package io.centraal.scoring.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Clickstream;
import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.testing.Frames;
import io.centraal.scoring.testing.SparkExtension;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The score stage keys the transactions and clickstream once, up to the as-of date, and builds the
 * features at the models' earlier cut-offs from those rows ({@link KeyedActivity}). The features
 * must be the ones a build at the cut-off from the bronze rows gives, and the compacted visit rows
 * must count what the events count.
 */
@ExtendWith(SparkExtension.class)
class KeyedActivityTest {
  private static final LocalDate CUTOFF = LocalDate.parse("2024-03-31");
  private static final LocalDate AS_OF = LocalDate.parse("2024-06-30");
  private static final FeatureSettings SETTINGS = new FeatureSettings(TimeUnit.DAYS, PurchaseRule.NET_POSITIVE,
      180, new ReferralSettings(90, 0.05, 1.0), 5, 3, true, false);

  private static Timestamp utc(String instant) {
    return Timestamp.from(Instant.parse(instant));
  }

  /** Events on both sides of the cut-off's last second, sessions missing, referred visitors known and not. */
  private static FeatureInputs fixture(SparkSession spark) {
    Dataset<Row> tx = Frames.bronze(spark, SourceContracts.TRANSACTIONS_CONTRACT,
        new Object[] {"t1", "L1", utc("2024-01-10T10:00:00Z"), 20.0, "store", "s1", 1.0, 6.0, "EUR"},
        new Object[] {"t2", "L2", utc("2024-02-15T10:00:00Z"), 40.0, "web", null, 1.0, null, "EUR"},
        new Object[] {"t3", "L2", utc("2024-03-31T23:59:59Z"), 15.0, "web", null, 1.0, 2.0, "EUR"},
        new Object[] {"t4", "L2", utc("2024-04-01T00:00:00Z"), 25.0, "web", null, 1.0, 5.0, "EUR"},
        new Object[] {"t5", "L3", utc("2024-05-20T08:00:00Z"), 60.0, "store", "s2", 1.0, 9.0, "EUR"},
        new Object[] {"t6", "L2", utc("2024-06-01T08:00:00Z"), -10.0, "web", null, 1.0, -2.0, "EUR"});
    Dataset<Row> clicks = Frames.bronze(spark, SourceContracts.CLICKSTREAM_CONTRACT,
        new Object[] {"e1", utc("2024-03-31T23:59:59Z"), "page_view", "U1", "c1", "s1", null, null},
        new Object[] {"e2", utc("2024-04-01T00:00:00Z"), "page_view", "U1", "c1", "s1", null, null},
        new Object[] {"e3", utc("2024-03-10T09:00:00Z"), "product_view", "U1", "c1", null, "p1", null},
        new Object[] {"e4", utc("2024-03-10T09:01:00Z"), "product_view", "U1", "c1", null, "p2", null},
        new Object[] {"e5", utc("2024-03-05T12:00:00Z"), "page_view", null, "c9", "s5", null, "U1"},
        new Object[] {"e6", utc("2024-03-06T12:00:00Z"), "page_view", null, "c9", "s6", null, "U1"},
        new Object[] {"e7", utc("2024-03-07T12:00:00Z"), "page_view", null, null, "s7", null, "U1"},
        new Object[] {"e8", utc("2024-03-08T12:00:00Z"), "page_view", "U2", "c2", "s8", null, "U1"},
        new Object[] {"e9", utc("2024-02-01T12:00:00Z"), "search", "U2", "c2", "s9", null, "U1"},
        new Object[] {"e10", utc("2024-03-20T12:00:00Z"), "add_to_cart", null, "c1", "s10", "p1", null},
        new Object[] {"e11", utc("2024-03-20T12:05:00Z"), "share", "U1", "c1", "s1", "p1", "U1"},
        new Object[] {"e12", utc("2024-05-01T12:00:00Z"), "page_view", "U3", "c3", "s12", null, "U2"},
        new Object[] {"e13", utc("2024-05-02T12:00:00Z"), "page_view", null, "c99", "s13", null, null},
        new Object[] {"e14", utc("2024-05-02T12:01:00Z"), "search", "U3", "c3", "s12", null, "U2"});
    Dataset<Row> reviews = Frames.bronze(spark, SourceContracts.REVIEWS_CONTRACT,
        new Object[] {"r1", "U1", "p1", utc("2024-03-01T00:00:00Z"), 5, "great", 3L, 4L, true});
    Dataset<Row> follows = Frames.bronze(spark, SourceContracts.FOLLOWS_CONTRACT, new Object[] {"U2", "U1"});
    Dataset<Row> audience = Frames.bronze(spark, SourceContracts.AUDIENCE_CONTRACT, new Object[] {"U1", 100L});
    Dataset<Row> consent = Frames.bronze(spark, SourceContracts.CONSENT_CONTRACT,
        new Object[] {"L1", true, true, utc("2024-01-01T00:00:00Z")});
    Date linked = Date.valueOf("2024-01-31");
    Dataset<Row> map = spark.createDataFrame(List.of(
        RowFactory.create("L1", 1L, linked, null), RowFactory.create("U1", 1L, linked, null), RowFactory.create("c1", 1L, linked, null),
        RowFactory.create("L2", 2L, linked, null), RowFactory.create("U2", 2L, linked, null), RowFactory.create("L3", 3L, linked, null),
        RowFactory.create("U3", 3L, linked, null)), OutputSchemas.IDENTITY_MAP);
    return new FeatureInputs(tx, clicks, reviews, follows, audience, consent, map);
  }

  private static List<String> rows(CustomerFeatures.Built built) {
    return built.rows().orderBy(FeatureColumns.CUSTOMER_KEY).collectAsList().stream().map(Row::toString)
        .collect(Collectors.toList());
  }

  private static CustomerFeatures.Built own(FeatureInputs in, LocalDate asOf) {
    return CustomerFeatures.build(in, asOf, SETTINGS, text -> functions.lit(0.5), 1, 5);
  }

  @Test
  void featuresFromTheActivityUpToALaterDateAreThoseOfTheirOwnDate(SparkSession spark) {
    FeatureInputs in = fixture(spark);
    List<String> expected;
    try (CustomerFeatures.Built direct = own(in, CUTOFF)) {
      expected = rows(direct);
    }
    try (KeyedActivity later = KeyedActivity.cached(in, AS_OF)) {
      // The fixture has purchases and visits after the cut-off, so reading too far shows.
      assertTrue(later.dailyPurchases(CUTOFF).count() < later.dailyPurchases(AS_OF).count());
      assertTrue(later.visitDays(CUTOFF).count() < later.visitDays(AS_OF).count());
      try (CustomerFeatures.Built fromLater = CustomerFeatures.build(in, later, CUTOFF, SETTINGS,
          text -> functions.lit(0.5), 1, 5)) {
        assertEquals(expected, rows(fromLater), "features as of " + CUTOFF);
      }
      assertTrue(later.isCached(), "a build from a shared activity leaves its cache alone");
    }
  }

  /** Engagement as it was computed from the events themselves, before they were compacted. */
  private static Dataset<Row> engagementFromEvents(Dataset<Row> keyedEvents, LocalDate asOf) {
    Column type = col(Clickstream.EVENT_TYPE);
    return keyedEvents.where(col(ClickstreamFeatures.VISITOR_KEY).isNotNull())
        .groupBy(col(ClickstreamFeatures.VISITOR_KEY).as(FeatureColumns.CUSTOMER_KEY))
        .agg(countDistinct(coalesce(col(Clickstream.SESSION_ID), col(Clickstream.EVENT_ID))).as(FeatureColumns.SESSIONS),
            sum(when(type.equalTo(Clickstream.PAGE_VIEW), 1L).otherwise(0L)).as(FeatureColumns.PAGE_VIEWS),
            sum(when(type.equalTo(Clickstream.PRODUCT_VIEW), 1L).otherwise(0L)).as(FeatureColumns.PRODUCT_VIEWS),
            sum(when(type.equalTo(Clickstream.ADD_TO_CART), 1L).otherwise(0L)).as(FeatureColumns.CART_ADDS),
            sum(when(type.equalTo(Clickstream.SEARCH), 1L).otherwise(0L)).as(FeatureColumns.SEARCHES),
            sum(when(type.equalTo(Clickstream.SHARE), 1L).otherwise(0L)).as(FeatureColumns.SHARES),
            countDistinct(to_date(col(Clickstream.TS))).as(FeatureColumns.ACTIVE_DAYS_ONLINE),
            max(to_date(col(Clickstream.TS))).as("_last"))
        .withColumn(FeatureColumns.DAYS_SINCE_LAST_VISIT, datediff(lit(Date.valueOf(asOf)), col("_last")))
        .drop("_last");
  }

  @Test
  void visitRowsCountWhatTheEventsCount(SparkSession spark) {
    FeatureInputs in = fixture(spark);
    KeyedActivity activity = KeyedActivity.of(in, AS_OF);
    for (LocalDate date : List.of(CUTOFF, AS_OF)) {
      Dataset<Row> events = ClickstreamFeatures.keyed(in.clickstream(), in.identityMap(), date);
      List<String> expected = engagementFromEvents(events, date).orderBy(FeatureColumns.CUSTOMER_KEY)
          .collectAsList().stream().map(Row::toString).toList();
      List<String> compacted = ClickstreamFeatures.engagement(activity.visitDays(date), date)
          .orderBy(FeatureColumns.CUSTOMER_KEY).collectAsList().stream().map(Row::toString).toList();
      assertEquals(expected, compacted, "engagement as of " + date);
    }
    // Customer 1 at the cut-off: sessions s1 and s10 and the two session-less events; e1 in its last
    // second, e2 (the next day) not. And fewer visit rows than events.
    Row one = Frames.byKey(ClickstreamFeatures.engagement(activity.visitDays(CUTOFF), CUTOFF)).get(1L);
    assertEquals(4L, one.<Long>getAs(FeatureColumns.SESSIONS));
    assertEquals(0, one.<Integer>getAs(FeatureColumns.DAYS_SINCE_LAST_VISIT));
    assertTrue(activity.visitDays(AS_OF).count() < in.clickstream().count(), "visit rows compact the events");
  }

  @Test
  void referredVisitorsFromVisitRowsMatchTheHandCount(SparkSession spark) {
    FeatureInputs in = fixture(spark);
    KeyedActivity activity = KeyedActivity.of(in, AS_OF);
    Row u1 = Frames.byKey(ReachFeatures.referrals(activity.visitDays(CUTOFF), in.identityMap(),
        activity.dailyPurchases(CUTOFF), SETTINGS.referrals())).get(1L);
    // Referred by U1 up to the cut-off: cookie c9 (two days), customer 2; e7 (no cookie, unknown
    // visitor) is nobody, e11 refers U1 to itself.
    assertEquals(2L, u1.<Long>getAs(FeatureColumns.REFERRED_VISITORS));
    // Customer 2's first referred visit is 2024-02-01 (e9), so both purchase days to the cut-off count.
    assertEquals(1L, u1.<Long>getAs(FeatureColumns.REFERRED_CUSTOMERS));
    assertEquals(55.0, u1.<Double>getAs(FeatureColumns.REFERRED_REVENUE), 1e-9);
  }

  /**
   * The fixture with reviews and consent records on both sides of the cut-offs: reviews of one
   * product by several customers (the product signals compare each date's own crowd), a consent
   * withdrawn between two dates.
   */
  private static FeatureInputs withDatedReviewsAndConsent(SparkSession spark) {
    FeatureInputs in = fixture(spark);
    Dataset<Row> reviews = Frames.bronze(spark, SourceContracts.REVIEWS_CONTRACT,
        new Object[] {"r1", "U1", "p1", utc("2024-02-01T00:00:00Z"), 5, "great", 3L, 4L, true},
        new Object[] {"r2", "U2", "p1", utc("2024-03-31T23:59:59Z"), 2, "poor", 1L, 2L, false},
        new Object[] {"r3", "U3", "p1", utc("2024-04-01T00:00:00Z"), 4, "fine", 0L, 0L, true},
        new Object[] {"r4", "U3", "p2", utc("2024-06-10T00:00:00Z"), 1, "bad", 5L, 9L, true},
        new Object[] {"r5", "U1", "p2", utc("2024-02-20T12:00:00Z"), 3, "meh", null, null, false});
    Dataset<Row> consent = Frames.bronze(spark, SourceContracts.CONSENT_CONTRACT,
        new Object[] {"L1", true, true, utc("2024-01-01T00:00:00Z")},
        new Object[] {"L2", true, true, utc("2024-01-05T00:00:00Z")},
        new Object[] {"U2", false, true, utc("2024-04-15T00:00:00Z")},
        new Object[] {"L3", true, false, utc("2024-02-20T23:00:00Z")});
    return new FeatureInputs(in.transactions(), in.clickstream(), reviews, in.follows(), in.audience(), consent,
        in.identityMap());
  }

  @Test
  void featuresAtSeveralDatesInOneQueryAreThoseOfEachDateAlone(SparkSession spark) {
    FeatureInputs in = withDatedReviewsAndConsent(spark);
    LocalDate early = LocalDate.parse("2024-02-20");
    List<LocalDate> dates = List.of(AS_OF, CUTOFF, early);
    try (KeyedActivity activity = KeyedActivity.cached(in, AS_OF)) {
      CustomerFeatures.Built all = CustomerFeatures.build(in, activity, dates, SETTINGS, text -> functions.lit(0.5),
          1, 5);
      assertEquals(3 * in.identityMap().select(FeatureColumns.CUSTOMER_KEY).distinct().count(), all.rows().count(),
          "one row per customer and date");
      for (LocalDate date : dates) {
        try (CustomerFeatures.Built alone = own(in, date)) {
          assertEquals(rows(alone), rows(new CustomerFeatures.Built(all.at(date), activity, false)),
              "features as of " + date);
        }
      }
      // Kept for a cut-off, a later build at it returns the kept rows (marked here), and a build
      // at a date not kept builds anew.
      activity.keepFeatures(all.rows().withColumn(FeatureColumns.TOTAL_SPEND, lit(-1.0)), List.of(CUTOFF));
      try (CustomerFeatures.Built kept = CustomerFeatures.build(in, activity, CUTOFF, SETTINGS,
          text -> functions.lit(0.5), 1, 5)) {
        assertEquals(List.of(-1.0), kept.rows().select(FeatureColumns.TOTAL_SPEND).distinct().as(
            org.apache.spark.sql.Encoders.DOUBLE()).collectAsList());
        assertEquals(List.of(CUTOFF.toString()), kept.rows().select(FeatureColumns.AS_OF_DATE).distinct()
            .collectAsList().stream().map(r -> r.get(0).toString()).toList());
      }
      try (CustomerFeatures.Built notKept = CustomerFeatures.build(in, activity, early, SETTINGS,
          text -> functions.lit(0.5), 1, 5); CustomerFeatures.Built alone = own(in, early)) {
        assertEquals(rows(alone), rows(notKept));
      }
    }
  }

  @Test
  void anActivityCannotGiveTheFeaturesOfALaterDate(SparkSession spark) {
    KeyedActivity activity = KeyedActivity.of(fixture(spark), CUTOFF);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> activity.visitDays(AS_OF));
    assertTrue(e.getMessage().contains(CUTOFF.toString()) && e.getMessage().contains(AS_OF.toString()), e.getMessage());
  }
}
