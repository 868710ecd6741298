package io.centraal.scoring.dq;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.SourceReader;
import io.centraal.scoring.io.SourceSettings;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.testing.SparkExtension;
import io.centraal.scoring.testing.TestSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cached validation (keys counted first, the window only over keys that repeat) gives exactly
 * the rows of the plain one (a window over every row), with and without repeated keys, and counts
 * what its rows say.
 */
@ExtendWith(SparkExtension.class)
class SourceValidatorTest {
  private static final String HEADER = "transaction_id,customer_ref,ts,amount,channel,store_id,quantity,unit_price,currency";
  private static final LocalDate AS_OF = LocalDate.parse("2024-03-31");

  private static List<String> rows(SparkSession spark, Path input, boolean cached) {
    CentraalSettings settings = TestSettings.withDataDir(input.getParent().resolve("data"),
        Map.of("sources.transactions.path", input.toString()));
    SourceSettings source = settings.sources().get(SourceContracts.TRANSACTIONS);
    SourceValidator.Rules rules = settings.ingest().rules(AS_OF, AS_OF.plusMonths(3), false);
    Dataset<Row> raw = SourceReader.read(spark, source);
    if (!cached) {
      return SourceValidator.validate(raw, SourceContracts.TRANSACTIONS_CONTRACT, source, rules)
          .checked().toJSON().collectAsList().stream().sorted().toList();
    }
    SourceValidator.Cached validated = SourceValidator.validateCached(raw, SourceContracts.TRANSACTIONS_CONTRACT,
        source, rules, StorageLevel.MEMORY_ONLY(), col(Transactions.CHANNEL).equalTo("app"));
    try {
      List<String> rows = validated.result().checked().toJSON().collectAsList().stream().sorted().toList();
      // The counts come from the cache's filling pass and the repeats alone: they must tell what
      // the rows themselves say.
      SourceValidator.Counts counts = validated.counts();
      assertEquals(rows.size(), counts.read(), "read");
      assertEquals(status(rows, SourceValidator.ACCEPTED), counts.accepted(), "accepted: " + rows);
      assertEquals(status(rows, SourceValidator.QUARANTINED), counts.quarantined(), "quarantined: " + rows);
      assertEquals(status(rows, SourceValidator.DEFERRED), counts.deferred(), "deferred: " + rows);
      assertEquals(rows.stream().filter(r -> r.contains("\"_dq_status\":\"accepted\"")
          && r.contains("\"channel\":\"app\"")).count(), counts.marked(), "accepted app sales: " + rows);
      return rows;
    } finally {
      validated.result().release();
    }
  }

  private static long status(List<String> rows, String status) {
    return rows.stream().filter(r -> r.contains("\"_dq_status\":\"" + status + "\"")).count();
  }

  private static Path write(Path dir, String... lines) throws IOException {
    Path file = dir.resolve("tx.csv");
    Files.writeString(file, HEADER + "\n" + String.join("\n", lines) + "\n");
    return file;
  }

  @Test
  void repeatedKeysAreResolvedAsByTheWindowOverEveryRow(SparkSession spark, @TempDir Path dir) throws IOException {
    Path input = write(dir,
        "t1,L1,2024-03-01 09:00:00,10.00,web,,1,10.0,EUR",
        "t1,L1,2024-03-01 09:00:00,10.00,web,,1,10.0,EUR",   // a repeated line
        "t1,L2,2024-03-02 09:00:00,12.00,web,,1,12.0,EUR",   // the same id, other content
        "t2,L1,2024-03-01 09:00:00,oops,web,,1,10.0,EUR",    // broken: not a duplicate of the valid t2
        "t2,L1,2024-03-03 09:00:00,11.00,web,,1,11.0,EUR",
        "t3,L3,2024-04-05 09:00:00,5.00,app,,1,5.0,EUR",     // after the as-of date: deferred
        "t3,L3,2024-04-05 09:00:00,5.00,app,,1,5.0,EUR",
        "t4,L4,2024-03-05 09:00:00,5.00,app,,1,5.0,EUR",
        "t4,L4,2024-03-05 09:00:00,5.00,app,,1,5.0,EUR",     // a repeat counted as quarantined, not accepted
        "t5,L5,2024-04-07 09:00:00,5.00,web,,1,5.0,EUR",     // deferred, once
        ",L5,2024-03-06 09:00:00,5.00,app,,1,5.0,EUR");
    List<String> plain = rows(spark, input, false);
    List<String> cached = rows(spark, input, true);
    assertEquals(plain, cached);
    assertEquals(4, cached.stream().filter(r -> r.contains("DUPLICATE_KEY")).count(), String.join("\n", cached));
    assertTrue(cached.stream().anyMatch(r -> r.contains("UNPARSABLE_NUMBER") && r.contains("oops")),
        "a quarantined row keeps its raw record");
  }

