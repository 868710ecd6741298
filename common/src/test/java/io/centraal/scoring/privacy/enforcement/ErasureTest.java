package io.centraal.scoring.privacy.enforcement;

import io.centraal.scoring.privacy.PersonalData;
import io.centraal.scoring.privacy.KeyedHash;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.export.MarketingDrop;
import io.centraal.scoring.identity.IdentityResolution;
import io.centraal.scoring.ingest.Ingestion;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.OutputSchemas;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erases a person with a card, an account, an e-mail and a cookie from ingested bronze tables,
 * the quarantine, the identity map, silver/gold tables keyed by customer and a marketing drop, then
 * searches every file under the data directory (bytes, and every Parquet file read by Spark,
 * transaction logs and old versions included) for them.
 */
@ExtendWith(SparkExtension.class)
class ErasureTest {
  private static final KeyedHash EMAIL = KeyedHash.fromEnvironment("CENTRAAL_EMAIL_HASH_KEY", "tests");
  private static final String CARD = "L77770001";
  private static final String ACCOUNT = "U88880001";
  private static final String MAIL = "jan.jansen@example.nl";
  private static final String COOKIE = "c-cafe0001cafe0001";
  private static final LocalDate AS_OF = LocalDate.parse("2024-06-30");

  /** The data directory of one test, with the erased person's customer key. */
  private record Fixture(CentraalSettings settings, Path data, long erasedKey) {}

