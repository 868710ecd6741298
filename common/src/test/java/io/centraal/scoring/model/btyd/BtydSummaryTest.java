package io.centraal.scoring.model.btyd;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.features.TimeUnit;
import io.centraal.scoring.features.PurchaseRule;
import io.centraal.scoring.features.TransactionFeatures;
import io.centraal.scoring.features.TransactionFeaturesCdnowTest;
import io.centraal.scoring.ingest.Ingestion;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.testing.SparkExtension;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
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
import org.junit.jupiter.api.io.TempDir;

/** The BTYD-only summary equals the BTYD columns of the general feature summary. */
@ExtendWith(SparkExtension.class)
class BtydSummaryTest {
  private static final String[] BTYD = {FeatureColumns.FREQUENCY, FeatureColumns.RECENCY,
      FeatureColumns.T, FeatureColumns.MONETARY_VALUE};

  private static Map<Long, Row> byCustomer(Dataset<Row> summary) {
    return summary.select(col(FeatureColumns.CUSTOMER_KEY), col(BTYD[0]), col(BTYD[1]), col(BTYD[2]),
            col(BTYD[3])).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getLong(0), r -> r));
  }

  private static void assertSameSummary(Dataset<Row> expected, Dataset<Row> actual) {
    Map<Long, Row> want = byCustomer(expected);
    Map<Long, Row> got = byCustomer(actual);
    assertEquals(want.keySet(), got.keySet());
    want.forEach((customer, row) -> {
      Row other = got.get(customer);
      for (int i = 1; i < row.length(); i++) {
        String what = "customer " + customer + " " + BTYD[i - 1];
        if (row.isNullAt(i)) {
          assertTrue(other.isNullAt(i), what);
        } else {
          // Spend sums may add the same amounts in another order: equal to the last few bits.
          assertEquals(row.getDouble(i), other.getDouble(i), 1e-12 * Math.max(1, Math.abs(row.getDouble(i))), what);
        }
      }
    });
  }

  @Test
  void equalsTheFeatureSummaryOnCdnow(SparkSession spark, @TempDir Path dir) {
    CentraalSettings settings = TransactionFeaturesCdnowTest.cdnowSettings(dir);
    Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT,
        new RunContext(LocalDate.parse("1998-06-30"), "cdnow", "test"));
    Dataset<Row> keyed = DeltaTables.read(spark, settings.paths().bronze("transactions"))
        .withColumn(FeatureColumns.CUSTOMER_KEY, col(Transactions.CUSTOMER_REF).cast("long"));
    LocalDate calibrationEnd = LocalDate.parse("1997-09-30");
    for (TimeUnit unit : TimeUnit.values()) {
      for (PurchaseRule rule : PurchaseRule.values()) {
        Dataset<Row> lean = BtydSummary.of(keyed, calibrationEnd, unit, rule);
        assertEquals(List.of(FeatureColumns.CUSTOMER_KEY, BTYD[0], BTYD[1], BTYD[2], BTYD[3]),
            List.of(lean.schema().fieldNames()));
        assertSameSummary(TransactionFeatures.summary(TransactionFeatures.daily(keyed, calibrationEnd),
            calibrationEnd, unit, rule), lean);
      }
    }
    // The published CDNOW calibration figures for customer 1: x 2, t_x 30.43, T 38.86, zbar 22.35.
    Row first = byCustomer(BtydSummary.of(keyed, calibrationEnd, TimeUnit.WEEKS, PurchaseRule.ANY_SALE)).get(1L);
    assertEquals(2.0, first.getDouble(1));
    assertEquals(30.43, first.getDouble(2), 0.005 + 1e-9);
    assertEquals(38.86, first.getDouble(3), 0.005 + 1e-9);
    assertEquals(22.35, first.getDouble(4), 0.005 + 1e-9); // published to 2 decimals
  }

  /** Returns, zero sales, same-day lines, a later return, rows after the as-of date, dates as DateType. */
  @Test
  void edgeCasesMatchTheFeatureSummary(SparkSession spark) {
    LocalDate asOf = LocalDate.parse("2024-03-31");
    Dataset<Row> tx = spark.createDataFrame(List.of(
        row(1, "2024-01-01 10:00:00", 10), row(1, "2024-01-01 18:00:00", 5),
        row(1, "2024-01-15 09:00:00", 20), row(1, "2024-02-01 09:00:00", -20),
        row(1, "2024-03-31 23:59:59", 7), row(1, "2024-04-01 00:00:00", 100),
        row(2, "2024-02-10 12:00:00", -5),
        row(3, "2024-01-05 12:00:00", 0), row(3, "2024-02-05 12:00:00", 12),
        row(3, "2024-02-05 13:00:00", -12), row(3, "2024-03-05 12:00:00", 8)), LINES);
    for (PurchaseRule rule : PurchaseRule.values()) {
      Dataset<Row> expected = TransactionFeatures.summary(TransactionFeatures.daily(tx, asOf), asOf,
          TimeUnit.DAYS, rule);
      assertSameSummary(expected, BtydSummary.of(tx, asOf, TimeUnit.DAYS, rule));
      Dataset<Row> byDate = tx.withColumn(Transactions.TS, col(Transactions.TS).cast("date"));
      assertSameSummary(expected, BtydSummary.of(byDate, asOf, TimeUnit.DAYS, rule));
    }
    Map<Long, Row> net = byCustomer(BtydSummary.of(tx, asOf, TimeUnit.DAYS, PurchaseRule.NET_POSITIVE));
    // Customer 1: purchase days Jan 1 (15), Jan 15 (20), Mar 31 (7); the Feb 1 return is not one.
    assertEquals(RowFactory.create(1L, 2.0, 90.0, 90.0, 13.5), net.get(1L));
    // Customer 2 only returned goods: no purchase period, nulls.
    for (int i = 1; i <= 4; i++) {
      assertNull(net.get(2L).get(i));
    }
    // Customer 3: the zero sale and the netted-out day are purchases only under ANY_SALE.
    assertEquals(RowFactory.create(3L, 0.0, 0.0, 26.0, 0.0), net.get(3L));
    Row anySale = byCustomer(BtydSummary.of(tx, asOf, TimeUnit.DAYS, PurchaseRule.ANY_SALE)).get(3L);
    assertEquals(RowFactory.create(3L, 2.0, 60.0, 86.0, 4.0), anySale);
  }

  /** Text keys whose lines arrive interleaved, a null amount (skipped, as a sum skips it), a null date (ignored). */
  @Test
  void foldsInterleavedTextKeys(SparkSession spark) {
    StructType schema = new StructType()
        .add(FeatureColumns.CUSTOMER_KEY, DataTypes.StringType, false)
        .add(Transactions.TS, DataTypes.DateType, true)
        .add(Transactions.AMOUNT, DataTypes.DoubleType, true);
    Dataset<Row> tx = spark.createDataFrame(List.of(
        RowFactory.create("b", Date.valueOf("2024-03-01"), 4.0),
        RowFactory.create("a", Date.valueOf("2024-01-10"), 10.0),
        RowFactory.create("b", Date.valueOf("2024-01-01"), 2.0),
        RowFactory.create("a", Date.valueOf("2024-02-10"), null),
        RowFactory.create("a", Date.valueOf("2024-01-20"), 6.0),
        RowFactory.create("b", null, 50.0),
        RowFactory.create("a", Date.valueOf("2024-01-20"), 3.0)), schema).repartition(3);
    Map<String, Row> got = BtydSummary.of(tx, LocalDate.parse("2024-03-31"), TimeUnit.DAYS, PurchaseRule.ANY_SALE)
        .collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r));
    // a: purchase days Jan 10 and Jan 20 (6 + 3); the Feb 10 line has no amount, so no sale.
    assertEquals(RowFactory.create("a", 1.0, 10.0, 81.0, 9.0), got.get("a"));
    // b: Jan 1 and Mar 1; the undated line is ignored.
    assertEquals(RowFactory.create("b", 1.0, 60.0, 90.0, 4.0), got.get("b"));
    assertEquals(2, got.size());
  }

  /**
   * The backtest's one pass: the calibration summary equals {@link BtydSummary#of} at the calibration
   * end, the holdout count and repeat days follow the purchase rule, a customer first seen in the
   * holdout or with no purchase period has no row, lines after the holdout end are ignored.
   */
  @Test
  void calibrationAndHoldoutInOnePass(SparkSession spark) {
    LocalDate calibrationEnd = LocalDate.parse("2024-03-31");
    LocalDate holdoutEnd = LocalDate.parse("2024-04-30");
    Dataset<Row> tx = spark.createDataFrame(List.of(
        row(1, "2024-01-01 10:00:00", 10), row(1, "2024-01-15 09:00:00", 20),
        row(1, "2024-02-01 09:00:00", -20), row(1, "2024-03-31 23:59:59", 7),
        row(1, "2024-04-01 00:00:00", 100), row(1, "2024-04-10 00:00:00", 3), row(1, "2024-04-10 08:00:00", -5),
        row(1, "2024-05-01 00:00:00", 9),
        row(2, "2024-02-10 12:00:00", -5), row(2, "2024-04-02 12:00:00", 5),
        row(3, "2024-03-05 12:00:00", 8),
        row(4, "2024-04-20 12:00:00", 30), row(4, "2024-04-25 12:00:00", 30)), LINES).repartition(2);
    for (PurchaseRule rule : PurchaseRule.values()) {
      Dataset<Row> both = BtydSummary.withHoldout(tx, calibrationEnd, holdoutEnd, TimeUnit.DAYS, rule);
      assertEquals(List.of(FeatureColumns.CUSTOMER_KEY, BTYD[0], BTYD[1], BTYD[2], BTYD[3],
          FeatureColumns.FIRST_PURCHASE_DATE, BtydSummary.HOLDOUT_PURCHASES, BtydSummary.REPEAT_DAYS),
          List.of(both.schema().fieldNames()));
      assertSameSummary(BtydSummary.of(tx, calibrationEnd, TimeUnit.DAYS, rule).where(col(BTYD[0]).isNotNull()), both);
    }
    Map<Long, Row> net = BtydSummary.withHoldout(tx, calibrationEnd, holdoutEnd, TimeUnit.DAYS,
            PurchaseRule.NET_POSITIVE).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getLong(0), r -> r));
    assertEquals(java.util.Set.of(1L, 3L), net.keySet(), "2 never bought before the cut-off, 4 first bought after it");
    // Customer 1: purchase days Jan 1, Jan 15, Mar 31; in the holdout Apr 1 (Apr 10 nets to -2, May 1 is after it).
    Row one = net.get(1L);
    assertEquals(Date.valueOf("2024-01-01"), one.getDate(5));
    assertEquals(1L, one.getLong(6));
    assertEquals(List.of(days("2024-01-15"), days("2024-03-31"), days("2024-04-01")), one.getList(7));
    Row three = net.get(3L);
    assertEquals(Date.valueOf("2024-03-05"), three.getDate(5));
    assertEquals(0L, three.getLong(6));
    assertEquals(List.of(), three.getList(7));
    // Under ANY_SALE the Apr 10 sale counts too.
    Row anySale = BtydSummary.withHoldout(tx, calibrationEnd, holdoutEnd, TimeUnit.DAYS, PurchaseRule.ANY_SALE)
        .where(col(FeatureColumns.CUSTOMER_KEY).equalTo(1L)).first();
    assertEquals(2L, anySale.getLong(6));
  }

  private static int days(String date) {
    return (int) LocalDate.parse(date).toEpochDay();
  }

  /** The hand-made transaction lines of {@link #row}. */
  private static final StructType LINES = new StructType()
      .add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType, false)
      .add(Transactions.TS, DataTypes.TimestampType, false)
      .add(Transactions.AMOUNT, DataTypes.DoubleType, false)
      .add(Transactions.MARGIN, DataTypes.DoubleType, true)
      .add(Transactions.CHANNEL, DataTypes.StringType, true);

  private static Row row(long customer, String ts, double amount) {
    return RowFactory.create(customer, Timestamp.valueOf(ts), amount, null, "store");
  }
}