  // Spark looks up a zone written in the text for every value; in a UTC session a trailing Z is
  // read without that lookup, and must give the instants Spark's own parse gives.
  @Test
  void aTrailingZGivesTheInstantSparksOwnParseGives(SparkSession spark) {
    List<String> texts = java.util.Arrays.asList("2024-03-31T23:30:05Z", "2024-03-01T09:00:00.123456Z",
        "2024-03-01 09:00:07Z", "2024-03-01T09:00:00+01:00", "2024-03-01T09:00:00-05:00", "2024-03-01T09:00:09",
        "2024-03-01", "2024-03-01Z", "2024-03-01T09Z", "2024-13-01T00:00:00Z", "not a time Z", "9Z", "Z", "", null);
    Dataset<Row> df = spark.createDataset(texts, org.apache.spark.sql.Encoders.STRING()).toDF("t");
    for (String zone : List.of("UTC", "Europe/Amsterdam")) {
      List<Row> rows = df.select(col("t"), col("t").cast("timestamp"), SourceValidator.isoTimestamp(col("t"), zone))
          .collectAsList();
      assertEquals(texts.size(), rows.size());
      for (Row r : rows) {
        assertEquals(r.get(1), r.get(2), "'" + r.get(0) + "' in a session at " + zone);
      }
      assertEquals(java.sql.Timestamp.from(java.time.Instant.parse("2024-03-31T23:30:05Z")),
          rows.get(0).getTimestamp(2), "read as UTC");
    }
  }

  // A text of the pattern's exact shape is read by Spark's cast, anything else by to_timestamp:
  // the two must agree on every text, valid or not.
  @Test
  void aPatternsTimestampsAreThoseToTimestampReads(SparkSession spark) {
    List<String> texts = java.util.Arrays.asList("2024-03-31 23:30:05", "2024-02-29 12:00:00", "2023-02-29 12:00:00",
        "2024-02-30 00:00:00", "2024-13-01 00:00:00", "2024-01-01 24:00:00", "2024-01-01 23:60:00",
        "2024-01-01 23:59:60", "2024-01-05 10:00:00.5", "2024-01-05T10:00:00", "2024-01-05T10:00:00Z",
        "2024-1-5 10:00:00", "2024-01-05 10:00", "2024-01-05", "0000-01-01 00:00:00", "+12024-01-05 10:00:00",
        "2024-01-05 10:00:0Z", "x", "", null);
    Dataset<Row> df = spark.createDataset(texts, org.apache.spark.sql.Encoders.STRING()).toDF("t");
    for (String pattern : List.of("yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd",
        "dd/MM/yyyy")) {
      List<Row> rows = df.select(col("t"), functions.to_timestamp(col("t"), pattern),
          SourceValidator.patternTimestamp(col("t"), pattern)).collectAsList();
      assertEquals(texts.size(), rows.size());
      for (Row r : rows) {
        assertEquals(r.get(1), r.get(2), "'" + r.get(0) + "' read with " + pattern);
      }
      assertTrue(rows.stream().filter(r -> r.get(2) != null).count() >= (pattern.startsWith("dd") ? 0 : 1), pattern);
    }
  }

