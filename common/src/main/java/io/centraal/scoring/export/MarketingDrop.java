package io.centraal.scoring.export;

import static org.apache.spark.sql.functions.col;

import io.centraal.scoring.io.Json;
import io.centraal.scoring.privacy.KeyedHash;
import io.centraal.scoring.run.ScoringException;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.schema.SchemaContracts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * The per-date file drop that marketing databases import: CSV (header, UTF-8, ISO dates, '.'
 * decimals) and/or Parquet, only customers whose consent allows marketing. Each format is written
 * to a temporary directory and renamed into place; then {@code manifest.json} (row count, SHA-256 of
 * every data file, schema version, as-of date, formats) and, last, an empty {@code _SUCCESS}. An
 * importer waits for {@code _SUCCESS} and verifies the checksums; a re-run first removes both
 * markers, then replaces the date's drop.
 *
 * <p>By default the customer is identified by {@code customer_pseudonym}, the HMAC-SHA256 of the
 * customer_key under a secret key ({@link io.centraal.scoring.privacy.HashKeys#pseudonym}): stable across drops, so the
 * receiver can join successive drops, but not linkable to our customer_key without the key.
 */
public final class MarketingDrop {
  private MarketingDrop() {}

  /** Column holding the keyed-hash pseudonym instead of customer_key. */
  public static final String CUSTOMER_PSEUDONYM = "customer_pseudonym";
  public static final String MANIFEST = "manifest.json";
  public static final String SUCCESS = "_SUCCESS";

  /** Rows of the drop: consented customers, the given columns, customer_key as the raw key. */
  public static Dataset<Row> rows(Dataset<Row> scores, List<String> columns) {
    return rows(scores, columns, null);
  }

  /**
   * Rows of the drop: consented customers, the given columns; when {@code pseudonyms} is given,
   * customer_key is replaced (in place) by {@value #CUSTOMER_PSEUDONYM}.
   */
  public static Dataset<Row> rows(Dataset<Row> scores, List<String> columns, KeyedHash pseudonyms) {
    return scores.where(col(FeatureColumns.MARKETING_ALLOWED))
        .select(columns.stream().map(c -> pseudonyms != null && c.equals(ScoreColumns.CUSTOMER_KEY)
            ? pseudonyms.column(col(c)).as(CUSTOMER_PSEUDONYM) : col(c)).toArray(Column[]::new));
  }

  /** Writes the drop under {@code dir/<format>} for each format, then the manifest and _SUCCESS; returns the row count. */
  public static long write(SparkSession spark, Dataset<Row> rows, String dir, List<String> formats, String runId) {
    return write(spark, rows, dir, formats, runId, null);
  }

  /** As {@link #write(SparkSession, Dataset, String, List, String)}, recording {@code asOf} in the manifest. */
  public static long write(SparkSession spark, Dataset<Row> rows, String dir, List<String> formats, String runId,
                           LocalDate asOf) {
    Dataset<Row> single = rows.coalesce(1).cache();
    long count = single.count();
    try {
      Path target = new Path(dir);
      FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
      // The drop is incomplete from here until _SUCCESS is written again.
      fs.delete(new Path(target, SUCCESS), false);
      fs.delete(new Path(target, MANIFEST), false);
      for (String format : formats) {
        Path tmp = new Path(dir + "/_tmp_" + runId + "_" + format);
        Path out = new Path(dir + "/" + format);
        switch (format) {
          case "csv" -> single.write().mode(SaveMode.Overwrite).option("header", "true")
              .option("encoding", "UTF-8").option("dateFormat", "yyyy-MM-dd").csv(tmp.toString());
          case "parquet" -> single.write().mode(SaveMode.Overwrite).parquet(tmp.toString());
          default -> throw new IllegalArgumentException("unknown marketing drop format '" + format
              + "' (centraal.export.marketing-formats: csv, parquet)");
        }
        if (fs.exists(out)) {
          fs.delete(out, true);
        }
        if (!fs.rename(tmp, out)) {
          throw new IOException("cannot move " + tmp + " to " + out);
        }
      }
      writeFile(fs, new Path(target, MANIFEST), manifest(fs, target, single, formats, runId, asOf, count));
      writeFile(fs, new Path(target, SUCCESS), "");
    } catch (IOException e) {
      throw new ScoringException("cannot write the marketing drop to " + dir + ": " + e.getMessage(), e);
    } finally {
      single.unpersist();
    }
    return count;
  }

  private static String manifest(FileSystem fs, Path target, Dataset<Row> rows, List<String> formats, String runId,
                                 LocalDate asOf, long count) throws IOException {
    List<Map<String, Object>> files = new ArrayList<>();
    for (String format : formats) {
      FileStatus[] listed = fs.listStatus(new Path(target, format),
          p -> p.getName().startsWith("part-"));
      java.util.Arrays.sort(listed, java.util.Comparator.comparing(s -> s.getPath().getName()));
      for (FileStatus file : listed) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("path", format + "/" + file.getPath().getName());
        entry.put("format", format);
        entry.put("bytes", file.getLen());
        entry.put("sha256", sha256(fs, file.getPath()));
        files.add(entry);
      }
    }
    List<Map<String, Object>> columns = new ArrayList<>();
    for (StructField f : rows.schema().fields()) {
      // An ordered map: Map.of iterates in an order that changes from JVM to JVM, and the manifest
      // must be the same bytes whichever process writes it (a re-run after a kill, say).
      Map<String, Object> column = new LinkedHashMap<>();
      column.put("name", f.name());
      column.put("type", f.dataType().catalogString());
      columns.add(column);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("table", SchemaContracts.MARKETING_DROP);
    m.put("schema_version", SchemaContracts.current(SchemaContracts.MARKETING_DROP).version());
    m.put("as_of_date", asOf == null ? null : asOf.toString());
    m.put("run_id", runId);
    m.put("row_count", count);
    m.put("customer_id_column", List.of(rows.columns()).contains(CUSTOMER_PSEUDONYM)
        ? CUSTOMER_PSEUDONYM : ScoreColumns.CUSTOMER_KEY);
    m.put("formats", formats);
    m.put("columns", columns);
    m.put("files", files);
    return Json.write(m) + "\n";
  }

  static String sha256(FileSystem fs, Path file) throws IOException {
    try (InputStream in = new DigestInputStream(fs.open(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable in this JVM", e);
    }
  }

  private static void writeFile(FileSystem fs, Path path, String content) throws IOException {
    try (FSDataOutputStream out = fs.create(path, true)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }
}
