package io.centraal.scoring.features;

import io.centraal.scoring.testing.Frames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.config.ConfigLoader;
import io.centraal.scoring.run.InvalidConfigException;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.testing.SparkExtension;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Customer referral value ({@link ReachFeatures#referrals}) on a case small enough to compute by
 * hand: referrer R (customer 1) brought customer A (2), whose margins are known, customer B (3),
 * whose margins are partly unknown, and an unlinked cookie. Window 30 days, 10 % a year,
 * unknown-margin rate 0.4.
 */
@ExtendWith(SparkExtension.class)
class ReferralValueTest {
  private static final LocalDate AS_OF = LocalDate.parse("2024-06-30");
  private static final ReferralSettings SETTINGS = new ReferralSettings(30, 0.10, 0.4);

  private static Timestamp ts(String day) {
    return Timestamp.valueOf(day + " 12:00:00");
  }

  private static Dataset<Row> identityMap(SparkSession spark) {
    Date seen = Date.valueOf("2024-01-01");
    return spark.createDataFrame(List.of(RowFactory.create("R", 1L, seen, null), RowFactory.create("A", 2L, seen, null),
        RowFactory.create("B", 3L, seen, null)), OutputSchemas.IDENTITY_MAP);
  }

  private static Dataset<Row> referrals(SparkSession spark, ReferralSettings settings) {
    Dataset<Row> map = identityMap(spark);
    Dataset<Row> clicks = Frames.bronze(spark, SourceContracts.CLICKSTREAM_CONTRACT,
        // A's first visit through R's link is 2024-03-01; the later one does not restart the window.
        new Object[] {"e1", ts("2024-03-01"), "page_view", "A", "ca", "s1", null, "R"},
        new Object[] {"e2", ts("2024-03-10"), "page_view", "A", "ca", "s2", null, "R"},
        // B's first referred visit is 2024-03-05.
        new Object[] {"e3", ts("2024-03-05"), "page_view", "B", "cb", "s3", null, "R"},
        // An unlinked cookie: a referred visitor, never a customer.
        new Object[] {"e4", ts("2024-03-06"), "page_view", null, "ck9", "s4", null, "R"},
        // R's own click on their link is not a referral.
        new Object[] {"e5", ts("2024-03-06"), "page_view", "R", "cr", "s5", null, "R"});
    Dataset<Row> tx = Frames.bronze(spark, SourceContracts.TRANSACTIONS_CONTRACT,
        new Object[] {"a0", "A", ts("2024-02-20"), 40.0, "web", null, 1.0, 10.0, "EUR"},   // before the visit: out
        new Object[] {"a1", "A", ts("2024-03-01"), 100.0, "web", null, 1.0, 30.0, "EUR"},  // day 0
        new Object[] {"a2", "A", ts("2024-03-21"), 50.0, "web", null, 1.0, 20.0, "EUR"},   // day 20
        new Object[] {"a3", "A", ts("2024-04-15"), 80.0, "web", null, 1.0, 25.0, "EUR"},   // day 45: out
        new Object[] {"b1", "B", ts("2024-03-15"), 60.0, "web", null, 1.0, null, "EUR"},   // day 10, margin unknown
        new Object[] {"b2", "B", ts("2024-03-15"), 40.0, "web", null, 1.0, 10.0, "EUR"},   // day 10, margin known
        new Object[] {"b3", "B", ts("2024-04-04"), 25.0, "web", null, 1.0, null, "EUR"},   // day 30: last day in
        new Object[] {"b4", "B", ts("2024-04-05"), 1000.0, "web", null, 1.0, null, "EUR"}); // day 31: out
    Dataset<Row> daily = TransactionFeatures.daily(
        Keyed.withKey(tx, io.centraal.scoring.schema.InputColumns.Transactions.CUSTOMER_REF, map,
            FeatureColumns.CUSTOMER_KEY), AS_OF);
    return ReachFeatures.referrals(ClickstreamFeatures.visitDays(ClickstreamFeatures.keyed(clicks, map, AS_OF)), map,
        daily, settings);
  }

  @Test
  void discountedMarginOfReferredCustomersWithinTheWindow(SparkSession spark) {
    List<Row> rows = referrals(spark, SETTINGS).collectAsList();
    assertEquals(1, rows.size(), "only R referred anyone: " + rows);
    Row r = rows.get(0);
    assertEquals(1L, (long) r.<Long>getAs(FeatureColumns.CUSTOMER_KEY));
    assertEquals(3L, (long) r.<Long>getAs(FeatureColumns.REFERRED_VISITORS), "A, B and the cookie ck9; not R");
    assertEquals(2L, (long) r.<Long>getAs(FeatureColumns.REFERRED_CUSTOMERS));
    // Revenue: A 100 + 50, B (60 + 40) + 25 = 275 (undiscounted, window days 0..30 only).
    assertEquals(275.0, r.<Double>getAs(FeatureColumns.REFERRED_REVENUE), 1e-9);
    // Value, with f(t) = 1.1^(-t / 365.25):
    //   A day 0:  margin 30                         -> 30
    //   A day 20: margin 20                         -> 20 x f(20) = 20 x 0.99479469... = 19.8958939
    //   B day 10: margin 10 + 0.4 x 60 (unknown) = 34 -> 34 x f(10) = 34 x 0.99739395... = 33.9113943
    //   B day 30: margin 0.4 x 25 (unknown) = 10       -> 10 x f(30) = 10 x 0.99220221... = 9.9220221
    //   total 93.72931031698792
    assertEquals(93.72931031698792, r.<Double>getAs(FeatureColumns.REFERRAL_VALUE), 1e-9);
  }

  @Test
  void atRateZeroAndUnknownMarginAtRevenueTheValueIsTheUndiscountedMargin(SparkSession spark) {
    // 30 + 20 + (10 + 60) + 25 = 145: CLV's convention, an unknown margin counts at revenue.
    Row r = referrals(spark, new ReferralSettings(30, 0.0, 1.0)).first();
    assertEquals(145.0, r.<Double>getAs(FeatureColumns.REFERRAL_VALUE), 1e-9);
    // A window of 0 days keeps only same-day purchases: A's 30 on 2024-03-01.
    Row sameDay = referrals(spark, new ReferralSettings(0, 0.0, 1.0)).first();
    assertEquals(30.0, sameDay.<Double>getAs(FeatureColumns.REFERRAL_VALUE), 1e-9);
    assertEquals(1L, (long) sameDay.<Long>getAs(FeatureColumns.REFERRED_CUSTOMERS));
  }

  @Test
  void dailyPurchasesWithoutTheMarginColumnsAreRejected(SparkSession spark) {
    Dataset<Row> map = identityMap(spark);
    Dataset<Row> clicks = ClickstreamFeatures.visitDays(
        ClickstreamFeatures.keyed(Frames.bronze(spark, SourceContracts.CLICKSTREAM_CONTRACT), map, AS_OF));
    Dataset<Row> daily = spark.createDataFrame(List.of(), new org.apache.spark.sql.types.StructType()
        .add(FeatureColumns.CUSTOMER_KEY, "long").add(TransactionFeatures.PURCHASE_DATE, "date")
        .add(TransactionFeatures.NET_AMOUNT, "double").add(FeatureColumns.TOTAL_MARGIN, "double"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReachFeatures.referrals(clicks, map, daily, SETTINGS));
    assertTrue(e.getMessage().contains("'" + TransactionFeatures.UNKNOWN_MARGIN_AMOUNT + "'"), e.getMessage());
  }

  @Test
  void settingsComeFromConfigAndAreValidated() {
    ReferralSettings defaults = CentraalSettings.from(ConfigLoader.load(List.of(), Map.of())).features().referrals();
    assertEquals(90, defaults.windowDays());
    assertEquals(1.0, defaults.unknownMarginRate());
    // The default yearly rate is CLV's default 1 % per 30.4375-day period: 1.01^12 - 1.
    assertEquals(Math.pow(1.01, 12) - 1, defaults.annualDiscountRate(), 1e-4);
    ReferralSettings set = CentraalSettings.from(ConfigLoader.load(List.of(), Map.of(
        "score.influence.referrals.window-days", "14", "score.influence.referrals.annual-discount-rate", "0.05",
        "score.influence.referrals.unknown-margin-rate", "0.3"))).features().referrals();
    assertEquals(new ReferralSettings(14, 0.05, 0.3), set);
    for (Map.Entry<String, String> bad : List.of(Map.entry("window-days", "-1"), Map.entry("window-days", "7.5"),
        Map.entry("annual-discount-rate", "-0.1"), Map.entry("unknown-margin-rate", "1.5"))) {
      InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> CentraalSettings.from(
          ConfigLoader.load(List.of(), Map.of("score.influence.referrals." + bad.getKey(), bad.getValue()))));
      assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
    }
    assertThrows(InvalidConfigException.class, () -> ConfigLoader.load(List.of(),
        Map.of("features.referral-window-days", "30")), "the old key is unknown now, not silently ignored");
  }
}
