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
    return DemoFixtures.spec(Map.of("customers", 300, "seed", seed, "partitions", partitions,
        "bad-row-rate", 0.02, "sessions-per-purchase", 1.0, "influencers.share", 0.02));
  }

  @Test
  void sameSeedSameContentIndependentOfPartitions_otherSeedDiffers(SparkSession spark, @TempDir Path dir) {
    DemoDataGenerator generator = new DemoDataGenerator();
    GeneratedData one = generator.generate(spark, spec(7, 1), dir.resolve("one").toString());
    GeneratedData three = generator.generate(spark, spec(7, 3), dir.resolve("three").toString());
    GeneratedData other = generator.generate(spark, spec(8, 2), dir.resolve("other").toString());

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
      if (!table.equals(DemoTables.AUDIENCE)) {
        assertNotEquals(a, content(spark, other, table), table + ": seed 8 gives the same content as seed 7");
      }
    }
    assertTrue(one.badRows(DemoTables.TRANSACTIONS) > 0, "the spec plants bad transaction rows");
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
