package io.centraal.scoring.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.features.TimeUnit;
import io.centraal.scoring.config.ConfigLoader;
import io.centraal.scoring.features.CustomerFeatures;
import io.centraal.scoring.features.FeatureInputs;
import io.centraal.scoring.features.PurchaseRule;
import io.centraal.scoring.features.TransactionFeatures;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.testing.SparkExtension;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped retail invoice-line mapping (conf/examples/retail-invoices.conf) on a 30-line export
 * in the "Online Retail" layout: cancellations (invoice "C...", negative quantity) are kept as
 * returns and netted; blank CustomerID rows are anonymous; an exact duplicate line is quarantined.
 */
@ExtendWith(SparkExtension.class)
class RetailInvoicesIngestTest {
  private static final LocalDate AS_OF = LocalDate.parse("2011-01-31");

  @Test
  void invoiceLinesAreMappedNettedAndCounted(SparkSession spark, @TempDir Path dir) {
    Path conf = Path.of("..", "conf", "examples", "retail-invoices.conf");
    Path export = Path.of("src", "test", "resources", "retail", "online_retail_sample.csv").toAbsolutePath();
    CentraalSettings settings = CentraalSettings.from(ConfigLoader.load(List.of(conf), Map.of(
        "paths.data-dir", dir.resolve("data").toString(), "sources.transactions.path", export.toString())));

    Ingestion.SourceOutcome o = Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT,
        new RunContext(AS_OF, "retail", "test"), LocalDate.parse("2011-12-09"));
    assertEquals(List.of(30L, 28L, 1L, 1L, 5L),
        List.of(o.read(), o.accepted(), o.quarantined(), o.deferred(), o.anonymous()),
        "read, accepted, quarantined (the duplicate line), deferred (February), anonymous (blank CustomerID): " + o);
    assertEquals(Map.of("DUPLICATE_KEY", 1L), o.reasons());
    assertEquals(List.of("Description"), o.extraColumns(), "every other column feeds a mapping or an expression");

    Dataset<Row> bronze = DeltaTables.read(spark, settings.paths().bronze(SourceContracts.TRANSACTIONS));
    Row cancelled = bronze.where(col(Transactions.TRANSACTION_ID).startsWith("C541433")).first();
    assertEquals(-77183.6, cancelled.<Double>getAs(Transactions.AMOUNT), 1e-6, "quantity x unit price, negative");
    assertEquals("GBP", cancelled.<String>getAs(Transactions.CURRENCY));
    // The repeated line (536366, 22632 HAND WARMER RED POLKA DOT, 6 x 1.85) is quarantined as mapped.
    assertEquals(1, DeltaTables.read(spark, settings.paths().bronze("quarantine"))
        .where(col(LogColumns.RAW_RECORD).contains("\"transaction_id\":\"536366|22632|6|1.85\"")).count());

    // Customer features see only rows with a customer; the anonymous ones stay in bronze totals.
    Dataset<Row> identity = bronze.where(col(Transactions.CUSTOMER_REF).isNotNull())
        .select(col(Transactions.CUSTOMER_REF).as(LogColumns.REF),
            col(Transactions.CUSTOMER_REF).cast("long").as(FeatureColumns.CUSTOMER_KEY)).distinct();
    FeatureInputs in = new FeatureInputs(bronze, null, null, null, null, null, identity);
    Dataset<Row> daily = CustomerFeatures.dailyPurchases(in, AS_OF);
    Map<Long, Row> byCustomer = new TreeMap<>();
    TransactionFeatures.summary(daily, AS_OF, TimeUnit.DAYS, PurchaseRule.NET_POSITIVE).collectAsList()
        .forEach(r -> byCustomer.put(r.<Long>getAs(FeatureColumns.CUSTOMER_KEY), r));
    assertEquals(List.of(12346L, 13047L, 14527L, 17850L), List.copyOf(byCustomer.keySet()));

    // 17850: two purchase days (161.32, 35.64); the return two days later lowers spend, is no purchase.
    assertCustomer(byCustomer.get(17850L), 2, 181.66, 1, 15.30);
    // 13047: a partial return on the day of the purchase leaves a positive day: still a purchase.
    assertCustomer(byCustomer.get(13047L), 2, 122.63 + 12.75, 1, 12.75);
    // 14527: a discount line alone is a negative day, not a purchase; the later sale is.
    assertCustomer(byCustomer.get(14527L), 1, -12.50, 1, 27.50);
    // 12346: 74,215 jars bought and cancelled within the hour: net 0, so no purchase at all.
    assertCustomer(byCustomer.get(12346L), 0, 0.0, 1, 77183.6);

    double anonymousSpend = bronze.where(col(Transactions.CUSTOMER_REF).isNull())
        .agg(org.apache.spark.sql.functions.sum(Transactions.AMOUNT)).first().getDouble(0);
    assertEquals(10.93, anonymousSpend, 1e-9, "anonymous sales and their cancellation are in bronze totals");
    assertTrue(daily.count() > 0);
  }

  private static void assertCustomer(Row r, long purchasePeriods, double totalSpend, long returns, double returnsAmount) {
    assertEquals(purchasePeriods, r.<Long>getAs(FeatureColumns.PURCHASE_PERIODS), r.toString());
    assertEquals(totalSpend, r.<Double>getAs(FeatureColumns.TOTAL_SPEND), 1e-6, r.toString());
    assertEquals(returns, r.<Long>getAs(FeatureColumns.RETURNS_COUNT), r.toString());
    assertEquals(returnsAmount, r.<Double>getAs(FeatureColumns.RETURNS_AMOUNT), 1e-6, r.toString());
  }
}
