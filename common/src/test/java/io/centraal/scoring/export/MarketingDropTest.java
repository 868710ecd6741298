package io.centraal.scoring.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.centraal.scoring.privacy.KeyedHash;
import io.centraal.scoring.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
class MarketingDropTest {
  private static Dataset<Row> scores(SparkSession spark) {
    StructType schema = new StructType().add("customer_key", DataTypes.LongType).add("clv_12m", DataTypes.DoubleType)
        .add("marketing_allowed", DataTypes.BooleanType);
    return spark.createDataFrame(List.of(RowFactory.create(1L, 10.5, true), RowFactory.create(2L, 3.0, false),
        RowFactory.create(3L, 7.25, true)), schema);
  }

  @Test
  void pseudonymReplacesTheCustomerKeyAndTheManifestIsWrittenBeforeSuccess(SparkSession spark, @TempDir Path dir)
      throws Exception {
    KeyedHash key = KeyedHash.of("a-test-key-of-enough-length");
    Dataset<Row> rows = MarketingDrop.rows(scores(spark), List.of("customer_key", "clv_12m"), key);
    assertEquals(List.of(MarketingDrop.CUSTOMER_PSEUDONYM, "clv_12m"), List.of(rows.columns()));
    Map<String, Double> got = new TreeMap<>();
    rows.collectAsList().forEach(r -> got.put(r.getString(0), r.getDouble(1)));
    assertEquals(Map.of(key.hex("1"), 10.5, key.hex("3"), 7.25), got, "consented customers only, keyed hash of the key");

    String drop = dir.resolve("as_of_date=2024-12-31").toString();
    // A first drop, then a second over it: the order of file operations shows the drop is never
    // complete-looking while half written (file times cannot order writes of the same millisecond).
    MarketingDrop.write(spark, rows, drop, List.of("csv", "parquet"), "run-0", LocalDate.of(2024, 12, 31));
    org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
    RecordingLocalFileSystem.install(conf);
    long n;
    try {
      n = MarketingDrop.write(spark, rows, drop, List.of("csv", "parquet"), "run-1", LocalDate.of(2024, 12, 31));
    } finally {
      RecordingLocalFileSystem.uninstall(conf);
    }
    assertEquals(2, n);
    List<String> events = RecordingLocalFileSystem.EVENTS;
    int successGone = events.indexOf("delete " + MarketingDrop.SUCCESS);
    int firstReplace = events.indexOf("rename _tmp_run-1_csv -> csv");
    int manifestWritten = events.lastIndexOf("create " + MarketingDrop.MANIFEST);
    int successWritten = events.lastIndexOf("create " + MarketingDrop.SUCCESS);
    assertTrue(successGone >= 0 && firstReplace > successGone, "_SUCCESS goes before any data is replaced: " + events);
    assertTrue(events.indexOf("rename _tmp_run-1_parquet -> parquet") > firstReplace, events.toString());
    assertTrue(manifestWritten > events.indexOf("rename _tmp_run-1_parquet -> parquet"),
        "the manifest describes the data in place: " + events);
    assertTrue(successWritten > manifestWritten, "_SUCCESS is written last, after the manifest: " + events);
    assertEquals(successWritten, events.size() - 1, "nothing after _SUCCESS: " + events);
    JsonNode manifest = new ObjectMapper().readTree(Path.of(drop, MarketingDrop.MANIFEST).toFile());
    assertEquals(2, manifest.get("row_count").asLong());
    assertEquals("2024-12-31", manifest.get("as_of_date").asText());
    assertEquals(2, manifest.get("files").size(), "one data file per format");
    // The same bytes from any process: each column entry is name, then type (an unordered map made
    // the order differ between JVMs, and a re-run after a kill published a different manifest).
    String manifestText = Files.readString(Path.of(drop, MarketingDrop.MANIFEST));
    for (JsonNode column : manifest.get("columns")) {
      assertTrue(manifestText.contains("{\"name\":\"" + column.get("name").asText() + "\",\"type\":\""
          + column.get("type").asText() + "\"}"), manifestText);
    }
    assertTrue(Files.exists(Path.of(drop, MarketingDrop.SUCCESS)));
    String csv = Files.readString(Path.of(drop, manifest.get("files").get(0).get("path").asText()));
    assertFalse(csv.contains("customer_key"), csv);

    Dataset<Row> raw = MarketingDrop.rows(scores(spark), List.of("customer_key", "clv_12m"), null);
    assertEquals(List.of("customer_key", "clv_12m"), List.of(raw.columns()), "raw key only when configured");
  }
}
