package io.centraal.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.xxhash64;

import io.centraal.scoring.export.JdbcScoresExport;
import io.centraal.scoring.export.MarketingDrop;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Content checksums that two runs of the same inputs must share: a row count and the sum of a
 * 64-bit hash of each row's canonical text (JSON of its columns), so row order and file layout do
 * not matter. Columns that legitimately differ between runs are left out: see {@link #VOLATILE}.
 */
final class ContentChecksums {
  /**
   * Ids of the run and wall-clock times: a re-run of the same inputs writes other values (the run
   * id is fixed by the fault benchmark, but a table written by an earlier run keeps that run's id).
   */
  static final Set<String> VOLATILE = Set.of(ScoreColumns.RUN_ID, LogColumns.INGEST_RUN_ID, LogColumns.STARTED_AT,
      LogColumns.DURATION_SECONDS, "erased_at", JdbcScoresExport.EXPORT_ID, JdbcScoresExport.EXPORTED_AT);

  /** Manifest fields that name the run or the physical files (part file names carry a random id). */
  private static final Set<String> VOLATILE_MANIFEST_FIELDS = Set.of("run_id", "files");

  private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

  private ContentChecksums() {}

  /** "rows=N hash=H" of a Delta table (latest version), volatile columns left out. */
  static String deltaTable(SparkSession spark, String path) {
    return rows(spark.read().format("delta").load(path));
  }

  /** "rows=N hash=H" of any data set, volatile columns left out. */
  static String rows(Dataset<Row> data) {
    Column[] kept = java.util.Arrays.stream(data.columns()).filter(c -> !VOLATILE.contains(c)).map(c -> col("`" + c + "`"))
        .toArray(Column[]::new);
    Row r = data.select(xxhash64(to_json(struct(kept))).cast("decimal(38,0)").as("h"))
        .agg(count(lit(1)), sum(col("h"))).first();
    return "rows=" + r.getLong(0) + " hash=" + (r.isNullAt(1) ? "0" : r.getDecimal(1).toPlainString());
  }

  /**
   * A published drop folder (with {@code _SUCCESS}): per format its rows' checksum (CSV as lines,
   * header included; Parquet as rows), and the manifest without run id and file names. A folder
   * without {@code _SUCCESS} is not published: "unpublished", whatever it holds.
   */
  static String drop(SparkSession spark, Path dateDir) {
    if (!Files.exists(dateDir.resolve(MarketingDrop.SUCCESS))) {
      return "unpublished";
    }
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> manifest = new TreeMap<>(MAPPER.readValue(Files.readString(dateDir.resolve(MarketingDrop.MANIFEST)), Map.class));
      VOLATILE_MANIFEST_FIELDS.forEach(manifest::remove);
      StringBuilder out = new StringBuilder("manifest=" + sha256(Json.write(manifest)));
      for (String format : List.of("csv", "parquet")) {
        Path dir = dateDir.resolve(format);
        if (Files.isDirectory(dir)) {
          Dataset<Row> data = format.equals("csv") ? spark.read().text(dir.toString()) : spark.read().parquet(dir.toString());
          out.append(' ').append(format).append(":").append(rows(data));
        }
      }
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Checksum of a database table's rows ({@code SELECT *}), volatile columns left out; "absent" when missing. */
  static String jdbcTable(Connection conn, String table) throws SQLException {
    try (Statement st = conn.createStatement()) {
      try (ResultSet exists = st.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
        exists.next();
        if (!exists.getBoolean(1)) {
          return "absent";
        }
      }
      long rows = 0;
      java.math.BigInteger hash = java.math.BigInteger.ZERO;
      try (ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
        ResultSetMetaData md = rs.getMetaData();
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          names.add(md.getColumnName(i));
        }
        while (rs.next()) {
          StringBuilder row = new StringBuilder();
          for (int i = 1; i <= names.size(); i++) {
            if (!VOLATILE.contains(names.get(i - 1))) {
              row.append(names.get(i - 1)).append('=').append(rs.getString(i)).append('\u0001');
            }
          }
          hash = hash.add(new java.math.BigInteger(1, digest(row.toString())));
          rows++;
        }
      }
      return "rows=" + rows + " hash=" + hash.toString(16);
    }
  }

  private static String sha256(String text) {
    return java.util.HexFormat.of().formatHex(digest(text));
  }

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable in this JVM", e);
    }
  }
}
