package io.centraal.scoring.features;

import io.centraal.scoring.testing.Frames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Reviews;
import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.testing.SparkExtension;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class CustomerFeaturesTest {
  private static final LocalDate AS_OF = LocalDate.parse("2024-06-30");
  private static final FeatureSettings SETTINGS = new FeatureSettings(TimeUnit.DAYS, PurchaseRule.NET_POSITIVE,
      180, new ReferralSettings(90, 0.0, 1.0), 5, 3, true, false);

  private static Timestamp ts(String s) {
    return Timestamp.valueOf(s.length() == 10 ? s + " 12:00:00" : s);
  }

  /** Rows of a bronze table: the contract fields, then null lineage columns. */
  private static FeatureInputs fixture(SparkSession spark) {
    Dataset<Row> tx = Frames.bronze(spark, SourceContracts.TRANSACTIONS_CONTRACT,
        new Object[] {"t1", "L1", ts("2024-01-10 10:00:00"), 20.0, "store", "s1", 1.0, 6.0, "EUR"},
        new Object[] {"t2", "L1", ts("2024-01-10 11:00:00"), -5.0, "store", "s1", 1.0, -1.5, "EUR"},
        new Object[] {"t3", "L1", ts("2024-02-10"), 30.0, "web", null, 1.0, 9.0, "EUR"},
        new Object[] {"t4", "L1", ts("2024-03-01"), -30.0, "web", null, 1.0, -9.0, "EUR"},
        new Object[] {"t5", null, ts("2024-03-01"), 10.0, "store", "s2", 1.0, 3.0, "EUR"},
        new Object[] {"t6", "L2", ts("2024-03-01"), 10.0, "store", "s2", 1.0, 3.0, "EUR"},
        new Object[] {"t7", "L2", ts("2024-07-01"), 99.0, "store", "s2", 1.0, 3.0, "EUR"});
    Dataset<Row> clicks = Frames.bronze(spark, SourceContracts.CLICKSTREAM_CONTRACT,
        new Object[] {"e1", ts("2024-06-01"), "page_view", "U1", "c1", "s1", null, null},
        new Object[] {"e2", ts("2024-06-01"), "product_view", "U1", "c1", "s1", "p1", null},
        new Object[] {"e3", ts("2024-06-20"), "add_to_cart", null, "c1", "s2", "p1", null},
        new Object[] {"e4", ts("2024-02-20"), "page_view", null, "c9", "s3", null, "U1"},
        new Object[] {"e5", ts("2024-02-25"), "page_view", "U2", "c2", "s4", null, "U1"});
    Dataset<Row> reviews = Frames.bronze(spark, SourceContracts.REVIEWS_CONTRACT,
        new Object[] {"r1", "U1", "p1", ts("2024-06-30"), 5, "great", 9L, 10L, true},
        new Object[] {"r2", "U1", "p2", ts("2024-01-02"), 2, "bad, broke after a week", 0L, 0L, false});
    Dataset<Row> follows = Frames.bronze(spark, SourceContracts.FOLLOWS_CONTRACT,
        new Object[] {"U2", "U1"}, new Object[] {"U3", "U1"}, new Object[] {"U1", "U1"}, new Object[] {"U3", "U1"});
    Dataset<Row> audience = Frames.bronze(spark, SourceContracts.AUDIENCE_CONTRACT, new Object[] {"U1", 1000L});
    Dataset<Row> consent = Frames.bronze(spark, SourceContracts.CONSENT_CONTRACT,
        new Object[] {"L1", true, true, ts("2024-01-01")},
        new Object[] {"U1", true, false, ts("2024-05-01")},
        new Object[] {"U3", false, true, ts("2024-08-01")});
    Dataset<Row> map = spark.createDataFrame(List.of(
        RowFactory.create("L1", 1L, Date.valueOf("2024-01-31"), null), RowFactory.create("U1", 1L, Date.valueOf("2024-01-31"), null),
        RowFactory.create("c1", 1L, Date.valueOf("2024-01-31"), null), RowFactory.create("L2", 2L, Date.valueOf("2024-01-31"), null),
        RowFactory.create("U2", 2L, Date.valueOf("2024-01-31"), null), RowFactory.create("U3", 3L, Date.valueOf("2024-01-31"), null)),
        OutputSchemas.IDENTITY_MAP);
    return new FeatureInputs(tx, clicks, reviews, follows, audience, consent, map);
  }

  private static Map<Long, Row> build(SparkSession spark) {
    Dataset<Row> f = CustomerFeatures.build(fixture(spark), AS_OF, SETTINGS,
        text -> functions.when(text.contains("great"), 1.0).otherwise(-1.0), 1, 5).rows();
    assertEquals(CustomerFeatures.COLUMNS, Arrays.asList(f.columns()), "the table's columns, in order");
    return f.collectAsList().stream().collect(Collectors.toMap(r -> r.<Long>getAs(FeatureColumns.CUSTOMER_KEY), r -> r));
  }

  @Test
  void purchasesNetReturnsPerDayAndFollowTheBtydConvention(SparkSession spark) {
    Row c1 = build(spark).get(1L);
    assertEquals(Date.valueOf("2024-01-10"), c1.getAs(FeatureColumns.FIRST_PURCHASE_DATE));
    assertEquals(Date.valueOf("2024-02-10"), c1.getAs(FeatureColumns.LAST_PURCHASE_DATE),
        "the return-only day 2024-03-01 is not a purchase");
    assertEquals(2L, (long) c1.<Long>getAs(FeatureColumns.PURCHASE_PERIODS));
    assertEquals(1.0, c1.<Double>getAs(FeatureColumns.FREQUENCY));
    assertEquals(31.0, c1.<Double>getAs(FeatureColumns.RECENCY));
    assertEquals(172.0, c1.<Double>getAs(FeatureColumns.T));
    assertEquals(30.0, c1.<Double>getAs(FeatureColumns.MONETARY_VALUE), 1e-9, "mean repeat spend, first excluded");
    assertEquals(15.0, c1.<Double>getAs(FeatureColumns.TOTAL_SPEND), 1e-9, "20 - 5 + 30 - 30");
    assertEquals(2L, (long) c1.<Long>getAs(FeatureColumns.RETURNS_COUNT));
    assertEquals(35.0, c1.<Double>getAs(FeatureColumns.RETURNS_AMOUNT), 1e-9);
    assertEquals(4L, (long) c1.<Long>getAs(FeatureColumns.N_TRANSACTIONS));
    assertEquals(0.5, c1.<Double>getAs(FeatureColumns.SHARE_STORE), 1e-9);
    assertEquals(141, (int) c1.<Integer>getAs(FeatureColumns.DAYS_SINCE_LAST_PURCHASE));
  }

  @Test
  void onlineReviewsReachReferralsAndConsent(SparkSession spark) {
    Map<Long, Row> all = build(spark);
    assertEquals(3, all.size(), "every customer in the identity map, with or without purchases");
    Row c1 = all.get(1L);
    assertEquals(2L, (long) c1.<Long>getAs(FeatureColumns.SESSIONS), "logged-in and linked-cookie sessions");
    assertEquals(1L, (long) c1.<Long>getAs(FeatureColumns.CART_ADDS), "the cookie c1 is linked to customer 1");
    assertEquals(10, (int) c1.<Integer>getAs(FeatureColumns.DAYS_SINCE_LAST_VISIT));
    assertEquals(2L, (long) c1.<Long>getAs(FeatureColumns.REVIEW_COUNT));
    assertEquals(3.5, c1.<Double>getAs(FeatureColumns.AVG_RATING), 1e-9);
    assertEquals(0.0, c1.<Double>getAs(FeatureColumns.AVG_SENTIMENT), 1e-9);
    assertEquals(1.0 + Math.pow(0.5, 180.0 / 180), c1.<Double>getAs(FeatureColumns.REVIEW_COUNT_DECAYED), 1e-9);
    assertEquals(1L, (long) c1.<Long>getAs(FeatureColumns.PROMOTER_REVIEWS));
    assertEquals(1L, (long) c1.<Long>getAs(FeatureColumns.DETRACTOR_REVIEWS));
    assertEquals(2L, (long) c1.<Long>getAs(FeatureColumns.FOLLOWERS), "distinct followers, self-follow ignored");
    assertEquals(1000L, (long) c1.<Long>getAs(FeatureColumns.AUDIENCE_SIZE));
    assertEquals(2L, (long) c1.<Long>getAs(FeatureColumns.REFERRED_VISITORS), "cookie c9 and customer 2");
    assertEquals(1L, (long) c1.<Long>getAs(FeatureColumns.REFERRED_CUSTOMERS));
    assertEquals(10.0, c1.<Double>getAs(FeatureColumns.REFERRED_REVENUE), 1e-9,
        "customer 2's purchase within 90 days of the referred visit; the one after the as-of date is unknown");
    assertEquals(3.0, c1.<Double>getAs(FeatureColumns.REFERRAL_VALUE), 1e-9,
        "the margin (3.0) of that purchase, undiscounted at rate 0");
    assertTrue(c1.<Boolean>getAs(FeatureColumns.PROFILING_ALLOWED));
    assertFalse(c1.<Boolean>getAs(FeatureColumns.MARKETING_ALLOWED), "one objection on any reference wins");

    Row c2 = all.get(2L);
    assertEquals(0.0, c2.<Double>getAs(FeatureColumns.FREQUENCY));
    assertEquals(0.0, c2.<Double>getAs(FeatureColumns.MONETARY_VALUE));
    assertEquals(10.0, c2.<Double>getAs(FeatureColumns.TOTAL_SPEND), 1e-9, "the purchase after the as-of date is ignored");
    assertFalse(c2.<Boolean>getAs(FeatureColumns.MARKETING_ALLOWED), "no consent record: default opt-out");

    Row c3 = all.get(3L);
    assertNull(c3.getAs(FeatureColumns.FREQUENCY), "never purchased: no BTYD summary");
    assertEquals(0L, (long) c3.<Long>getAs(FeatureColumns.REVIEW_COUNT));
    assertTrue(c3.<Boolean>getAs(FeatureColumns.PROFILING_ALLOWED), "the objection dated after the as-of date is unknown");
  }

  /**
   * review_novelty and review_earliness are columns of the table a run writes, computed by hand for
   * a tiny case. Known at the as-of date with a product: customer 1 reviewed p1 (day 1) and p2;
   * customer 2 p1 (day 10), p3 and p4. So 2 reviewers; p1 has both (log2 2/2 = 0), p2-p4 one each
   * (log2 2 = 1). Customer 3's only reviews have no product or come after the as-of date.
   */
  @Test
  void reviewNoveltyAndEarlinessAreFeaturesNullWithoutAProduct(SparkSession spark) {
    FeatureInputs base = fixture(spark);
    Dataset<Row> reviews = Frames.bronze(spark, SourceContracts.REVIEWS_CONTRACT,
        new Object[] {"r1", "U1", "p1", ts("2024-06-01"), 5, "great", 0L, 0L, true},
        new Object[] {"r2", "U1", "p2", ts("2024-06-02"), 4, "fine", 0L, 0L, true},
        new Object[] {"r3", "U1", null, ts("2024-06-03"), 4, "no product", 0L, 0L, true},
        new Object[] {"r4", "U2", "p1", ts("2024-06-10"), 3, "ok", 0L, 0L, true},
        new Object[] {"r5", "U2", "p3", ts("2024-06-11"), 3, "ok", 0L, 0L, true},
        new Object[] {"r6", "L2", "p4", ts("2024-06-12"), 3, "ok", 0L, 0L, true},
        new Object[] {"r7", "U3", null, ts("2024-06-05"), 2, "no product", 0L, 0L, false},
        new Object[] {"r8", "U3", "p1", ts("2024-07-05"), 2, "after the as-of date", 0L, 0L, false});
    FeatureInputs in = new FeatureInputs(base.transactions(), base.clickstream(), reviews, base.follows(),
        base.audience(), base.consent(), base.identityMap());
    Dataset<Row> f = CustomerFeatures.build(in, AS_OF, SETTINGS, text -> functions.lit(0.0), 1, 5).rows();
    assertEquals(CustomerFeatures.COLUMNS, Arrays.asList(f.columns()));
    Map<Long, Row> all = Frames.byKey(f);

    Row c1 = all.get(1L);
    assertEquals(3L, (long) c1.<Long>getAs(FeatureColumns.REVIEW_COUNT), "the review without a product still counts");
    assertEquals(0.5, c1.<Double>getAs(FeatureColumns.REVIEW_NOVELTY), 1e-12, "(0 + 1) / 2");
    assertEquals(1.0, c1.<Double>getAs(FeatureColumns.REVIEW_EARLINESS), 1e-12,
        "first on p1 (1 of 1 other review later); p2 has no other review and is left out");
    Row c2 = all.get(2L);
    assertEquals(2.0 / 3, c2.<Double>getAs(FeatureColumns.REVIEW_NOVELTY), 1e-12, "(0 + 1 + 1) / 3");
    assertEquals(0.0, c2.<Double>getAs(FeatureColumns.REVIEW_EARLINESS), 1e-12, "last on p1");
    Row c3 = all.get(3L);
    assertEquals(1L, (long) c3.<Long>getAs(FeatureColumns.REVIEW_COUNT));
    assertNull(c3.getAs(FeatureColumns.REVIEW_NOVELTY), "no review with a product known at the as-of date");
    assertNull(c3.getAs(FeatureColumns.REVIEW_EARLINESS));

    // A source mapping without product_id: both columns are still there, null for everyone.
    FeatureInputs noProduct = new FeatureInputs(base.transactions(), base.clickstream(),
        reviews.drop(Reviews.PRODUCT_ID), base.follows(), base.audience(),
        base.consent(), base.identityMap());
    Dataset<Row> without = CustomerFeatures.build(noProduct, AS_OF, SETTINGS, text -> functions.lit(0.0), 1, 5).rows();
    assertEquals(CustomerFeatures.COLUMNS, Arrays.asList(without.columns()));
    assertEquals(0, without.where(functions.col(FeatureColumns.REVIEW_NOVELTY).isNotNull()
        .or(functions.col(FeatureColumns.REVIEW_EARLINESS).isNotNull())).count());
  }

  /**
   * Every feature class, for every column of its input: without the column, building the features
   * fails when the plan is analysed (before any data is read) with a message naming the column, or
   * succeeds because the class does not read it. No input may be read by none of them.
   */
  @Test
  void aMissingInputColumnFailsAtAnalysisNamingIt(SparkSession spark) {
    FeatureInputs in = fixture(spark);
    List<String> names = List.of("transactions", "clickstream", "reviews", "follows", "audience", "consent",
        "identity_map");
    List<Dataset<Row>> frames = List.of(in.transactions(), in.clickstream(), in.reviews(), in.follows(),
        in.audience(), in.consent(), in.identityMap());
    Map<String, List<String>> required = new java.util.LinkedHashMap<>();
    for (int i = 0; i < frames.size(); i++) {
      for (String column : frames.get(i).columns()) {
        List<Dataset<Row>> broken = new java.util.ArrayList<>(frames);
        broken.set(i, frames.get(i).drop(column));
        FeatureInputs without = new FeatureInputs(broken.get(0), broken.get(1), broken.get(2), broken.get(3),
            broken.get(4), broken.get(5), broken.get(6));
        try {
          CustomerFeatures.build(without, AS_OF, SETTINGS, text -> functions.lit(0.0), 1, 5).rows().schema();
        } catch (Exception e) {
          assertTrue(e instanceof org.apache.spark.sql.AnalysisException, names.get(i) + "." + column + ": " + e);
          assertTrue(e.getMessage().contains(column), names.get(i) + "." + column + ": " + e.getMessage());
          required.computeIfAbsent(names.get(i), k -> new java.util.ArrayList<>()).add(column);
        }
      }
    }
    System.out.println("columns the features read, per input: " + required);
    assertEquals(names, List.copyOf(required.keySet()), "inputs none of the feature classes reads: " + required);
    assertTrue(required.get("transactions").contains("amount"), required.toString());
  }

  @Test
  void closingTheBuildReleasesTheCacheItRead(SparkSession spark) {
    CustomerFeatures.Built built = CustomerFeatures.build(fixture(spark), AS_OF, SETTINGS,
        text -> functions.lit(0.0), 1, 5);
    long customers = built.rows().count();
    assertTrue(customers > 0);
    assertTrue(built.activity().isCached(), "the purchase days and visit rows are cached while the rows are read");
    built.close();
    assertFalse(built.activity().isCached(), "released by close");
    assertEquals(customers, built.rows().count(), "the rows can still be read, recomputed");
  }
}
