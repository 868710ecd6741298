package io.centraal.scoring.privacy.enforcement;

import io.centraal.scoring.privacy.PersonalData;
import io.centraal.scoring.schema.BronzeSchema;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.testing.SparkExtension;
import io.centraal.scoring.testing.TestSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
class RetentionTest {
  @Test
  void clickstreamOlderThanTheRetentionIsDeletedAndVacuumed(SparkSession spark, @TempDir Path dir) throws IOException {
    CentraalSettings settings = TestSettings.withDataDir(dir, Map.of(
        "privacy.clickstream-retention-months", "13", "privacy.retention-vacuum-hours", "0"));
    String path = settings.paths().bronze(SourceContracts.CLICKSTREAM);
    List<Row> rows = List.of(
        event("old", "2023-05-31T23:59:59Z", "c-oldvisitor01"),
        event("edge", "2023-06-01T00:00:00Z", "c-edgevisitor1"),
        event("new", "2024-06-01T10:00:00Z", "c-newvisitor01"));
    // Created as ingest creates it: no statistics on text, so no cookie in the transaction log.
    DeltaTables.ensureTable(spark, path, BronzeSchema.of(SourceContracts.CLICKSTREAM_CONTRACT), List.of(),
        PersonalData.bronzeTableProperties(SourceContracts.CLICKSTREAM_CONTRACT));
    DeltaTables.append(spark.createDataFrame(rows, BronzeSchema.of(SourceContracts.CLICKSTREAM_CONTRACT)), path);

    LocalDate asOf = LocalDate.parse("2024-07-01");
    assertEquals(1, Retention.enforceClickstream(spark, settings, asOf), "before 2023-06-01 00:00 UTC goes");
    assertEquals(List.of("edge", "new"), DeltaTables.read(spark, path).select("event_id").orderBy("event_id")
        .collectAsList().stream().map(r -> r.getString(0)).toList());
    assertEquals(0, Retention.enforceClickstream(spark, settings, asOf), "a second run deletes nothing");
    // Every file: data files (vacuumed) and the transaction log (statistics, checkpoints, predicates).
    List<Path> all;
    try (Stream<Path> files = Files.walk(Path.of(path))) {
      all = files.filter(Files::isRegularFile).toList();
    }
    assertTrue(all.stream().anyMatch(f -> f.toString().contains("_delta_log") && f.toString().endsWith(".json")),
        "the transaction log is searched too: " + all);
    for (Path f : all) {
      assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("c-oldvisitor01"),
          "the deleted visitor is gone from " + f);
    }
  }

  private static Row event(String id, String ts, String cookie) {
    return RowFactory.create(id, Timestamp.from(java.time.Instant.parse(ts)), "page_view", null, cookie, "s-" + id,
        null, null, "f.json", "run-1", java.sql.Date.valueOf("2024-07-01"));
  }
}