  // The cheap tests in front of the placeholder's regular expression and look-up change no answer.
  @Test
  void aPlaceholderIsWhatTheRegularExpressionAndTheListSay(SparkSession spark) {
    java.util.Set<String> placeholders = java.util.Set.of("unknown", "n/a", "guest", "walk-in", "-1");
    List<String> texts = java.util.Arrays.asList("0", "000", "00a", "a0", "10", "unknown", "UNKNOWN", "Unknownx",
        "n/a", "N/A", "guest", "walk-in", "walk-ins", "-1", "-10", "L1", "", null);
    List<Row> rows = spark.createDataset(texts, org.apache.spark.sql.Encoders.STRING()).toDF("t")
        .select(col("t"), col("t").rlike("^0+$").or(functions.lower(col("t")).isin(placeholders.toArray())),
            SourceValidator.placeholder(col("t"), placeholders), SourceValidator.placeholder(col("t"), java.util.Set.of()),
            col("t").rlike("^0+$"))
        .collectAsList();
    for (Row r : rows) {
      assertEquals(r.get(1), r.get(2), "'" + r.get(0) + "'");
      assertEquals(r.get(4), r.get(3), "'" + r.get(0) + "' with no placeholders listed");
    }
    assertEquals(9, rows.stream().filter(r -> Boolean.TRUE.equals(r.get(2))).count());
  }

