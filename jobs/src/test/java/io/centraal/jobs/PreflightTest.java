package io.centraal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.testing.SparkExtension;
import io.centraal.scoring.testing.TestSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What `run` and `backtest` say before they read: a gzip export read by one task is named, a split one is not. */
@ExtendWith(SparkExtension.class)
class PreflightTest {
  @Test
  void aGzipExportLargerThanAQuarterOfASplitIsNamedBeforeTheRun(SparkSession spark, @TempDir Path dir)
      throws IOException {
    Path export = Files.createDirectories(dir.resolve("exports"));
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(export.resolve("pos.csv.gz")))) {
      out.write(("transaction_id,customer_ref,ts,amount\n" + "t,c,2024-01-01 10:00:00,1.00\n".repeat(5000))
          .getBytes(StandardCharsets.UTF_8));
    }
    CentraalSettings settings = TestSettings.withDataDir(dir.resolve("data"),
        Map.of("sources.transactions.path", export.toString()));
    List<io.centraal.scoring.io.SourceSettings> transactions =
        List.of(settings.sources().get(SourceContracts.TRANSACTIONS));
    String key = "spark.sql.files.maxPartitionBytes";
    String before = spark.conf().get(key);
    try {
      long gz = Files.size(export.resolve("pos.csv.gz"));
      spark.conf().set(key, String.valueOf(4 * gz - 4)); // a quarter of a split is just under the file
      List<String> warnings = Preflight.warnings(spark, settings, transactions);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).startsWith("source 'transactions': ") && warnings.get(0).contains("pos.csv.gz"),
          warnings.get(0));
      spark.conf().set(key, String.valueOf(4 * gz + 4));
      assertEquals(List.of(), Preflight.warnings(spark, settings, transactions), "the file fits a quarter of a split");
    } finally {
      spark.conf().set(key, before);
    }
  }
}
