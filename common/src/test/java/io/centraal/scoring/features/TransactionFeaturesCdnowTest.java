package io.centraal.scoring.features;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.ingest.Ingestion;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.testing.SparkExtension;
import io.centraal.scoring.testing.TestSettings;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BTYD summary reproduces the published CDNOW calibration summary (Fader & Hardie's
 * cdnow_customers_summary_with_transactions.csv: x, t_x, T in weeks, zbar = mean repeat spend),
 * reading the raw 1/10 sample through the same ingest path users use.
 */
@ExtendWith(SparkExtension.class)
public class TransactionFeaturesCdnowTest {
  private static final LocalDate CALIBRATION_END = LocalDate.parse("1997-09-30");

  public static Path resource(String name) {
    try {
      return Path.of(TransactionFeaturesCdnowTest.class.getResource("/cdnow/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CDNOW sample mapped as a user would: master_id sample_id date cds dollars. */
  public static CentraalSettings cdnowSettings(Path dataDir) {
    Map<String, String> o = new HashMap<>();
    o.put("sources.transactions.format", "whitespace");
    o.put("sources.transactions.path", resource("CDNOW_sample.txt").toString());
    o.put("sources.transactions.options.header", "false");
    o.put("sources.transactions.expressions.transaction_id", "concat('line-', _source_line)");
    o.put("sources.transactions.columns.customer_ref", "_c1");
    o.put("sources.transactions.columns.ts", "_c2");
    o.put("sources.transactions.columns.quantity", "_c3");
    o.put("sources.transactions.columns.amount", "_c4");
    o.put("sources.transactions.constants.channel", "store");
    o.put("sources.transactions.constants.currency", "USD");
    o.put("sources.transactions.timestamp-format", "yyyyMMdd");
    o.put("time-unit", "weeks");
    o.put("features.purchase-rule", "any-sale");
    return TestSettings.withDataDir(dataDir, o);
  }

  @Test
  void reproducesThePublishedCalibrationSummary(SparkSession spark, @TempDir Path dir) throws IOException {
    CentraalSettings settings = cdnowSettings(dir);
    Ingestion.SourceOutcome outcome = Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT,
        new RunContext(LocalDate.parse("1998-06-30"), "cdnow", "test"));
    assertEquals(6919, outcome.read());
    assertEquals(6919, outcome.accepted(), "every CDNOW line is valid, exact duplicate lines included");

    Dataset<Row> keyed = DeltaTables.read(spark, settings.paths().bronze("transactions"))
        .withColumn(FeatureColumns.CUSTOMER_KEY, col(Transactions.CUSTOMER_REF).cast("long"));
    Dataset<Row> summary = TransactionFeatures.summary(TransactionFeatures.daily(keyed, CALIBRATION_END),
        CALIBRATION_END, TimeUnit.WEEKS, PurchaseRule.ANY_SALE);

    Map<Long, Row> ours = new HashMap<>();
    summary.collectAsList().forEach(r -> ours.put(r.getLong(r.fieldIndex(FeatureColumns.CUSTOMER_KEY)), r));
    List<String> published = Files.readAllLines(resource("cdnow_customers_summary_with_transactions.csv"));
    assertEquals(2357, published.size() - 1);
    assertEquals(2357, ours.size());
    for (String line : published.subList(1, published.size())) {
      String[] f = line.split(",");
      Row r = ours.get(Long.parseLong(f[0]));
      String id = "customer " + f[0];
      assertEquals(Double.parseDouble(f[1]), r.<Double>getAs(FeatureColumns.FREQUENCY), 1e-9, id + " x");
      assertEquals(Double.parseDouble(f[2]), r.<Double>getAs(FeatureColumns.RECENCY), 0.005 + 1e-9, id + " t_x");
      assertEquals(Double.parseDouble(f[3]), r.<Double>getAs(FeatureColumns.T), 0.005 + 1e-9, id + " T");
      assertEquals(Double.parseDouble(f[4]), r.<Double>getAs(FeatureColumns.MONETARY_VALUE), 0.005 + 1e-9, id + " zbar");
    }
  }
}
