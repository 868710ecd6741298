package io.centraal.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.testing.SparkExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench clv}'s input: one file or part files hold the same lines, and both read modes give the same summary. */
@ExtendWith(SparkExtension.class)
class BenchClvTest {

  @Test
  void partFilesReadInMultiLineModeGiveTheSummaryOfTheSingleFile(SparkSession spark, @TempDir Path dir)
      throws IOException {
    Path single = dir.resolve("one.csv");
    Path parts = dir.resolve("parts");
    long lines = BenchClv.generate(single, 2_000, 7, 1);
    assertEquals(lines, BenchClv.generate(parts, 2_000, 7, 3), "the same lines, split into files");
    try (Stream<Path> files = Files.list(parts)) {
      assertEquals(List.of("part-00000.csv", "part-00001.csv", "part-00002.csv"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals(Files.size(single) + 2 * "customer_id,date,amount\n".length(), BenchClv.inputBytes(parts),
        "every part repeats the header");

    List<Row> fromFile = BenchClv.summary(spark, single.toString(), false).orderBy(FeatureColumns.CUSTOMER_KEY)
        .collectAsList();
    List<Row> fromParts = BenchClv.summary(spark, parts.toString(), true).orderBy(FeatureColumns.CUSTOMER_KEY)
        .collectAsList();
    assertEquals(2_000, fromFile.size());
    assertEquals(fromFile, fromParts);
  }

  @Test
  void unparsableOrMissingDateStopsTheRead(SparkSession spark, @TempDir Path dir) throws IOException {
    for (String bad : List.of("2024-13-45", "")) {
      Path csv = dir.resolve("bad" + bad.length() + ".csv");
      Files.writeString(csv, "customer_id,date,amount\n1,2024-01-05,10.0\n2," + bad + ",12.5\n");
      Exception e = assertThrows(Exception.class, () -> BenchClv.summary(spark, csv.toString(), false).count());
      String messages = Stream.iterate((Throwable) e, t -> t != null, Throwable::getCause)
          .map(String::valueOf).reduce("", String::concat);
      assertTrue(messages.contains("bad date '" + bad + "' for customer_id 2"), messages);
    }
  }
}
