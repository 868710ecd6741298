package io.centraal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.export.MarketingDrop;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.schema.SchemaContract;
import io.centraal.scoring.schema.SchemaContracts;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.schema.TableNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Checks on what a pipeline run wrote, called from {@link PipelineEndToEndTest} (one run serves
 * them all): every output table matches its schema contract file; the marketing drop's manifest
 * and _SUCCESS agree with its files; DuckDB reads the drop's Parquet and the gold Delta table's
 * active files and gets the same rows and column types as Spark.
 */
final class OutputContractChecks {
  private OutputContractChecks() {}

  /** Output table -> what was written. */
  static Map<String, Dataset<Row>> written(SparkSession spark, CentraalSettings settings, String dropDir) {
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    out.put(TableNames.CUSTOMER_SCORES, DeltaTables.read(spark, settings.paths().gold(TableNames.CUSTOMER_SCORES)));
    out.put(TableNames.MODEL_RUNS, DeltaTables.read(spark, settings.paths().gold(TableNames.MODEL_RUNS)));
    out.put(TableNames.RUN_LOG, DeltaTables.read(spark, settings.paths().gold(TableNames.RUN_LOG)));
    out.put(TableNames.QUARANTINE, DeltaTables.read(spark, settings.paths().bronze(TableNames.QUARANTINE)));
    out.put(SchemaContracts.MARKETING_DROP, spark.read().parquet(dropDir + "/parquet"));
    return out;
  }

  /**
   * Fails, naming every difference, when a written schema drifts from its contract file; the
   * written schema is saved as {@code target/schema-contracts/<table>.actual.json} to review.
   */
  static void schemasMatchContracts(SparkSession spark, CentraalSettings settings, String dropDir) throws Exception {
    List<String> drift = new ArrayList<>();
    Path actualDir = Path.of("target/schema-contracts");
    Files.createDirectories(actualDir);
    for (Map.Entry<String, Dataset<Row>> e : written(spark, settings, dropDir).entrySet()) {
      SchemaContract contract = SchemaContracts.current(e.getKey());
      List<String> d = contract.drift(e.getValue().schema());
      if (!d.isEmpty()) {
        Files.writeString(actualDir.resolve(e.getKey() + ".actual.json"), contract.describing(e.getValue().schema()).toJson());
        drift.add(SchemaContracts.resource(e.getKey()) + ": " + String.join("; ", d));
      }
    }
    assertTrue(drift.isEmpty(), "written schemas drift from their contracts (written versions in "
        + actualDir.toAbsolutePath() + "):\n" + String.join("\n", drift));
  }

  /** manifest.json names every data file with its SHA-256, the row count and the schema version; _SUCCESS is last. */
  static void manifestMatchesTheDrop(SparkSession spark, String dropDir, String asOf) throws Exception {
    Path dir = Path.of(dropDir);
    Path success = dir.resolve(MarketingDrop.SUCCESS);
    Path manifestFile = dir.resolve(MarketingDrop.MANIFEST);
    assertTrue(Files.exists(success) && Files.exists(manifestFile), "manifest and _SUCCESS in " + dir);
    assertTrue(Files.getLastModifiedTime(success).compareTo(Files.getLastModifiedTime(manifestFile)) >= 0,
        "_SUCCESS is written after the manifest");
    JsonNode manifest = new ObjectMapper().readTree(manifestFile.toFile());
    assertEquals(asOf, manifest.get("as_of_date").asText());
    assertEquals(SchemaContracts.current(SchemaContracts.MARKETING_DROP).version(), manifest.get("schema_version").asText());
    assertEquals(MarketingDrop.CUSTOMER_PSEUDONYM, manifest.get("customer_id_column").asText());
    long parquetRows = spark.read().parquet(dropDir + "/parquet").count();
    assertEquals(parquetRows, manifest.get("row_count").asLong());
    List<String> listed = new ArrayList<>();
    for (JsonNode file : manifest.get("files")) {
      Path p = dir.resolve(file.get("path").asText());
      listed.add(file.get("path").asText());
      assertEquals(Files.size(p), file.get("bytes").asLong(), p.toString());
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
      assertEquals(sha, file.get("sha256").asText(), "checksum of " + p);
    }
    for (String format : List.of("csv", "parquet")) {
      try (Stream<Path> files = Files.list(dir.resolve(format))) {
        List<String> parts = files.map(f -> format + "/" + f.getFileName()).filter(f -> f.contains("/part-")).sorted().toList();
        assertTrue(listed.containsAll(parts) && !parts.isEmpty(), "every data file is in the manifest: " + parts);
      }
    }
  }

