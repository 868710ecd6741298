package io.centraal.scoring.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.testing.SparkExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A source's files as listed before reading, and the ones Spark would read in a single task. */
@ExtendWith(SparkExtension.class)
class InputFilesTest {
  private static SourceSettings source(String format, String path) {
    return new SourceSettings("clickstream", true, format, path, Map.of(), Map.of(), Map.of(), Map.of(), "", "", '.');
  }

  private static final String LINES = "event_id,customer_ref,ts\n" + "e1,c1,2024-01-01T00:00:00Z\n".repeat(2000);

  @Test
  void listsGlobsAndDirectoriesWithTheirSizes(SparkSession spark, @TempDir Path dir) throws IOException {
    Path a = Files.writeString(dir.resolve("a.csv"), LINES);
    Path nested = Files.createDirectories(dir.resolve("part/day=1"));
    Path b = Files.writeString(nested.resolve("b.csv"), "x\n");
    Files.writeString(nested.resolve("_SUCCESS"), "not data");
    Files.writeString(nested.resolve(".b.csv.crc"), "not data either");
    List<InputFiles.InputFile> globbed = InputFiles.of(spark, source("csv", dir + "/*.csv"));
    assertEquals(1, globbed.size());
    assertEquals(Files.size(a), globbed.get(0).bytes());
    List<InputFiles.InputFile> walked = InputFiles.of(spark, source("csv", dir.toString()));
    assertEquals(Files.size(a) + Files.size(b), InputFiles.bytes(walked), "a directory is walked, nested ones too");
    assertEquals(List.of(), InputFiles.of(spark, source("csv", dir + "/missing/*.csv")));
  }

  @Test
  void aLargeGzipTextFileIsNamedAsOneTaskAndSplittableOnesAreNot(SparkSession spark, @TempDir Path dir)
      throws IOException {
    Path gz = dir.resolve("clicks.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(LINES.getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(dir.resolve("clicks.csv.bz2"), LINES); // bzip2 splits (the content does not matter here)
    Files.writeString(dir.resolve("clicks.csv"), LINES);
    Files.writeString(dir.resolve("small.csv.gz"), "x"); // smaller than a split: nothing lost
    long split = Files.size(gz) - 1;

    List<String> warnings = InputFiles.unsplittable(source("csv", dir.toString()),
        InputFiles.of(spark, source("csv", dir.toString())), split);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("clicks.csv.gz") && warnings.get(0).contains("gzip) cannot be split"),
        warnings.get(0));
    assertEquals(List.of(), InputFiles.unsplittable(source("csv", dir.toString()),
        InputFiles.of(spark, source("csv", dir.toString())), Files.size(gz)), "a file that fits one split");
    assertEquals(List.of(), InputFiles.unsplittable(source("parquet", dir.toString()),
        InputFiles.of(spark, source("parquet", dir.toString())), split), "Parquet splits by row group");
  }

  /** A Windows-1252 export is named with its line and byte, unless the source says its encoding. */
  @Test
  void aFileThatIsNotUtf8IsNamedWithItsLine(SparkSession spark, @TempDir Path dir) throws IOException {
    String text = "transaction_id,customer_ref,ts,amount\nt1,L1,2024-01-05,1.00\nt2,Caf\u00e9 Nord,2024-01-06,2.00\n";
    Path windows = Files.write(dir.resolve("latin.csv"), text.getBytes(java.nio.charset.Charset.forName("windows-1252")));
    Path gz = dir.resolve("latin.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(text.getBytes(java.nio.charset.Charset.forName("windows-1252")));
    }
    Files.write(dir.resolve("utf8.csv"), text.getBytes(StandardCharsets.UTF_8));

    SourceSettings csv = source("csv", dir.toString());
    List<String> warnings = InputFiles.notUtf8(spark, csv, InputFiles.of(spark, csv));
    assertEquals(2, warnings.size(), warnings.toString());
    for (String w : warnings) {
      assertTrue(w.contains("is not UTF-8 (line 3 has the byte 0xE9") && w.contains(".options.encoding"), w);
    }
    assertTrue(warnings.stream().anyMatch(w -> w.contains(windows.toString())), warnings.toString());
    assertTrue(warnings.stream().anyMatch(w -> w.contains(gz.toString())), "read through its codec: " + warnings);

    SourceSettings declared = new SourceSettings("clickstream", true, "csv", dir.toString(),
        Map.of("encoding", "windows-1252"), Map.of(), Map.of(), Map.of(), "", "", '.');
    assertEquals(List.of(), InputFiles.notUtf8(spark, declared, InputFiles.of(spark, declared)));
  }

  /** A multi-byte letter cut by the end of the sample is not an error; one cut by the end of the file is. */
  @Test
  void aLetterCutByTheSampleIsNotAnError() {
    byte[] cut = "ab\u00e9".getBytes(StandardCharsets.UTF_8);
    byte[] head = java.util.Arrays.copyOf(cut, cut.length - 1);
    assertEquals(java.util.Optional.empty(), InputFiles.firstInvalidUtf8(head, true));
    assertEquals(java.util.Optional.of(2), InputFiles.firstInvalidUtf8(head, false));
    assertEquals(java.util.Optional.empty(), InputFiles.firstInvalidUtf8(cut, false));
  }
}