  /**
   * Bronze tables ingested from raw files (with a quarantined line), the identity map, a silver
   * table and two dates of gold scores keyed by customer, a marketing drop and the leftover
   * temporary folder of a killed export: tables are created as the jobs create them.
   */
  private static Fixture fixture(SparkSession spark, Path dir) throws IOException {
    Path raw = Files.createDirectories(dir.resolve("raw"));
    Path data = dir.resolve("data");
    write(raw, "identity_links.csv", "ref_a,ref_b,link_type\n" + CARD + "," + ACCOUNT + ",card_account\n"
        + ACCOUNT + "," + MAIL + ",account_email\n" + COOKIE + "," + ACCOUNT + ",cookie_account\n"
        + "L77770002,U88880002,card_account\nU88880002,piet@example.nl,account_email\n");
    write(raw, "transactions.csv", "transaction_id,customer_ref,ts,amount,channel,store_id,quantity,margin,currency\n"
        + "t1," + CARD + ",2024-01-05 10:00:00,10.5,store,s1,1,3.0,EUR\n"
        + "t2," + CARD + ",2024-02-05 10:00:00,oops,store,s1,1,3.0,EUR\n"
        + "t3,L77770002,2024-02-06 10:00:00,20.0,store,s1,1,3.0,EUR\n"
        + "t4,U88880002,2024-03-06 10:00:00,30.0,web,,1,3.0,EUR\n");
    write(raw, "clickstream.json", String.join("\n",
        "{\"event_id\":\"e1\",\"ts\":\"2024-03-01T10:00:00Z\",\"event_type\":\"share\",\"user_ref\":\"" + ACCOUNT
            + "\",\"anonymous_id\":\"" + COOKIE + "\",\"session_id\":\"s1\"}",
        "{\"event_id\":\"e2\",\"ts\":\"2024-03-02T10:00:00Z\",\"event_type\":\"product_view\",\"anonymous_id\":\"c-visitor9\","
            + "\"session_id\":\"s2\",\"product_id\":\"P1\",\"referrer_ref\":\"" + ACCOUNT + "\"}",
        "{\"event_id\":\"e3\",\"ts\":\"2024-03-03T10:00:00Z\",\"event_type\":\"page_view\",\"user_ref\":\"U88880002\","
            + "\"anonymous_id\":\"c-other0002\",\"session_id\":\"s3\"}") + "\n");
    write(raw, "consent.csv", "customer_ref,profiling_allowed,marketing_allowed,updated_ts\n"
        + " Jan.Jansen@example.NL,true,true,2024-05-01T10:00:00Z\nL77770002,true,true,2024-05-01T10:00:00Z\n");
    CentraalSettings settings = TestSettings.withDataDir(data, Map.of(
        "sources.identity_links.path", raw.resolve("identity_links.csv").toString(),
        "sources.transactions.path", raw.resolve("transactions.csv").toString(),
        "sources.clickstream.path", raw.resolve("clickstream.json").toString(),
        "sources.consent.path", raw.resolve("consent.csv").toString(),
        "ingest.max-reject-share", "0.9"));
    RunContext ctx = new RunContext(AS_OF, "run-1", "test");
    for (SourceContract c : List.of(SourceContracts.IDENTITY_LINKS_CONTRACT, SourceContracts.TRANSACTIONS_CONTRACT,
        SourceContracts.CLICKSTREAM_CONTRACT, SourceContracts.CONSENT_CONTRACT)) {
      Ingestion.ingest(spark, settings, c, ctx);
    }

    // Identity map, a silver table and two dates of gold scores keyed by customer, a marketing drop.
    Dataset<Row> links = DeltaTables.read(spark, settings.paths().bronze(SourceContracts.IDENTITY_LINKS)).select("ref_a", "ref_b");
    Dataset<Row> refs = DeltaTables.read(spark, settings.paths().bronze(SourceContracts.TRANSACTIONS))
        .select(col("customer_ref").as(LogColumns.REF));
    String mapPath = settings.paths().silver(TableNames.IDENTITY_MAP);
    DeltaTables.ensureTable(spark, mapPath, OutputSchemas.IDENTITY_MAP, List.of(), PersonalData.identityMapTableProperties());
    IdentityResolution.resolve(spark, refs, links, spark.createDataFrame(List.of(), OutputSchemas.IDENTITY_MAP), AS_OF, 0)
        .write().format("delta").mode("overwrite").save(mapPath);
    Dataset<Row> map = DeltaTables.read(spark, mapPath);
    long erasedKey = map.where(col(LogColumns.REF).equalTo(CARD)).first().getLong(1);
    Dataset<Row> keys = map.select(FeatureColumns.CUSTOMER_KEY).distinct();
    assertEquals(2, keys.count());
    Dataset<Row> scores = keys.withColumn("clv_12m", col(FeatureColumns.CUSTOMER_KEY).multiply(10.5))
        .withColumn(FeatureColumns.MARKETING_ALLOWED, lit(true));
    DeltaTables.ensureTable(spark, settings.paths().gold(TableNames.CUSTOMER_SCORES),
        scores.withColumn(FeatureColumns.AS_OF_DATE, lit(java.sql.Date.valueOf("2024-05-31"))).schema(),
        List.of(FeatureColumns.AS_OF_DATE), Map.of());
    DeltaTables.ensureTable(spark, settings.paths().silver(TableNames.SCORES), scores.schema(), List.of(), Map.of());
    for (String date : List.of("2024-05-31", "2024-06-30")) {
      scores.withColumn(FeatureColumns.AS_OF_DATE, lit(java.sql.Date.valueOf(date)))
          .write().format("delta").mode("append").partitionBy(FeatureColumns.AS_OF_DATE)
          .save(settings.paths().gold(TableNames.CUSTOMER_SCORES));
    }
    scores.write().format("delta").mode("append").save(settings.paths().silver(TableNames.SCORES));
    String dropDir = settings.paths().exports(TableNames.MARKETING_DROP) + "/as_of_date=" + AS_OF;
    MarketingDrop.write(spark, MarketingDrop.rows(scores, List.of(FeatureColumns.CUSTOMER_KEY, "clv_12m")), dropDir,
        List.of("csv", "parquet"), "run-1", AS_OF);
    // The run report lists customer keys (top hidden influencers).
    Path report = Files.createDirectories(data.resolve("reports/as_of_date=" + AS_OF));
    Files.writeString(report.resolve("report.html"), "<table><tr><th>customer_key</th></tr><tr><td>" + erasedKey
        + "</td></tr></table>");
    // A killed export leaves its temporary folder behind, with everyone in it.
    MarketingDrop.write(spark, MarketingDrop.rows(scores, List.of(FeatureColumns.CUSTOMER_KEY, "clv_12m")),
        dropDir + "/_tmp_killed", List.of("csv"), "run-0");
    assertTrue(containsAnywhere(spark, data, Set.of(CARD, ACCOUNT, COOKIE, EMAIL.hex(MAIL)), erasedKey),
        "the search finds the person before erasure");
    return new Fixture(settings, data, erasedKey);
  }

