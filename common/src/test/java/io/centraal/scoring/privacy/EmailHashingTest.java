package io.centraal.scoring.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.run.InvalidConfigException;
import io.centraal.scoring.ingest.Ingestion;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.testing.SparkExtension;
import io.centraal.scoring.testing.TestSettings;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** E-mail references are replaced by their keyed hash before anything reaches bronze. */
@ExtendWith(SparkExtension.class)
class EmailHashingTest {
  private static final RunContext CTX = new RunContext(LocalDate.parse("2024-06-30"), "run-1", "test");
  /** Surefire sets this variable (pom.xml); the test recomputes the hashes with the same key. */
  private static final KeyedHash KEY = KeyedHash.fromEnvironment("CENTRAAL_EMAIL_HASH_KEY", "tests");

  @Test
  void identityLinksAndConsentCarryOnlyHashedEmails(SparkSession spark, @TempDir Path dir) throws IOException {
    Path links = write(dir, "links.csv", String.join("\n", "ref_a,ref_b,link_type",
        "U1, Jan.Jansen@Example.NL ,account_email",
        "U2,e-0000aaaa,account_email",
        "L1,U1,card_account",
        "U2,piet@example.nl,other") + "\n");
    Path consent = write(dir, "consent.csv", String.join("\n", "customer_ref,profiling_allowed,marketing_allowed,updated_ts",
        "jan.jansen@example.nl,true,true,2024-05-01T10:00:00Z",
        "L1,false,false,2024-05-02T10:00:00Z") + "\n");
    CentraalSettings settings = TestSettings.withDataDir(dir.resolve("data"), Map.of(
        "sources.identity_links.path", links.toString(), "sources.consent.path", consent.toString()));

    Ingestion.ingest(spark, settings, SourceContracts.IDENTITY_LINKS_CONTRACT, CTX);
    Ingestion.ingest(spark, settings, SourceContracts.CONSENT_CONTRACT, CTX);

    String jan = KEY.hex("jan.jansen@example.nl");
    Set<List<String>> bronzeLinks = DeltaTables.read(spark, settings.paths().bronze(SourceContracts.IDENTITY_LINKS))
        .select("ref_a", "ref_b").collectAsList().stream()
        .map(r -> List.of(r.getString(0), r.getString(1))).collect(Collectors.toSet());
    assertEquals(Set.of(List.of("U1", jan), List.of("U2", KEY.hex("e-0000aaaa")), List.of("L1", "U1"),
        List.of("U2", KEY.hex("piet@example.nl"))), bronzeLinks,
        "addresses are trimmed, lower-cased and hashed; an e-mail link type hashes an opaque id; cards stay");
    List<String> consentRefs = DeltaTables.read(spark, settings.paths().bronze(SourceContracts.CONSENT))
        .select("customer_ref").collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
    assertEquals(List.of("L1", jan).stream().sorted().toList(), consentRefs,
        "the same address in another source hashes to the same reference, so identity links them");

    // The addresses are nowhere in the bronze files, and the tables keep no min/max statistics on text.
    try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String bytes = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase();
        assertFalse(bytes.contains("example.nl"), "an address in " + f);
      }
    }
    Map<String, String> properties = DeltaTable.forPath(spark, settings.paths().bronze(SourceContracts.IDENTITY_LINKS))
        .detail().select("properties").first().getJavaMap(0);
    assertEquals("_ingest_as_of_date", properties.get(PersonalData.STATS_COLUMNS_PROPERTY));
  }

  @Test
  void aSourceWithEmailsAndNoKeyStopsNamingTheVariable(SparkSession spark, @TempDir Path dir) {
    CentraalSettings settings = TestSettings.withDataDir(dir, Map.of(
        "privacy.email-hash-key-env", "CENTRAAL_TEST_KEY_THAT_IS_NOT_SET"));
    List<Row> rows = List.of(org.apache.spark.sql.RowFactory.create("a@b.nl", true, true, null));
    var df = spark.createDataFrame(rows, SourceContracts.CONSENT_CONTRACT.schema());
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> EmailHashing.apply(df,
        SourceContracts.CONSENT_CONTRACT, settings.privacy(), () -> HashKeys.emailHash(settings.privacy())));
    assertTrue(e.getMessage().contains("CENTRAAL_TEST_KEY_THAT_IS_NOT_SET")
        && e.getMessage().contains("consent"), e.getMessage());

    // Without e-mails no key is needed (e.g. CDNOW), and the demo falls back to a random key.
    var cards = spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("L1", true, true, null)),
        SourceContracts.CONSENT_CONTRACT.schema());
    assertEquals("L1", EmailHashing.apply(cards, SourceContracts.CONSENT_CONTRACT, settings.privacy(),
        () -> HashKeys.emailHash(settings.privacy())).first().getString(0));
    CentraalSettings demo = TestSettings.withDataDir(dir, Map.of(
        "privacy.email-hash-key-env", "CENTRAAL_TEST_KEY_THAT_IS_NOT_SET", "privacy.ephemeral-keys", "true"));
    String hashed = EmailHashing.apply(df, SourceContracts.CONSENT_CONTRACT, demo.privacy(),
        () -> HashKeys.emailHash(demo.privacy())).first().getString(0);
    assertTrue(hashed.matches("[0-9a-f]{64}"), hashed);
  }

  private static Path write(Path dir, String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }
}