  // A Parquet export's typed columns are read as their values (not through their text), and a
  // rule they break still shows the value as text.
  @Test
  void typedColumnsAreReadAsTheirValues(SparkSession spark, @TempDir Path dir) {
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("transaction_id", "string").add("customer_ref", "string").add("ts", "timestamp")
        .add("amount", "double").add("channel", "string").add("quantity", "long")
        .add("margin", org.apache.spark.sql.types.DataTypes.createDecimalType(10, 2));
    java.sql.Timestamp march = java.sql.Timestamp.valueOf("2024-03-01 09:00:00");
    List<Row> input = List.of(
        org.apache.spark.sql.RowFactory.create("t1", "L1", march, 12.5, "web", 3L, new java.math.BigDecimal("4.25")),
        org.apache.spark.sql.RowFactory.create("t2", "L2", null, 5.0, "web", null, null),
        org.apache.spark.sql.RowFactory.create("t3", "L3", march, 1.0e12, "web", 1L, null),
        org.apache.spark.sql.RowFactory.create("t4", "L4", march, Double.NaN, "web", 1L, null),
        org.apache.spark.sql.RowFactory.create("t5", "L5", march, null, "store", 1L, null));
    Path parquet = dir.resolve("tx.parquet");
    spark.createDataFrame(input, schema).coalesce(1).write().parquet(parquet.toString());
    // A decimal comma applies to numbers written as text: a typed decimal is read as it is.
    CentraalSettings settings = TestSettings.withDataDir(dir.resolve("data"), Map.of(
        "sources.transactions.path", parquet.toString(), "sources.transactions.format", "parquet",
        "sources.transactions.decimal-separator", ","));
    SourceSettings source = settings.sources().get(SourceContracts.TRANSACTIONS);
    SourceValidator.Result result = SourceValidator.validate(SourceReader.read(spark, source),
        SourceContracts.TRANSACTIONS_CONTRACT, source, settings.ingest().rules(AS_OF, AS_OF, false));
    List<Row> valid = result.valid().orderBy("transaction_id").collectAsList();
    assertEquals(1, valid.size(), "t1 only: " + valid);
    Row t1 = valid.get(0);
    assertEquals(march, t1.getAs("ts"));
    assertEquals(12.5, (double) t1.getAs("amount"));
    assertEquals(3.0, (double) t1.getAs("quantity"));
    assertEquals(4.25, (double) t1.getAs("margin"));
    Map<String, String> reasons = new java.util.TreeMap<>();
    result.quarantined().collectAsList().forEach(r -> {
      Row e = r.<Row>getList(r.fieldIndex(SourceValidator.ERRORS)).get(0);
      String raw = r.getAs(SourceValidator.RAW_RECORD);
      java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"transaction_id\":\"(t[0-9])\"").matcher(raw);
      assertTrue(id.find(), raw);
      reasons.put(id.group(1), e.getAs("rule") + " in " + e.getAs("column")
          + " (" + e.getAs("value") + ")");
    });
    assertEquals(Map.of("t2", "MISSING_REQUIRED in ts (null)", "t3", "AMOUNT_OUT_OF_RANGE in amount (1.0E12)",
        "t4", "NOT_FINITE in amount (NaN)", "t5", "MISSING_REQUIRED in amount (null)"), reasons);
  }

  // The bracket test before the regular expression only skips it where it cannot match.
  @Test
  void aNestedValuesTextIsRecognisedAsByTheRegularExpressionAlone(SparkSession spark) {
    List<String> texts = java.util.Arrays.asList("[1,2]", "{\"a\":1}", "{}", "[]", "[", "{", "]", "x[1]", "[1]x",
        "{\"a\":\n1}", "[a\nb]", " [1]", "", "plain", null);
    List<Row> rows = spark.createDataset(texts, org.apache.spark.sql.Encoders.STRING()).toDF("t")
        .select(col("t"), functions.coalesce(col("t"), functions.lit("")).rlike("^(\\[.*\\]|\\{.*\\})$"),
            SourceValidator.nestedJsonText(col("t")))
        .collectAsList();
    assertEquals(texts.size(), rows.size());
    for (Row r : rows) {
      assertEquals(r.get(1), r.get(2), "'" + r.get(0) + "'");
    }
    assertEquals(4, rows.stream().filter(r -> r.getBoolean(2)).count(), "[1,2], {\"a\":1}, {} and []");
  }

  @Test
  void withoutRepeatedKeysNoRowIsMarked(SparkSession spark, @TempDir Path dir) throws IOException {
    Path input = write(dir,
        "t1,L1,2024-03-01 09:00:00,10.00,web,,1,10.0,EUR",
        "t2,L1,2024-03-02 09:00:00,x,web,,1,12.0,EUR",
        "t3,L2,2024-03-02 09:00:00,12.00,web,,1,12.0,EUR");
    List<String> plain = rows(spark, input, false);
    assertEquals(plain, rows(spark, input, true));
    assertEquals(0, plain.stream().filter(r -> r.contains("DUPLICATE_KEY")).count());
    assertEquals(1, plain.stream().filter(r -> r.contains("\"_dq_raw_record\"")).count(),
        "only the quarantined row keeps its raw record: " + plain);
  }

  // The as-of day ends at midnight UTC, as the session reads the timestamps, whatever the time zone
  // of the machine: built from the JVM's zone (here UTC+13), the cut deferred the day's last 13 hours.
  @Test
  void theAsOfDayEndsAtMidnightUtcWhateverTheMachinesTimeZone(SparkSession spark, @TempDir Path dir)
      throws IOException {
    Path input = write(dir,
        "t1,L1,2024-03-31 23:30:00,10.00,web,,1,10.0,EUR",   // the as-of day's last hour (UTC)
        "t2,L1,2024-04-01 00:00:00,12.00,web,,1,12.0,EUR");  // the next day: deferred
    java.util.TimeZone machine = java.util.TimeZone.getDefault();
    List<String> rows;
    try {
      java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Pacific/Auckland"));
      rows = rows(spark, input, false);
    } finally {
      java.util.TimeZone.setDefault(machine);
    }
    assertEquals(1, status(rows, SourceValidator.ACCEPTED), String.join("\n", rows));
    assertTrue(rows.stream().anyMatch(r -> r.contains("\"t2\"") && r.contains(SourceValidator.DEFERRED)),
        String.join("\n", rows));
  }
}