  @Test
  void anErasedPersonIsNowhereUnderTheDataDirectoryAndOthersAreUntouched(SparkSession spark, @TempDir Path dir)
      throws IOException {
    Fixture f = fixture(spark, dir);
    CentraalSettings settings = f.settings();
    Path data = f.data();
    long erasedKey = f.erasedKey();
    List<Row> othersBefore = DeltaTables.read(spark, settings.paths().gold(TableNames.CUSTOMER_SCORES))
        .where(col(FeatureColumns.CUSTOMER_KEY).notEqual(erasedKey)).orderBy(FeatureColumns.AS_OF_DATE).collectAsList();

    // Erase by the e-mail address as the person wrote it.
    Erasure.Outcome first = Erasure.erase(spark, settings, "req-1", List.of(" JAN.jansen@example.nl"), List.of(), "test");
    assertEquals(1, first.customersFound());
    assertEquals(3, first.rowsRemoved().get("bronze/identity_links"), first.rowsRemoved().toString());
    assertEquals(1, first.rowsRemoved().get("bronze/transactions"));
    assertEquals(1, first.rowsRemoved().get("bronze/quarantine"), "the unparsable line of the card");
    assertEquals(2, first.rowsRemoved().get("bronze/clickstream"), "own event deleted, a referred visit blanked");
    assertEquals(2, first.rowsRemoved().get("gold/customer_scores"), "both dates");
    assertEquals(1, first.rowsRemoved().get("exports/marketing/as_of_date=" + AS_OF));
    assertTrue(Files.readString(data.resolve("exports/marketing/as_of_date=" + AS_OF + "/" + MarketingDrop.MANIFEST))
        .contains("\"as_of_date\":\"" + AS_OF + "\""), "the re-published drop's manifest keeps its date");

    assertTrue(!containsAnywhere(spark, data, Set.of(CARD, ACCOUNT, COOKIE, MAIL, EMAIL.hex(MAIL)), erasedKey),
        "nothing of the person is left under the data directory");
    List<Row> othersAfter = DeltaTables.read(spark, settings.paths().gold(TableNames.CUSTOMER_SCORES))
        .orderBy(FeatureColumns.AS_OF_DATE).collectAsList();
    assertEquals(othersBefore, othersAfter, "the other customers' scores are unchanged");
    assertEquals(2, DeltaTables.read(spark, settings.paths().bronze(SourceContracts.CLICKSTREAM)).count(),
        "the referred visitor's event stays, without the referrer");

    // Idempotent: nothing found, nothing committed, still audited.
    Erasure.Outcome second = Erasure.erase(spark, settings, "req-2", List.of(CARD), List.of(), "test");
    assertEquals(0, second.customersFound());
    assertEquals(0, second.totalRows());
    List<Row> audit = DeltaTables.read(spark, settings.paths().gold(TableNames.ERASURE_AUDIT)).orderBy("erased_at").collectAsList();
    assertEquals(List.of("req-1", "req-2"), audit.stream().map(r -> r.getString(0)).toList());
  }

  @Test
  void theQuarantineLosesLinesWithTheWholeReferenceOrTheEMailInAnyCaseAndKeepsOthers(SparkSession spark,
                                                                                     @TempDir Path dir) {
    CentraalSettings settings = TestSettings.withDataDir(dir.resolve("data"), Map.of());
    String path = settings.paths().bronze(TableNames.QUARANTINE);
    DeltaTables.ensureTable(spark, path, OutputSchemas.QUARANTINE, List.of(), PersonalData.quarantineTableProperties());
    java.sql.Date day = java.sql.Date.valueOf(AS_OF);
    List<String> lines = List.of("t1,12,2024-01-01,oops,store", "t2,123,2024-01-01,oops,store",
        "t3,512,2024-01-01,oops,store", "t4,x12y,2024-01-01,oops,store", "12,t5,2024-01-01,oops,store",
        "t6,JAN.Jansen@Example.NL,2024-01-01,oops,web", "t7,jan.jansen@example.nl.evil,2024-01-01,oops,web",
        "t8,piet@example.nl,2024-01-01,oops,web");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      rows.add(org.apache.spark.sql.RowFactory.create(day, "run-1", "transactions", "transactions.csv", (long) i + 2,
          lines.get(i), List.of("UNPARSABLE_AMOUNT"), null));
    }
    DeltaTables.append(spark.createDataFrame(rows, OutputSchemas.QUARANTINE), path);

