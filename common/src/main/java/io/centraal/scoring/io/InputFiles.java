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

  /** Bytes read from the start of each file by {@link #notUtf8}. */
  static final int ENCODING_SAMPLE_BYTES = 1 << 20;
  /** Files of one source read by {@link #notUtf8}: enough to meet an export's odd file, cheap on many. */
  static final int ENCODING_SAMPLE_FILES = 20;

  /**
   * A warning per CSV or JSON file that is not UTF-8 although the source reads it as UTF-8 (no
   * {@code encoding} option): Spark would read its accented letters as replacement characters,
   * silently, so "Café" and "Cafè" become one reference. The first {@value #ENCODING_SAMPLE_BYTES}
   * bytes of the first {@value #ENCODING_SAMPLE_FILES} files are decoded strictly (gzip and bzip2
   * through Hadoop's codecs; other compressions are not opened here); the warning names the line and
   * the byte. Exports from Windows tools are often Windows-1252.
   */
  public static List<String> notUtf8(SparkSession spark, SourceSettings source, List<InputFile> files) {
    if (!List.of("csv", "json").contains(source.format()) || !source.readsUtf8()) {
      return List.of();
    }
    org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
    org.apache.hadoop.io.compress.CompressionCodecFactory codecs =
        new org.apache.hadoop.io.compress.CompressionCodecFactory(conf);
    List<String> warnings = new ArrayList<>();
    for (InputFile file : files.subList(0, Math.min(files.size(), ENCODING_SAMPLE_FILES))) {
      Path path = new Path(file.path());
      String name = path.getName().toLowerCase(Locale.ROOT);
      org.apache.hadoop.io.compress.CompressionCodec codec = codecs.getCodec(path);
      if (codec != null && !name.endsWith(".gz") && !name.endsWith(".bz2")) {
        continue; // zstd, lz4, snappy need native libraries on the driver: the executors read them
      }
      try (java.io.InputStream raw = path.getFileSystem(conf).open(path);
           java.io.InputStream in = codec == null ? raw : codec.createInputStream(raw)) {
        byte[] head = in.readNBytes(ENCODING_SAMPLE_BYTES);
        firstInvalidUtf8(head, head.length == ENCODING_SAMPLE_BYTES).ifPresent(at -> warnings.add("source '"
            + source.name() + "': " + file.path() + " is not UTF-8 (line " + lineOf(head, at) + " has the byte 0x"
            + String.format("%02X", head[at] & 0xFF) + ", which Windows-1252 and Latin-1 use for accented letters):"
            + " read as UTF-8 its letters become replacement characters. Set centraal.sources." + source.name()
            + ".options.encoding to the file's encoding, e.g. \"windows-1252\""));
      } catch (IOException | RuntimeException e) {
        // Unreadable here: the read says why.
      }
    }
    return warnings;
  }

  /**
   * The offset of the first byte that is not valid UTF-8; a sequence cut by the end of a sample that
   * was cut ({@code truncated}) is not counted.
   */
  static java.util.Optional<Integer> firstInvalidUtf8(byte[] bytes, boolean truncated) {
    java.nio.charset.CharsetDecoder decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(8192);
    while (true) {
      java.nio.charset.CoderResult result = decoder.decode(in, out, !truncated);
      if (result.isError()) {
        return java.util.Optional.of(in.position());
      }
      if (result.isOverflow()) {
        out.clear();
        continue;
      }
      return java.util.Optional.empty(); // underflow: all read, or a sequence cut by the sample's end
    }
  }

  private static long lineOf(byte[] bytes, int offset) {
    long line = 1;
    for (int i = 0; i < offset; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }
}
