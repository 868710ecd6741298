package io.centraal.scoring.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.run.DataQualityGateException;
import io.centraal.scoring.run.InvalidInputException;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.schema.TableNames;
import io.centraal.scoring.testing.SparkExtension;
import io.centraal.scoring.testing.TestSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
class IngestionTest {
  private static final RunContext CTX = new RunContext(LocalDate.parse("2024-06-30"), "run-1", "test");

  private static final String TRANSACTIONS_CSV = String.join("\n",
      "transaction_id,customer_ref,ts,amount,channel,store_id,quantity,margin,currency",
      "t1,L1,2024-01-05 10:00:00,10.50,store,s1,1,3.0,EUR",
      "t2,L1,2024-02-05 10:00:00,-4.00,store,s1,1,-1.0,EUR",
      "t3,,2024-02-06 11:00:00,7.00,store,s2,1,2.0,EUR",
      "t4,L2,2024-03-01 09:00:00,\"12,3x\",web,,1,3.0,EUR",
      "t11,L2,2024-03-01 09:00:00,12,3x,web,,1,3.0,EUR",
      "t5,L2,2099-01-01 09:00:00,20.00,web,,1,5.0,EUR",
      "t6,L2,0000-00-00 00:00:00,20.00,web,,1,5.0,EUR",
      "t7,L3,2024-03-01 09:00:00,NaN,app,,1,5.0,EUR",
      "t8,L3,2024-03-02 09:00:00,1e308,app,,1,5.0,EUR",
      "t9,L3,2024-03-03 09:00:00,5.00,app,,1,1.0,XXX",
      "t1,L9,2024-03-04 09:00:00,99.00,store,s1,1,1.0,EUR",
      ",L3,2024-03-05 09:00:00,5.00,app,,1,1.0,EUR",
      "t10,L4,2024-03-06 09:00:00,15.00,web,,2,4.0,EUR") + "\n";

  private CentraalSettings settings(Path dir, Path input, double maxReject) {
    return TestSettings.withDataDir(dir.resolve("data"), Map.of(
        "sources.transactions.path", input.toString(),
        "ingest.max-reject-share", String.valueOf(maxReject)));
  }