  /** DuckDB reads the drop's Parquet and the gold table's active Delta files: same rows, same types. */
  static void duckDbReadsTheSameRows(SparkSession spark, CentraalSettings settings, String dropDir) throws Exception {
    Dataset<Row> drop = spark.read().parquet(dropDir + "/parquet");
    String dropFiles = sqlList(List.of(drop.inputFiles()));
    compare(drop, "read_parquet(" + dropFiles + ")", MarketingDrop.CUSTOMER_PSEUDONYM);

    String goldPath = settings.paths().gold(TableNames.CUSTOMER_SCORES);
    Dataset<Row> gold = DeltaTables.read(spark, goldPath);
    List<String> active = List.of(gold.inputFiles());
    long onDisk;
    try (Stream<Path> all = Files.walk(Path.of(goldPath))) {
      onDisk = all.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_delta_log")).count();
    }
    assertTrue(onDisk > active.size(), "replaced files stay on disk until VACUUM (" + onDisk + " files, "
        + active.size() + " active): a reader must use the snapshot's file list, not a glob");
    // Delta keeps partition values in the log; the files sit in Hive-style as_of_date=... folders.
    compare(gold, "read_parquet(" + sqlList(active) + ", hive_partitioning = true)", ScoreColumns.CUSTOMER_KEY + ", "
        + ScoreColumns.AS_OF_DATE);
  }

  private static void compare(Dataset<Row> spark, String duckSource, String orderBy) throws Exception {
    String[] columns = spark.columns();
    List<String> expected = spark.orderBy(Stream.of(orderBy.split(", ")).map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new)).collectAsList().stream()
        .map(r -> render(r, columns.length)).toList();
    List<String> actual = new ArrayList<>();
    List<String> duckTypes = new ArrayList<>();
    String select = Stream.of(columns).map(c -> "\"" + c + "\"").collect(Collectors.joining(", "));
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT " + select + " FROM " + duckSource + " ORDER BY " + orderBy)) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        duckTypes.add(md.getColumnTypeName(i));
      }
      while (rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= columns.length; i++) {
          sb.append(i > 1 ? "|" : "").append(value(rs.getObject(i)));
        }
        actual.add(sb.toString());
      }
    }
    List<String> sparkTypes = Stream.of(spark.schema().fields()).map(StructField::dataType)
        .map(OutputContractChecks::duckType).toList();
    assertEquals(sparkTypes, duckTypes, "column types, Spark vs DuckDB, of " + duckSource);
    assertEquals(expected.size(), actual.size(), "row count of " + duckSource);
    assertEquals(expected, actual, "rows of " + duckSource);
  }

  private static String render(Row r, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i > 0 ? "|" : "").append(value(r.isNullAt(i) ? null : r.get(i)));
    }
    return sb.toString();
  }

  /** java.sql.Date and LocalDate both print yyyy-MM-dd; numbers print the same in both drivers. */
  private static String value(Object v) {
    return String.valueOf(v);
  }

  /** DuckDB's name of the type a Spark column maps to in Parquet. */
  private static String duckType(DataType t) {
    if (t.equals(DataTypes.LongType)) {
      return "BIGINT";
    } else if (t.equals(DataTypes.IntegerType)) {
      return "INTEGER";
    } else if (t.equals(DataTypes.DoubleType)) {
      return "DOUBLE";
    } else if (t.equals(DataTypes.StringType)) {
      return "VARCHAR";
    } else if (t.equals(DataTypes.BooleanType)) {
      return "BOOLEAN";
    } else if (t.equals(DataTypes.DateType)) {
      return "DATE";
    } else if (t.equals(DataTypes.TimestampType)) {
      return "TIMESTAMP WITH TIME ZONE";
    }
    return "unmapped Spark type " + t.catalogString();
  }

  private static String sqlList(List<String> files) {
    return files.stream().map(f -> "'" + f.replaceFirst("^file:(//)?", "").replace("'", "''") + "'")
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
