package io.centraal.scoring.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.run.InvalidInputException;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.SourceContract;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.schema.TableNames;
import io.centraal.scoring.testing.SparkExtension;
import io.centraal.scoring.testing.TestSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Each broken input gives a clear message or quarantined rows; none loses a row silently. */
@ExtendWith(SparkExtension.class)
class BadInputCatalogueTest {
  private static final RunContext CTX = new RunContext(LocalDate.parse("2024-06-30"), "bad-inputs", "test");
  private static final String HEADER = "transaction_id,customer_ref,ts,amount,channel,store_id,quantity,margin,currency";
  private static final String GOOD = "t1,L1,2024-01-05 10:00:00,10.50,store,s1,1,3.0,EUR";

  private static CentraalSettings settings(Path dir, String source, String format, Path input) {
    return settings(dir, source, format, input, Map.of());
  }

  private static CentraalSettings settings(Path dir, String source, String format, Path input,
                                           Map<String, String> more) {
    Map<String, String> overrides = new java.util.HashMap<>(more);
    overrides.putAll(Map.of(
        "sources." + source + ".path", input.toString(),
        "sources." + source + ".format", format,
        "ingest.max-reject-share", "1.0"));
    return TestSettings.withDataDir(dir.resolve("data"), overrides);
  }

  private static InvalidInputException failsClearly(SparkSession spark, Path dir, Path input, String format,
                                                    String expected) {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> Ingestion.ingest(spark,
        settings(dir, SourceContracts.TRANSACTIONS, format, input), SourceContracts.TRANSACTIONS_CONTRACT, CTX));
    assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(input.toString()), e.getMessage());
    return e;
  }

  private static Ingestion.SourceOutcome ingest(SparkSession spark, Path dir, SourceContract contract, String format,
                                                Path input) {
    return ingest(spark, dir, contract, format, input, Map.of());
  }

  private static Ingestion.SourceOutcome ingest(SparkSession spark, Path dir, SourceContract contract, String format,
                                                Path input, Map<String, String> more) {
    Ingestion.SourceOutcome o = Ingestion.ingest(spark, settings(dir, contract.name(), format, input, more),
        contract, CTX);
    assertEquals(o.read(), o.accepted() + o.quarantined(), "nothing lost: " + o);
    return o;
  }

  @Test
  void emptyFileHeaderOnlyAndEmptyDirectoryAreClearErrors(SparkSession spark, @TempDir Path dir) throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.csv"), "");
    failsClearly(spark, dir, empty, "csv", "empty file");
    Path headerOnly = Files.writeString(dir.resolve("header.csv"), HEADER + "\n");
    failsClearly(spark, dir, headerOnly, "csv", "no data rows");
    Path emptyDir = Files.createDirectory(dir.resolve("nothing-here"));
    failsClearly(spark, dir, emptyDir, "csv", "contains no data files");
  }

  @Test
  void wrongDelimiterNamesTheMissingColumn(SparkSession spark, @TempDir Path dir) throws IOException {
    Path semicolons = Files.writeString(dir.resolve("semi.csv"), (HEADER + "\n" + GOOD + "\n").replace(',', ';'));
    InvalidInputException e = failsClearly(spark, dir, semicolons, "csv", "required column 'transaction_id'");
    assertTrue(e.getMessage().contains("columns found"), e.getMessage());
  }

  @Test
  void truncatedLastLineIsQuarantined(SparkSession spark, @TempDir Path dir) throws IOException {
    Path truncated = Files.writeString(dir.resolve("cut.csv"), HEADER + "\n" + GOOD + "\nt2,L1,2024-01-0");
    Ingestion.SourceOutcome o = ingest(spark, dir, SourceContracts.TRANSACTIONS_CONTRACT, "csv", truncated);
    assertEquals(2, o.read());
    assertEquals(1, o.quarantined());
  }

  @Test
  void nonUtf8BytesDoNotLoseTheRow(SparkSession spark, @TempDir Path dir) throws IOException {
    byte[] latin1 = (HEADER + "\n" + GOOD.replace("s1", "caf\u00e9") + "\n").getBytes(StandardCharsets.ISO_8859_1);
    Path file = Files.write(dir.resolve("latin1.csv"), latin1);
    Ingestion.SourceOutcome o = ingest(spark, dir, SourceContracts.TRANSACTIONS_CONTRACT, "csv", file);
    assertEquals(1, o.read());
    assertEquals(1, o.accepted(), "an undecodable byte in a free-text field does not make the sale invalid");
  }

  @Test
  void malformedJsonLinesAreQuarantinedWithTheirText(SparkSession spark, @TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("reviews.json"), String.join("\n",
        "{\"review_id\":\"r1\",\"author_ref\":\"U1\",\"product_id\":\"p1\",\"ts\":\"2024-01-02T10:00:00Z\",\"rating\":5}",
        "this is not json {",
        "{\"review_id\":\"r2\",\"author_ref\":\"U1\",\"product_id\":\"p1\",\"ts\":\"2024-01-03T10:00:00Z\",\"rating\":\"five\"}",
        ""));
    Ingestion.SourceOutcome o = ingest(spark, dir, SourceContracts.REVIEWS_CONTRACT, "json", file);
    assertEquals(3, o.read());
    assertEquals(1, o.accepted());
    List<Row> quarantine = DeltaTables.read(spark, dir.resolve("data/bronze/" + TableNames.QUARANTINE).toString())
        .select(LogColumns.RAW_RECORD, LogColumns.REASON_CODES).collectAsList();
    String all = quarantine.toString();
    assertTrue(all.contains("this is not json {") && all.contains("MALFORMED_RECORD"), all);
    assertTrue(all.contains("UNPARSABLE_NUMBER"), all);
  }

  @Test
  void nestedJsonJunkIsQuarantinedNotFlattenedIntoText(SparkSession spark, @TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("reviews.json"), String.join("\n",
        "{\"review_id\":\"r1\",\"author_ref\":\"U1\",\"product_id\":\"p1\",\"ts\":\"2024-01-02T10:00:00Z\",\"rating\":4,"
            + "\"widget\":{\"a\":[1,{\"b\":null}]}}",
        "{\"review_id\":\"r2\",\"author_ref\":[\"U1\",\"U2\"],\"product_id\":\"p1\",\"ts\":\"2024-01-03T10:00:00Z\",\"rating\":5}",
        "{\"review_id\":\"r3\",\"author_ref\":\"U3\",\"product_id\":{\"sku\":\"p1\"},\"ts\":\"2024-01-03T10:00:00Z\",\"rating\":5}",
        ""));
    Ingestion.SourceOutcome o = ingest(spark, dir, SourceContracts.REVIEWS_CONTRACT, "json", file);
    assertEquals(List.of(3L, 1L, 2L), List.of(o.read(), o.accepted(), o.quarantined()), o.toString());
    assertEquals(Map.of("NESTED_VALUE", 2L), o.reasons(), "an array or object is not an id");
    assertEquals(List.of("widget"), o.extraColumns(), "unmapped nested junk is an extra column, ignored by default");
    String errors = DeltaTables.read(spark, dir.resolve("data/bronze/" + TableNames.QUARANTINE).toString())
        .select(LogColumns.ERRORS).collectAsList().toString();
    assertTrue(errors.contains("author_ref") && errors.contains("[\"U1\",\"U2\"]") && errors.contains("product_id"), errors);
  }

  private static Ingestion.SourceOutcome reviews(SparkSession spark, Path dir, Path input, String schema) {
    return ingest(spark, dir, SourceContracts.REVIEWS_CONTRACT, "json", input, Map.of("sources.reviews.schema", schema));
  }

  @Test
  void aDeclaredJsonSchemaSkipsInferenceAndLosesNoRow(SparkSession spark, @TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("reviews.json"), String.join("\n",
        "{\"review_id\":\"r1\",\"author_ref\":\"U1\",\"product_id\":\"p1\",\"ts\":\"2024-01-02T10:00:00Z\",\"rating\":4}",
        "{\"review_id\":\"r2\",\"author_ref\":[\"U1\",\"U2\"],\"product_id\":\"p1\",\"ts\":\"2024-01-03T10:00:00Z\",\"rating\":5}",
        "{\"review_id\":\"r3\",\"author_ref\":\"U3\",\"product_id\":\"p2\",\"ts\":\"2024-01-03T10:00:00Z\",\"rating\":\"five\"}",
        "not json {",
        ""));
    String declared = "review_id STRING, author_ref STRING, product_id STRING, ts STRING, rating STRING";
    Ingestion.SourceOutcome inferred = reviews(spark, dir.resolve("inferred"), file, "");
    Ingestion.SourceOutcome asDeclared = reviews(spark, dir.resolve("declared"), file, declared);
    assertEquals(List.of(4L, 1L, 3L), List.of(asDeclared.read(), asDeclared.accepted(), asDeclared.quarantined()),
        asDeclared.toString());
    assertEquals(inferred.reasons(), asDeclared.reasons(), "declared as text, every value meets the same rules");
    // A narrower declared type cannot hold "five": that record is quarantined whole, not dropped.
    Ingestion.SourceOutcome narrow = reviews(spark, dir.resolve("narrow"), file, declared.replace(
        "rating STRING", "rating INT"));
    assertEquals(List.of(4L, 1L, 3L), List.of(narrow.read(), narrow.accepted(), narrow.quarantined()), narrow.toString());
    assertEquals(2L, narrow.reasons().get("MALFORMED_RECORD"), narrow.toString());

    io.centraal.scoring.run.InvalidConfigException onCsv = assertThrows(io.centraal.scoring.run.InvalidConfigException.class,
        () -> TestSettings.withDataDir(dir.resolve("x"), Map.of("sources.transactions.schema", "a STRING")));
    assertTrue(onCsv.getMessage().contains("sources.transactions.schema"), onCsv.getMessage());
    io.centraal.scoring.run.InvalidConfigException notDdl = assertThrows(io.centraal.scoring.run.InvalidConfigException.class,
        () -> TestSettings.withDataDir(dir.resolve("x"), Map.of("sources.reviews.schema", "review_id,, STRING")));
    assertTrue(notDdl.getMessage().contains("DDL"), notDdl.getMessage());
  }

  @Test
  void corruptedParquetIsAClearError(SparkSession spark, @TempDir Path dir) throws IOException {
    Path file = Files.write(dir.resolve("broken.parquet"), "PAR1 this is not a parquet file".getBytes(StandardCharsets.UTF_8));
    failsClearly(spark, dir, file, "parquet", "cannot read parquet");
  }
}