  private static Path write(Path dir, String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  @Test
  void acceptsQuarantinesAndIsIdempotent(SparkSession spark, @TempDir Path dir) throws IOException {
    Path input = write(dir, "tx.csv", TRANSACTIONS_CSV);
    CentraalSettings settings = settings(dir, input, 0.9);

    Ingestion.SourceOutcome first = Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT, CTX);
    assertEquals(13, first.read());
    assertEquals(first.read(), first.accepted() + first.quarantined());
    assertEquals(4, first.accepted(), "t1, t2, t3 (anonymous till) and t10 are valid");
    assertEquals(4, first.inserted());
    assertEquals(1, first.anonymous(), "t3 has no customer_ref: kept, and counted as anonymous");
    assertEquals(0, first.deferred());

    Map<String, List<String>> reasonsById = reasonsById(spark, settings, "transaction_id");
    // Row by row: each bad line carries exactly its own reason (a malformed line only that, not the
    // errors of its shifted fields).
    assertEquals(Map.of(
        "t4", List.of("UNPARSABLE_NUMBER"),
        "t11", List.of("MALFORMED_RECORD"),
        "t5", List.of("TS_IN_FUTURE"),
        "t6", List.of("UNPARSABLE_TIMESTAMP"),
        "t7", List.of("NOT_FINITE"),
        "t8", List.of("AMOUNT_OUT_OF_RANGE"),
        "t9", List.of("UNKNOWN_CURRENCY"),
        "t1", List.of("DUPLICATE_KEY"),
        "(no id)", List.of("MISSING_REQUIRED")), reasonsById);

    Ingestion.SourceOutcome second = Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT, CTX);
    assertEquals(0, second.inserted(), "re-ingesting the same file inserts nothing");
    assertEquals(4, DeltaTables.read(spark, settings.paths().bronze("transactions")).count());
    assertEquals(9, DeltaTables.read(spark, settings.paths().bronze(TableNames.QUARANTINE)).count(),
        "the quarantine slice of the date is replaced, not appended");
  }

  /**
   * A source with nothing to quarantine makes no quarantine commit (Delta commits no empty
   * replacement), but when an earlier ingest of the date quarantined rows of it, they are removed:
   * the corrected file's re-run leaves no stale rejects.
   */
  @Test
  void aCleanSourceCommitsNoQuarantineUnlessAnEarlierRunOfTheDateLeftRejects(SparkSession spark, @TempDir Path dir)
      throws IOException {
    Path input = write(dir, "tx.csv", TRANSACTIONS_CSV);
    CentraalSettings settings = settings(dir, input, 0.9);
    String quarantine = settings.paths().bronze(TableNames.QUARANTINE);
    String clean = String.join("\n", TRANSACTIONS_CSV.lines().limit(3).toList()) + "\n";

    Files.writeString(input, clean);
    Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT, CTX);
    long created = DeltaTables.latestVersion(spark, quarantine);
    Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT, CTX);
    assertEquals(created, DeltaTables.latestVersion(spark, quarantine), "nothing to replace: no commit");

    Files.writeString(input, TRANSACTIONS_CSV);
    Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT, CTX);
    assertEquals(9, DeltaTables.read(spark, quarantine).count());
    Files.writeString(input, clean);
    Ingestion.SourceOutcome corrected = Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT, CTX);
    assertEquals(0, corrected.quarantined());
    assertEquals(0, DeltaTables.read(spark, quarantine).count(), "the date's earlier rejects of the source are gone");
  }

  /**
   * The quarantine's reason codes by the row's id: the id field of the raw row (JSON of the parsed
   * fields) or, for a line that could not be split into fields, its first field.
   */
  private static Map<String, List<String>> reasonsById(SparkSession spark, CentraalSettings settings, String idField) {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    return DeltaTables.read(spark, settings.paths().bronze(TableNames.QUARANTINE)).collectAsList().stream()
        .collect(Collectors.toMap(r -> {
          String raw = r.<String>getAs(LogColumns.RAW_RECORD);
          try {
            String id = raw.startsWith("{") ? json.readTree(raw).path(idField).asText(null) : raw.split(",")[0];
            return id == null || id.isEmpty() ? "(no id)" : id;
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }, r -> r.<String>getList(r.fieldIndex(LogColumns.REASON_CODES))));
  }

  @Test
  void eachBadReviewCarriesItsOwnReasonCode(SparkSession spark, @TempDir Path dir) throws IOException {
    String ok = "\"author_ref\":\"U1\",\"product_id\":\"P1\",\"text\":\"fine\",\"total_votes\":2";
    Path input = write(dir, "reviews.json", String.join("\n",
        "{\"review_id\":\"r1\"," + ok + ",\"ts\":\"2024-03-01T10:00:00Z\",\"rating\":5,\"helpful_votes\":1,\"verified_purchase\":true}",
        "{\"review_id\":\"r2\"," + ok + ",\"ts\":\"2024-03-02T10:00:00Z\",\"rating\":7,\"helpful_votes\":1,\"verified_purchase\":true}",
        "{\"review_id\":\"r3\"," + ok + ",\"ts\":\"2024-03-03T10:00:00Z\",\"rating\":4,\"helpful_votes\":-1,\"verified_purchase\":true}",
        "{\"review_id\":\"r4\"," + ok + ",\"ts\":\"1985-01-01T10:00:00Z\",\"rating\":4,\"helpful_votes\":1,\"verified_purchase\":true}",
        "{\"review_id\":\"r5\"," + ok + ",\"ts\":\"2024-03-04T10:00:00Z\",\"rating\":3,\"helpful_votes\":1,\"verified_purchase\":\"maybe\"}")
        + "\n");
    CentraalSettings settings = TestSettings.withDataDir(dir.resolve("data"), Map.of(
        "sources.reviews.path", input.toString(), "ingest.max-reject-share", "0.9"));
    Ingestion.SourceOutcome outcome = Ingestion.ingest(spark, settings, SourceContracts.REVIEWS_CONTRACT, CTX);
    assertEquals(1, outcome.accepted());
    Map<String, List<String>> reasonsById = reasonsById(spark, settings, "review_id");
    assertEquals(Map.of("r2", List.of("RATING_OUT_OF_RANGE"), "r3", List.of("INVALID_COUNT"),
        "r4", List.of("TS_BEFORE_FLOOR"), "r5", List.of("UNPARSABLE_BOOLEAN")), reasonsById);
  }

  @Test
  void rowsAfterTheAsOfDateAreDeferredToTheRunThatCoversThem(SparkSession spark, @TempDir Path dir) throws IOException {
    Path input = write(dir, "tx.csv", String.join("\n",
        "transaction_id,customer_ref,ts,amount,channel",
        "t1,L1,2024-06-30 23:59:59,10.00,store",
        "t2,L1,2024-07-01 00:00:00,11.00,store",
        "t3,L2,2024-07-20 10:00:00,12.00,web",
        "t4,L2,2024-08-20 10:00:00,13.00,web",
        "t5,L2,2099-01-01 10:00:00,14.00,web") + "\n");
    CentraalSettings settings = settings(dir, input, 0.5);
    LocalDate ingestDay = LocalDate.parse("2024-08-31");

    Ingestion.SourceOutcome june = Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT, CTX, ingestDay);
    assertEquals(List.of(5L, 1L, 1L, 3L), List.of(june.read(), june.accepted(), june.quarantined(), june.deferred()),
        "read = accepted + quarantined + deferred; only the impossible 2099 row is bad: " + june);
    assertEquals(Map.of("TS_IN_FUTURE", 1L), june.reasons());

    RunContext july = new RunContext(LocalDate.parse("2024-07-31"), "run-july", "test");
    Ingestion.SourceOutcome later = Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT, july, ingestDay);
    assertEquals(List.of(3L, 1L, 2L), List.of(later.accepted(), later.deferred(), later.inserted()),
        "the July run takes the two deferred July rows; August stays deferred: " + later);
    List<String> ids = DeltaTables.read(spark, settings.paths().bronze("transactions"))
        .orderBy("transaction_id").select("transaction_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(List.of("t1", "t2", "t3"), ids);
  }

  @Test
  void extraColumnsAreIgnoredOrKeptByConfig(SparkSession spark, @TempDir Path dir) throws IOException {
    Path input = write(dir, "tx.csv", "transaction_id,customer_ref,ts,amount,channel,Till,Cashier\n"
        + "t1,L1,2024-01-05 10:00:00,10.50,store,T7,anna\n");
    Ingestion.SourceOutcome ignored = Ingestion.ingest(spark, settings(dir.resolve("a"), input, 0.1),
        SourceContracts.TRANSACTIONS_CONTRACT, CTX);
    assertEquals(List.of("Till", "Cashier"), ignored.extraColumns());
    assertTrue(!List.of(DeltaTables.read(spark, dir.resolve("a/data/bronze/transactions").toString()).columns())
        .contains(LogColumns.EXTRA_COLUMNS));

    CentraalSettings keep = TestSettings.withDataDir(dir.resolve("b/data"), Map.of(
        "sources.transactions.path", input.toString(), "ingest.extra-columns", "keep"));
    Ingestion.ingest(spark, keep, SourceContracts.TRANSACTIONS_CONTRACT, CTX);
    Row row = DeltaTables.read(spark, keep.paths().bronze("transactions")).first();
    assertEquals(Map.of("Till", "T7", "Cashier", "anna"),
        row.<String, String>getJavaMap(row.fieldIndex(LogColumns.EXTRA_COLUMNS)));
  }

  @Test
  void tooManyRejectsFailTheRun(SparkSession spark, @TempDir Path dir) throws IOException {
    Path input = write(dir, "tx.csv", TRANSACTIONS_CSV);
    DataQualityGateException e = assertThrows(DataQualityGateException.class,
        () -> Ingestion.ingest(spark, settings(dir, input, 0.1), SourceContracts.TRANSACTIONS_CONTRACT, CTX));
    assertTrue(e.getMessage().contains("9 of 13 rows"), e.getMessage());
    assertTrue(!DeltaTables.exists(spark, dir.resolve("data/bronze/transactions").toString()),
        "nothing reaches bronze when the gate fails");
  }

  /**
   * A European export (semicolons, decimal commas): read as such with decimal-separator = ",", and
   * when that is not set the gate's message shows the first rejected value and names the setting.
   */
  @Test
  void decimalCommasAreReadWhenConfiguredAndNamedWhenNot(SparkSession spark, @TempDir Path dir) throws IOException {
    Path input = write(dir, "tx.csv", String.join("\n",
        "transaction_id;customer_ref;ts;amount;channel;currency",
        "t1;L1;2024-01-05 10:00:00;12,50;store;EUR",
        "t2;L1;2024-02-05 10:00:00;1.234,56;store;EUR",
        "t3;L2;2024-02-06 10:00:00;-3,00;store;EUR",
        "t4;L2;2024-02-07 10:00:00;1 234,5;store;EUR",
        "t5;L3;2024-02-08 10:00:00;7;store;EUR",
        "t6;L3;2024-02-09 10:00:00;1,234.56;store;EUR") + "\n");
    Map<String, String> european = Map.of("sources.transactions.path", input.toString(),
        "sources.transactions.options.sep", ";", "ingest.max-reject-share", "0.2");

    DataQualityGateException e = assertThrows(DataQualityGateException.class, () -> Ingestion.ingest(spark,
        TestSettings.withDataDir(dir.resolve("a"), european), SourceContracts.TRANSACTIONS_CONTRACT, CTX));
    assertTrue(e.getMessage().contains("5 of 6 rows"), e.getMessage());
    assertTrue(e.getMessage().contains(input.getFileName().toString() + ": UNPARSABLE_NUMBER in amount ('"),
        e.getMessage());
    assertTrue(e.getMessage().contains("set centraal.sources.transactions.decimal-separator = \",\""), e.getMessage());

    Map<String, String> withComma = new java.util.HashMap<>(european);
    withComma.put("sources.transactions.decimal-separator", ",");
    CentraalSettings settings = TestSettings.withDataDir(dir.resolve("b"), withComma);
    Ingestion.SourceOutcome outcome = Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT, CTX);
    assertEquals(1, outcome.quarantined(), "1,234.56 is not a number written with a decimal comma");
    Map<String, Double> amounts = new java.util.TreeMap<>();
    DeltaTables.read(spark, settings.paths().bronze("transactions")).collectAsList()
        .forEach(r -> amounts.put(r.getAs("transaction_id"), r.<Double>getAs("amount")));
    assertEquals(Map.of("t1", 12.5, "t2", 1234.56, "t3", -3.0, "t4", 1234.5, "t5", 7.0), amounts);
  }

  /** Dates exported day first and read month first: the gate's message names the pattern that reads them. */
  @Test
  void datesWithDayAndMonthSwappedAreNamed(SparkSession spark, @TempDir Path dir) throws IOException {
    Path input = write(dir, "tx.csv", String.join("\n",
        "transaction_id,customer_ref,ts,amount,channel,currency",
        "t1,L1,05/03/2024,12.50,store,EUR",
        "t2,L1,13/03/2024,3.00,store,EUR",
        "t3,L2,25/04/2024,7.00,store,EUR") + "\n");
    DataQualityGateException e = assertThrows(DataQualityGateException.class, () -> Ingestion.ingest(spark,
        TestSettings.withDataDir(dir.resolve("data"), Map.of("sources.transactions.path", input.toString(),
            "sources.transactions.timestamp-format", "MM/dd/yyyy")), SourceContracts.TRANSACTIONS_CONTRACT, CTX));
    assertTrue(e.getMessage().contains("2 of 3 rows") && e.getMessage().contains("UNPARSABLE_TIMESTAMP in ts ('"),
        e.getMessage());
    assertTrue(e.getMessage().contains("day and month the other way round? these values read with"
        + " centraal.sources.transactions.timestamp-format = \"dd/MM/yyyy\""), e.getMessage());
  }

  @Test
  void aTimeHintOnlyWhereASettingWouldReadTheValues() {
    org.apache.spark.sql.types.StructType error = new org.apache.spark.sql.types.StructType()
        .add("rule", "string").add("column", "string").add("value", "string");
    java.util.function.Function<String, Row> bad = v -> new org.apache.spark.sql.catalyst.expressions
        .GenericRowWithSchema(new Object[] {"UNPARSABLE_TIMESTAMP", "ts", v}, error);
    assertEquals("", Ingestion.timestampHint(List.of(bad.apply("2024-13-45")), "yyyy-MM-dd", "s"),
        "swapped it does not parse either");
    assertTrue(Ingestion.timestampHint(List.of(bad.apply("05.03.2024")), "", "s").contains("s.timestamp-format"));
    assertEquals("", Ingestion.timestampHint(List.of(bad.apply("13/03/2024")), "yyyy", "s"));
  }

  /** Walk-in sales under a placeholder customer id are anonymous sales, not one giant customer. */
  @Test
  void placeholderCustomerIdsAreNoCustomer(SparkSession spark, @TempDir Path dir) throws IOException {
    Path input = write(dir, "tx.csv", String.join("\n",
        "transaction_id,customer_ref,ts,amount,channel,currency",
        "t1,L1,2024-01-05 10:00:00,12.50,store,EUR",
        "t2,0,2024-01-05 11:00:00,3.00,store,EUR",
        "t3,0000000000,2024-01-05 12:00:00,4.00,store,EUR",
        "t4,UNKNOWN,2024-01-06 10:00:00,5.00,store,EUR",
        "t5, Guest ,2024-01-06 11:00:00,6.00,store,EUR",
        "t6,,2024-01-06 12:00:00,7.00,store,EUR",
        "t7,L10,2024-01-07 10:00:00,8.00,store,EUR") + "\n");
    CentraalSettings settings = settings(dir, input, 0.1);
    Ingestion.SourceOutcome outcome = Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT, CTX);
    assertEquals(0, outcome.quarantined());
    assertEquals(5, outcome.anonymous(), "0, zeros, UNKNOWN, Guest and the empty one");
    Map<String, String> refs = new java.util.TreeMap<>();
    DeltaTables.read(spark, settings.paths().bronze("transactions")).collectAsList()
        .forEach(r -> refs.put(r.getAs("transaction_id"), r.getAs("customer_ref")));
    assertEquals("L1", refs.get("t1"));
    assertEquals("L10", refs.get("t7"), "a reference with zeros in it is a reference");
    assertEquals(java.util.Arrays.asList(null, null, null, null, null),
        java.util.stream.Stream.of("t2", "t3", "t4", "t5", "t6").map(refs::get).toList());
  }

  @Test
  void missingRequiredColumnNamesFileAndColumn(SparkSession spark, @TempDir Path dir) throws IOException {
    Path input = write(dir, "tx.csv", "transaction_id,customer_ref,ts,channel\nt1,L1,2024-01-05 10:00:00,store\n");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> Ingestion.ingest(spark, settings(dir, input, 0.1), SourceContracts.TRANSACTIONS_CONTRACT, CTX));
    assertTrue(e.getMessage().contains("'amount'") && e.getMessage().contains(input.toString()), e.getMessage());
  }

  @Test
  void missingPathIsAClearError(SparkSession spark, @TempDir Path dir) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> Ingestion.ingest(spark, settings(dir, dir.resolve("nope"), 0.1), SourceContracts.TRANSACTIONS_CONTRACT, CTX));
    assertTrue(e.getMessage().contains("no file or directory"), e.getMessage());
  }
}
