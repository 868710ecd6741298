package io.centraal.scoring.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.testing.SparkExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Same spec and seed give the same bytes whatever the partitioning; another seed gives other data. */
@ExtendWith(SparkExtension.class)
class DemoDeterminismTest {

  private static DemoSpec spec(long seed, int partitions) {
    return DemoFixtures.spec(Map.of("customers", 200, "seed", seed, "partitions", partitions,
        "bad-row-rate", 0.02, "sessions-per-purchase", 0.5, "influencers.share", 0.02));
  }

  @Test
  void sameSeedSameContentIndependentOfPartitions(SparkSession spark, @TempDir Path dir) {
    DemoDataGenerator generator = new DemoDataGenerator();
    GeneratedData one = generator.generate(spark, spec(7, 1), dir.resolve("one").toString());
    GeneratedData three = generator.generate(spark, spec(7, 3), dir.resolve("three").toString());

    assertEquals(1, partFiles(Path.of(one.paths().get(DemoTables.TRANSACTIONS))).size());
    assertEquals(3, partFiles(Path.of(three.paths().get(DemoTables.TRANSACTIONS))).size());
    assertEquals(one.rowCounts(), three.rowCounts());
    assertEquals(one.badRows(), three.badRows());
    for (String table : DemoTables.ALL) {
      List<String> a = content(spark, one, table);
      List<String> b = content(spark, three, table);
      assertFalse(a.isEmpty(), table + " is empty");
      assertEquals(a.size(), b.size(), table + ": row count differs between 1 and 3 partitions");
      for (int i = 0; i < a.size(); i++) {
        assertEquals(a.get(i), b.get(i), table + ": sorted row " + i + " differs between 1 and 3 partitions");
      }
    }
    assertTrue(one.badRows(DemoTables.TRANSACTIONS) > 0, "the spec plants bad transaction rows");
  }

  /** The per-person generators Spark runs: the same seed repeats every row, another seed changes every table. */
  @Test
  void anotherSeedGivesOtherDataInEveryTable() {
    Map<String, List<String>> seven = personRows(spec(7, 1));
    Map<String, List<String>> again = personRows(spec(7, 2));
    Map<String, List<String>> eight = personRows(spec(8, 1));
    assertEquals(seven, again);
    for (String table : seven.keySet()) {
      assertFalse(seven.get(table).isEmpty(), table);
      assertNotEquals(seven.get(table), eight.get(table), table + ": seed 8 gives the rows of seed 7");
    }
  }

  private static Map<String, List<String>> personRows(DemoSpec spec) {
    DemoPopulation pop = new DemoPopulation(spec);
    Map<String, List<String>> rows = new java.util.TreeMap<>();
    for (long i = 0; i < 60; i++) {
      DemoPerson p = DemoPerson.simulate(pop, i);
      add(rows, DemoTables.TRANSACTIONS, new DemoTransactions(pop).rows(p));
      add(rows, DemoTables.CLICKSTREAM, new DemoClickstream(pop).rows(p));
      add(rows, DemoTables.REVIEWS, new DemoReviews(pop).rows(p));
      add(rows, DemoTables.IDENTITY_LINKS, new DemoSocial.IdentityLinks(pop).rows(p));
      add(rows, DemoTables.FOLLOWS, new DemoSocial.Follows(pop).rows(p));
      add(rows, DemoTables.AUDIENCE, new DemoSocial.Audience(pop).rows(p));
      add(rows, DemoTables.CONSENT, new DemoConsent(pop).rows(p));
      new DemoTruth(pop).call(i).forEachRemaining(r -> add(rows, DemoTables.TRUTH, List.of(r)));
    }
    return rows;
  }

  private static void add(Map<String, List<String>> rows, String table, List<Row> generated) {
    List<String> list = rows.computeIfAbsent(table, t -> new ArrayList<>());
    generated.forEach(r -> list.add(r.toString()));
  }

  /** Text tables: the sorted lines of all part files without headers (byte content); truth: sorted rows. */
  private static List<String> content(SparkSession spark, GeneratedData data, String table) {
    Path path = Path.of(data.paths().get(table));
    if (table.equals(DemoTables.TRUTH)) {
      return spark.read().parquet(path.toString()).collectAsList().stream()
          .map(Row::toString).sorted().collect(Collectors.toList());
    }
    boolean csv = !table.equals(DemoTables.CLICKSTREAM) && !table.equals(DemoTables.REVIEWS);
    List<String> lines = new ArrayList<>();
    for (Path file : partFiles(path)) {
      try {
        List<String> fileLines = Files.readAllLines(file, StandardCharsets.UTF_8);
        lines.addAll(csv && !fileLines.isEmpty() ? fileLines.subList(1, fileLines.size()) : fileLines);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    lines.sort(null);
    return lines;
  }

  static List<Path> partFiles(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
