package io.centraal.scoring.io;

import io.centraal.scoring.run.OutOfResources;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;

/**
 * A source's input files as listed before they are read: their sizes (what a run weighs against the
 * free disk) and whether Spark can split them across its cores.
 */
public final class InputFiles {
  private InputFiles() {}

  /** One input file and its size in bytes. */
  public record InputFile(String path, long bytes) {}

  /**
   * Compressions whose streams Hadoop cannot split, by file suffix (bzip2, {@code .bz2}, splits).
   * Parquet compresses inside the file and splits by row group, so only text formats are concerned.
   */
  private static final Map<String, String> UNSPLITTABLE = Map.of(".gz", "gzip", ".zst", "zstd", ".lz4", "lz4",
      ".snappy", "snappy", ".deflate", "deflate");
  private static final List<String> TEXT_FORMATS = List.of("csv", "json", "whitespace");

  /**
   * Every file the source's path or glob names, directories walked; empty when the path cannot be
   * listed (reading it then says why).
   */
  public static List<InputFile> of(SparkSession spark, SourceSettings source) {
    List<InputFile> files = new ArrayList<>();
    try {
      Path path = new Path(source.path());
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] matches = fs.globStatus(path);
      for (FileStatus match : matches == null ? new FileStatus[0] : matches) {
        if (match.isFile()) {
          files.add(new InputFile(match.getPath().toString(), match.getLen()));
          continue;
        }
        RemoteIterator<LocatedFileStatus> inside = fs.listFiles(match.getPath(), true);
        while (inside.hasNext()) {
          LocatedFileStatus f = inside.next();
          String name = f.getPath().getName();
          // As Spark lists a directory: "_SUCCESS", ".crc" files and the like are not data.
          if (!name.startsWith("_") && !name.startsWith(".")) {
            files.add(new InputFile(f.getPath().toString(), f.getLen()));
          }
        }
      }
      return files;
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** The files' bytes together. */
  public static long bytes(List<InputFile> files) {
    return files.stream().mapToLong(InputFile::bytes).sum();
  }

  /**
   * One warning per text file of more than {@code minBytes} in a compression Spark cannot split: one
   * task reads and parses it from start to end while the other cores wait, and what follows the
   * read keeps its single partition (a 3 GB gzip export of the clickstream is one task for the whole
   * validation).
   */
  public static List<String> unsplittable(SourceSettings source, List<InputFile> files, long minBytes) {
    if (!TEXT_FORMATS.contains(source.format())) {
      return List.of();
    }
    List<String> warnings = new ArrayList<>();
    for (InputFile file : files) {
      String name = file.path().toLowerCase(Locale.ROOT);
      UNSPLITTABLE.forEach((suffix, codec) -> {
        if (name.endsWith(suffix) && file.bytes() > minBytes) {
          warnings.add("source '" + source.name() + "': " + file.path() + " (" + OutOfResources.size(file.bytes())
              + ", " + codec + ") cannot be split: one task reads all of it while the other cores wait. Several"
              + " smaller files, bzip2 or no compression are read in parallel");
        }
      });
    }
    return warnings;
  }
}
