package io.centraal.scoring.io;

import io.centraal.scoring.privacy.PersonalData;
import io.centraal.scoring.schema.FeatureColumns;
import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The three ways centraal writes Delta tables, each one atomic transaction so a run killed
 * half-way leaves the previous version visible:
 * <ul>
 *   <li>{@link #replaceSlice}: overwrite exactly the rows matching a predicate (one as-of date),
 *       for outputs that a re-run must replace;</li>
 *   <li>{@link #insertNew}: MERGE inserting only rows whose natural key is new, for bronze inputs
 *       that a re-ingest must not duplicate;</li>
 *   <li>{@link #append}: for logs.</li>
 * </ul>
 * Tables are created from schema constants before the first write; schemas never auto-merge on
 * write. A column the code's schema has and an existing table lacks is added explicitly by
 * {@link #ensureTable} (the output contracts only change additively within a major version), so a
 * data directory written by an earlier release keeps working.
 *
 * <p>Within one process, writes to one table (these methods and {@link #ensureTable}) take turns:
 * sources ingested side by side share the quarantine table, and two Delta transactions that
 * overwrite or MERGE into one table at once can conflict and fail. Turns keep each transaction's
 * snapshot current. Another process never writes the same data directory (its lease).
 */
public final class DeltaTables {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeltaTables.class);
  /** One lock per table path, held while a write or schema change to it runs. */
  private static final Map<String, java.util.concurrent.locks.ReentrantLock> WRITERS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private DeltaTables() {}

  /**
   * Creates the table when missing, or adds the columns and properties it lacks. A table with a
   * customer_key column gets statistics only on columns that cannot identify a customer, unless
   * {@code properties} chooses them (see {@link PersonalData#customerTableProperties}).
   */
  public static void ensureTable(SparkSession spark, String path, StructType schema,
                                 List<String> partitionColumns, Map<String, String> requested) {
    inTurn(path, () -> {
      createOrExtend(spark, path, schema, partitionColumns, requested);
      return null;
    });
  }

  /**
   * {@link #ensureTable} on a thread of its own, for a command that writes a small table only at
   * its end (the backtest's model_runs row): Delta's first use in a process (its classes, the
   * table's log, creating the table) then overlaps the command's reading instead of following it.
   * {@link Opening#close()} waits for it. A failure here is only logged: the write calls
   * {@link #ensureTable} again and reports it there.
   */
  public static Opening ensureTableInBackground(SparkSession spark, String path, StructType schema,
                                                List<String> partitionColumns, Map<String, String> requested) {
    java.util.concurrent.FutureTask<Void> opening = new java.util.concurrent.FutureTask<>(() -> {
      ensureTable(spark, path, schema, partitionColumns, requested);
      return null;
    });
    // A new thread inherits the caller's active Spark session, which Delta looks up.
    Thread thread = new Thread(opening, "centraal-open-table");
    thread.setDaemon(true);
    thread.start();
    return new Opening(path, opening);
  }

  /** A table being opened by {@link #ensureTableInBackground}. */
  public static final class Opening implements AutoCloseable {
    private final String path;
    private final java.util.concurrent.Future<Void> opening;

    private Opening(String path, java.util.concurrent.Future<Void> opening) {
      this.path = path;
      this.opening = opening;
    }

    /** Waits until the opening has ended, however it ended. */
    @Override
    public void close() {
      try {
        opening.get();
      } catch (java.util.concurrent.ExecutionException e) {
        LOG.info("opening {} ahead of its write failed (the write tries again): {}", path, e.getCause().toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void createOrExtend(SparkSession spark, String path, StructType schema,
                                     List<String> partitionColumns, Map<String, String> requested) {
    Map<String, String> properties = requested;
    boolean automaticStats = java.util.Arrays.asList(schema.fieldNames()).contains(FeatureColumns.CUSTOMER_KEY)
        && !requested.containsKey(PersonalData.STATS_COLUMNS_PROPERTY);
    if (automaticStats) {
      properties = new java.util.LinkedHashMap<>(requested);
      properties.putAll(PersonalData.customerTableProperties(schema, partitionColumns));
    }
    if (DeltaTable.isDeltaTable(spark, path)) {
      addMissingColumns(spark, path, schema);
      Map<String, String> current = properties(spark, path);
      String currentStats = current.get(PersonalData.STATS_COLUMNS_PROPERTY);
      if (automaticStats && currentStats != null
          && !java.util.Arrays.asList(currentStats.split(",")).contains(FeatureColumns.CUSTOMER_KEY)) {
        // Already keeps no statistics on the key: a column added later goes without statistics
        // rather than costing a second commit for the property.
        properties = new java.util.LinkedHashMap<>(properties);
        properties.remove(PersonalData.STATS_COLUMNS_PROPERTY);
        properties.remove("delta.dataSkippingNumIndexedCols");
      }
      StringBuilder changed = new StringBuilder();
      properties.forEach((k, v) -> {
        if (!v.equals(current.get(k))) {
          changed.append(changed.length() == 0 ? "" : ", ")
              .append("'").append(k).append("' = '").append(v.replace("'", "\\'")).append("'");
        }
      });
      if (changed.length() > 0) {
        // Only a real change commits a new version.
        spark.sql("ALTER TABLE " + sqlName(path) + " SET TBLPROPERTIES (" + changed + ")");
      }
      return;
    }
    DeltaTableBuilder builder = DeltaTable.createIfNotExists(spark).location(path);
    for (StructField f : schema.fields()) {
      builder = builder.addColumn(f);
    }
    if (!partitionColumns.isEmpty()) {
      builder = builder.partitionedBy(partitionColumns.toArray(String[]::new));
    }
    for (Map.Entry<String, String> p : properties.entrySet()) {
      builder = builder.property(p.getKey(), p.getValue());
    }
    builder.execute();
  }

  /** The table at {@code path} as Spark SQL names it ({@code delta.`path`}, backticks escaped). */
  public static String sqlName(String path) {
    return "delta.`" + path.replace("`", "``") + "`";
  }

  /**
   * The table's properties. From the table's metadata alone: {@code DESCRIBE DETAIL} would also
   * list the table's files to report their number and size, a cost on every run for nothing read.
   */
  public static Map<String, String> properties(SparkSession spark, String path) {
    Map<String, String> out = new java.util.HashMap<>();
    for (Row r : spark.sql("SHOW TBLPROPERTIES " + sqlName(path)).collectAsList()) {
      out.put(r.getString(0), r.getString(1));
    }
    return out;
  }

  /**
   * Adds (nullable, at the end) the columns of {@code schema} that the table at {@code path} does
   * not have yet; existing rows read them as null. One ALTER TABLE, so one commit, only when needed.
   */
  static void addMissingColumns(SparkSession spark, String path, StructType schema) {
    java.util.Set<String> present = new java.util.HashSet<>();
    for (StructField f : read(spark, path).schema().fields()) {
      present.add(f.name().toLowerCase(java.util.Locale.ROOT));
    }
    List<String> added = new java.util.ArrayList<>();
    for (StructField f : schema.fields()) {
      if (!present.contains(f.name().toLowerCase(java.util.Locale.ROOT))) {
        added.add("`" + f.name() + "` " + f.dataType().sql());
      }
    }
    if (!added.isEmpty()) {
      LOG.info("{}: adding column(s) {} (an additive schema change since the table was created)", path, added);
      spark.sql("ALTER TABLE " + sqlName(path) + " ADD COLUMNS (" + String.join(", ", added) + ")");
    }
  }

  /** Runs {@code write} while no other thread of this process writes the table at {@code path}. */
  private static <T> T inTurn(String path, java.util.function.Supplier<T> write) {
    java.util.concurrent.locks.ReentrantLock lock =
        WRITERS.computeIfAbsent(path, p -> new java.util.concurrent.locks.ReentrantLock());
    lock.lock();
    try {
      return write.get();
    } finally {
      lock.unlock();
    }
  }

  /** Atomically replaces the rows matching {@code predicate} (e.g. one as-of date) with {@code rows}. */
  public static void replaceSlice(Dataset<Row> rows, String path, String predicate) {
    inTurn(path, () -> {
      rows.write().format("delta").mode("overwrite").option("replaceWhere", predicate).save(path);
      return null;
    });
  }

  /** Inserts the rows whose key columns do not match an existing row; returns the rows inserted. */
  public static long insertNew(SparkSession spark, Dataset<Row> rows, String path, List<String> keys) {
    return inTurn(path, () -> merge(spark, rows, path, keys));
  }

  private static long merge(SparkSession spark, Dataset<Row> rows, String path, List<String> keys) {
    String condition = String.join(" AND ", keys.stream()
        .map(k -> "t.`" + k + "` = s.`" + k + "`").toList());
    // The SQL form of MERGE returns its metrics (num_affected_rows, num_updated_rows,
    // num_deleted_rows, num_inserted_rows) as its result; the builder API returns nothing, and
    // reading them back from the table history took three more queries.
    String source = "centraal_merge_source_" + java.util.UUID.randomUUID().toString().replace("-", "");
    rows.createOrReplaceTempView(source);
    try {
      Row metrics = spark.sql("MERGE INTO " + sqlName(path) + " AS t USING " + source
          + " AS s ON " + condition + " WHEN NOT MATCHED THEN INSERT *").first();
      return metrics.getLong(metrics.fieldIndex("num_inserted_rows"));
    } finally {
      spark.catalog().dropTempView(source);
    }
  }

  public static void append(Dataset<Row> rows, String path) {
    inTurn(path, () -> {
      rows.write().format("delta").mode("append").save(path);
      return null;
    });
  }

  public static Dataset<Row> read(SparkSession spark, String path) {
    return spark.read().format("delta").load(path);
  }

  public static boolean exists(SparkSession spark, String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  /** The latest committed version of the table. */
  public static long latestVersion(SparkSession spark, String path) {
    return DeltaTable.forPath(spark, path).history(1).select("version").first().getLong(0);
  }
}