    Erasure.erase(spark, settings, "req-q", List.of("12", MAIL), List.of(), "test");

    List<String> left = DeltaTables.read(spark, path).orderBy(LogColumns.SOURCE_LINE)
        .select(LogColumns.RAW_RECORD).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(List.of("t2,123,2024-01-01,oops,store", "t3,512,2024-01-01,oops,store",
        "t4,x12y,2024-01-01,oops,store", "t7,jan.jansen@example.nl.evil,2024-01-01,oops,web",
        "t8,piet@example.nl,2024-01-01,oops,web"), left,
        "reference 12 removes only lines where 12 is a whole field; the e-mail goes in any case");
  }

  @Test
  void aRequestThatFailsAtAnyStepIsFinishedByARetry(SparkSession spark, @TempDir Path dir) throws IOException {
    Fixture f = fixture(spark, dir);
    CentraalSettings settings = f.settings();
    Set<Long> external = new java.util.HashSet<>(Set.of(f.erasedKey(), f.erasedKey() + 1000));
    ErasureTarget crm = new ErasureTarget() {
      @Override
      public String name() {
        return "crm";
      }

      @Override
      public long erase(SparkSession s, Set<Long> keys, Set<String> refs) {
        long before = external.size();
        external.removeAll(keys);
        return before - external.size();
      }
    };
    // Each attempt fails just before one more step (bronze, gold, drops, the external store, the identity
    // map, VACUUM, the audit row, forgetting the request); the last attempt runs through. "record ..."
    // fails after a delete has committed but before its count is recorded, as a kill there would.
    List<String> failures = List.of("bronze/transactions", "gold/customer_scores", "record gold/customer_scores",
        "exports/marketing", "reports", "crm", "silver/identity_map", "vacuum", "audit", "done");
    List<String> reached = new ArrayList<>();
    for (String failAt : failures) {
      IllegalStateException injected = assertThrows(IllegalStateException.class,
          () -> Erasure.erase(spark, settings, "req-f", List.of(CARD), List.of(crm), "test", name -> {
            if (name.equals(failAt)) {
              throw new IllegalStateException("injected failure before " + name);
            }
          }));
      reached.add(injected.getMessage());
    }
    assertEquals(failures.size(), reached.size(), reached.toString());
    Erasure.Outcome done = Erasure.erase(spark, settings, "req-f", List.of(CARD), List.of(crm), "test");
    assertEquals(1, done.customersFound(), "the retries after the identity map went still know the customer");
    assertEquals(Set.of(f.erasedKey() + 1000), external, "the external store forgot the person, only them");
    assertEquals(2, done.rowsRemoved().get("gold/customer_scores"), "counts add up over the attempts");
    assertTrue(!containsAnywhere(spark, f.data(), Set.of(CARD, ACCOUNT, COOKIE, MAIL, EMAIL.hex(MAIL)), f.erasedKey()),
        "nothing of the person is left under the data directory after the retries");
    List<Row> audit = DeltaTables.read(spark, settings.paths().gold(TableNames.ERASURE_AUDIT)).collectAsList();
    assertEquals(List.of("req-f"), audit.stream().map(r -> r.getString(0)).toList(), "one audit row");
    assertTrue(!Files.exists(f.data().resolve(PendingErasures.DIR)), "no pending request left");
  }

  @Test
  void aTargetThatCannotEraseNowStopsTheRequestBeforeAnythingIsDeleted(SparkSession spark, @TempDir Path dir)
      throws IOException {
    Fixture f = fixture(spark, dir);
    CentraalSettings settings = f.settings();
    String transactions = settings.paths().bronze(SourceContracts.TRANSACTIONS);
    long versionBefore = DeltaTables.latestVersion(spark, transactions);
    ErasureTarget unreachable = new ErasureTarget() {
      @Override
      public String name() {
        return "jdbc:crm";
      }

      @Override
      public void check() {
        throw new io.centraal.scoring.run.ScoringException("cannot reach the JDBC export table crm");
      }

      @Override
      public long erase(SparkSession s, Set<Long> keys, Set<String> refs) {
        throw new AssertionError("not called after a failed check");
      }
    };
    assertThrows(io.centraal.scoring.run.ScoringException.class,
        () -> Erasure.erase(spark, settings, "req-c", List.of(CARD), List.of(unreachable), "test"));
    assertEquals(versionBefore, DeltaTables.latestVersion(spark, transactions), "nothing deleted");
    assertTrue(DeltaTables.read(spark, settings.paths().silver(TableNames.IDENTITY_MAP))
        .where(col(FeatureColumns.CUSTOMER_KEY).equalTo(f.erasedKey())).count() > 0, "the map still resolves them");

    // A drop with pseudonyms cannot be re-published without its key: checked before deleting too.
    CentraalSettings noKey = TestSettings.withDataDir(f.data(), Map.of("privacy.pseudonym-key-env",
        "CENTRAAL_TEST_KEY_THAT_IS_NOT_SET", "privacy.ephemeral-keys", "false"));
    String dropDir = settings.paths().exports(TableNames.MARKETING_DROP) + "/as_of_date=2024-05-31";
    MarketingDrop.write(spark, MarketingDrop.rows(DeltaTables.read(spark, settings.paths().silver(TableNames.SCORES)),
        List.of(FeatureColumns.CUSTOMER_KEY, "clv_12m"), KeyedHash.random()), dropDir, List.of("parquet"), "run-0");
    Exception missingKey = assertThrows(RuntimeException.class,
        () -> Erasure.erase(spark, noKey, "req-c", List.of(CARD), List.of(), "test"));
    assertTrue(missingKey.getMessage().contains("CENTRAAL_TEST_KEY_THAT_IS_NOT_SET"), missingKey.getMessage());
    assertEquals(versionBefore, DeltaTables.latestVersion(spark, transactions), "still nothing deleted");
  }

  /** Every file's bytes, and every Parquet file's string and key columns read back by Spark. */
  private static boolean containsAnywhere(SparkSession spark, Path data, Set<String> needles, long key) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(data)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    List<String> hits = new ArrayList<>();
    for (Path f : files) {
      String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).toLowerCase();
      needles.stream().filter(n -> bytes.contains(n.toLowerCase())).forEach(n -> hits.add(f + ": " + n));
      // The key as a JSON value: Delta statistics (min/max) in the transaction log, manifests, reports.
      if (java.util.regex.Pattern.compile("\\\\?\"" + FeatureColumns.CUSTOMER_KEY + "\\\\?\"\\s*:\\s*\"?" + key
          + "(?![0-9])").matcher(bytes).find()) {
        hits.add(f + ": \"customer_key\": " + key);
      }
      if (f.startsWith(data.resolve("reports"))) {
        hits.add(f + ": a report rendered before the erasure");
      }
      if (f.toString().endsWith(".parquet")) {
        // Every column as Spark casts it to text, read in one job per file (the files are small);
        // the search itself then runs over the collected values.
        Dataset<Row> rows = spark.read().parquet(f.toString());
        StructField[] fields = rows.schema().fields();
        List<org.apache.spark.sql.Column> asText = new ArrayList<>();
        for (StructField field : fields) {
          asText.add(col("`" + field.name() + "`").cast("string"));
        }
        List<Row> values = rows.select(asText.toArray(org.apache.spark.sql.Column[]::new)).collectAsList();
        for (int i = 0; i < fields.length; i++) {
          StructField field = fields[i];
          Set<String> found = new java.util.TreeSet<>();
          boolean keyFound = false;
          for (Row row : values) {
            if (row.isNullAt(i)) {
              continue;
            }
            String v = row.getString(i);
            String lower = v.toLowerCase(java.util.Locale.ROOT);
            needles.stream().filter(n -> lower.contains(n.toLowerCase(java.util.Locale.ROOT))).forEach(found::add);
            keyFound |= v.equals(Long.toString(key));
          }
          found.forEach(n -> hits.add(f + " column " + field.name() + ": " + n));
          if (field.name().equals(FeatureColumns.CUSTOMER_KEY) && keyFound) {
            hits.add(f + ": customer_key " + key);
          }
        }
      }
    }
    hits.forEach(System.out::println);
    return !hits.isEmpty();
  }

  private static void write(Path dir, String name, String content) throws IOException {
    Files.writeString(dir.resolve(name), content);
  }
}
