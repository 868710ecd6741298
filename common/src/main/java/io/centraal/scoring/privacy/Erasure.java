package io.centraal.scoring.privacy;

import static org.apache.spark.sql.functions.col;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.config.InvalidConfigException;
import io.centraal.scoring.export.MarketingDrop;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.schema.SourceContract;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.schema.TableNames;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The right to erasure (GDPR Art. 17) for one request: resolves the given references to customers,
 * deletes every row of theirs from bronze, the quarantine, silver and gold, re-publishes the
 * marketing drops without them, calls the external {@link ErasureTarget}s, VACUUMs the touched
 * tables so the old files are physically gone, and appends one audit row without personal data.
 *
 * <p>Deletes are MERGEs against a small DataFrame of the references, never {@code DELETE WHERE ref
 * IN ('...')}: Delta records a DELETE's predicate in the transaction log, which VACUUM does not
 * clean, so a literal predicate would write the very identifiers being erased into the log.
 * Repeating a request finds nothing, commits nothing and still writes its audit row.
 */
public final class Erasure {
  private static final String REF = "_erase_ref";
  private static final String KEY = "_erase_key";
  static final String PSEUDONYM = "customer_pseudonym";

  private Erasure() {}

  /** What one request removed; {@code rowsRemoved} per table (or drop, or target), 0 included. */
  public record Outcome(String requestId, long customersFound, Map<String, Long> rowsRemoved) {
    public long totalRows() {
      return rowsRemoved.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  public static Outcome erase(SparkSession spark, CentraalSettings settings, String requestId, List<String> refs,
                              List<ErasureTarget> targets, String codeVersion) {
    Set<String> given = candidates(settings.privacy(), refs);
    Dataset<Row> map = identityMap(spark, settings);
    Set<Long> keys = new LinkedHashSet<>();
    map.join(frame(spark, given), map.col(LogColumns.REF).equalTo(col(REF)), "left_semi")
        .select(FeatureColumns.CUSTOMER_KEY).distinct().collectAsList().forEach(r -> keys.add(r.getLong(0)));
    Set<String> allRefs = new LinkedHashSet<>(given);
    if (!keys.isEmpty()) {
      map.join(keyFrame(spark, keys), map.col(FeatureColumns.CUSTOMER_KEY).equalTo(col(KEY)), "left_semi")
          .select(LogColumns.REF).collectAsList().forEach(r -> allRefs.add(r.getString(0)));
    }
    Dataset<Row> refFrame = frame(spark, allRefs).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> keyFrame = keyFrame(spark, keys).persist(StorageLevel.MEMORY_AND_DISK());

    Map<String, Long> removed = new LinkedHashMap<>();
    List<String> touched = new ArrayList<>();
    CentraalSettings.Paths paths = settings.paths();
    for (SourceContract contract : SourceContracts.ALL) {
      String path = paths.bronze(contract.name());
      if (DeltaTables.exists(spark, path)) {
        long n = deleteBronze(spark, path, contract.name(), refFrame);
        record(removed, touched, "bronze/" + contract.name(), path, n);
      }
    }
    String quarantine = paths.bronze(TableNames.QUARANTINE);
    if (DeltaTables.exists(spark, quarantine)) {
      record(removed, touched, "bronze/" + TableNames.QUARANTINE, quarantine, deleteQuarantine(spark, quarantine, refFrame));
    }
    // Every silver and gold table keyed by customer, including ones added after this code.
    for (String layer : List.of("silver", "gold")) {
      for (String path : deltaTablesUnder(spark, paths.dataDir() + "/" + layer)) {
        if (Arrays.asList(DeltaTables.read(spark, path).columns()).contains(FeatureColumns.CUSTOMER_KEY)) {
          long n = deleteMatching(spark, path, keyFrame, "t.`" + FeatureColumns.CUSTOMER_KEY + "` = s." + KEY);
          record(removed, touched, layer + "/" + new Path(path).getName(), path, n);
        }
      }
    }
    removed.putAll(republishDrops(spark, settings, keys, requestId));
    for (ErasureTarget target : targets) {
      removed.put(target.name(), target.erase(spark, Set.copyOf(keys), Set.copyOf(allRefs)));
    }
    vacuum(spark, touched, settings.privacy().erasureVacuumHours());
    refFrame.unpersist();
    keyFrame.unpersist();

    appendAudit(spark, settings, requestId, refs.size(), keys.size(), removed, codeVersion);
    return new Outcome(requestId, keys.size(), removed);
  }

  /**
   * The references to look for: each given reference as is and, when the e-mail key is available,
   * its keyed hash (bronze holds e-mails only hashed). An address without the key cannot be found,
   * so that fails naming the variable.
   */
  public static Set<String> candidates(CentraalSettings.Privacy privacy, List<String> refs) {
    Set<String> out = new LinkedHashSet<>();
    boolean keyAvailable = HashKeys.emailHashAvailable(privacy);
    KeyedHash hash = keyAvailable ? HashKeys.emailHash(privacy) : null;
    for (String raw : refs) {
      String ref = raw.trim();
      if (ref.isEmpty()) {
        continue;
      }
      out.add(ref);
      if (hash != null) {
        out.add(hash.hex(EmailHashing.normalise(ref)));
      } else if (ref.contains("@")) {
        HashKeys.emailHash(privacy); // throws, naming the variable
      }
    }
    if (out.isEmpty()) {
      throw new InvalidConfigException("no reference to erase: give --ref or a non-empty --ref-file");
    }
    return out;
  }

  private static long deleteBronze(SparkSession spark, String path, String source, Dataset<Row> refs) {
    String rows = PersonalData.primaryReferenceColumns(source).stream()
        .map(c -> "t.`" + c + "` = s." + REF).collect(Collectors.joining(" OR "));
    long n = deleteMatching(spark, path, refs, rows);
    for (String secondary : PersonalData.SECONDARY_REFERENCES.getOrDefault(source, List.of())) {
      String condition = "t.`" + secondary + "` = s." + REF;
      if (matches(spark, path, refs, condition) > 0) {
        long before = DeltaTables.latestVersion(spark, path);
        DeltaTable.forPath(spark, path).as("t").merge(refs.as("s"), condition)
            .whenMatched().updateExpr(Map.of("`" + secondary + "`", "CAST(NULL AS STRING)")).execute();
        n += DeltaTables.latestVersion(spark, path) > before ? metric(spark, path, "numTargetRowsUpdated") : 0;
      }
    }
    return n;
  }

  /** Quarantined rows are raw text: a row goes when its line, file name or errors contain a reference. */
  private static long deleteQuarantine(SparkSession spark, String path, Dataset<Row> refs) {
    String condition = List.of("t.`" + LogColumns.RAW_RECORD + "`", "t.`" + LogColumns.SOURCE_FILE + "`",
            "to_json(t.`" + LogColumns.ERRORS + "`)").stream()
        .map(c -> "instr(coalesce(" + c + ", ''), s." + REF + ") > 0").collect(Collectors.joining(" OR "));
    return deleteMatching(spark, path, refs, condition);
  }

  /** MERGE ... WHEN MATCHED DELETE; commits nothing when no row matches. */
  private static long deleteMatching(SparkSession spark, String path, Dataset<Row> source, String condition) {
    if (matches(spark, path, source, condition) == 0) {
      return 0L;
    }
    long before = DeltaTables.latestVersion(spark, path);
    DeltaTable.forPath(spark, path).as("t").merge(source.as("s"), condition).whenMatched().delete().execute();
    return DeltaTables.latestVersion(spark, path) > before ? metric(spark, path, "numTargetRowsDeleted") : 0L;
  }

  private static long matches(SparkSession spark, String path, Dataset<Row> source, String condition) {
    return DeltaTables.read(spark, path).as("t")
        .join(source.as("s"), org.apache.spark.sql.functions.expr(condition), "left_semi").count();
  }

  private static long metric(SparkSession spark, String path, String name) {
    Map<String, String> metrics = DeltaTable.forPath(spark, path).history(1).select("operationMetrics").first()
        .getJavaMap(0);
    return metrics == null || metrics.get(name) == null ? 0L : Long.parseLong(metrics.get(name));
  }

  /**
   * Each retained drop (exports/marketing/as_of_date=D) that lists an erased customer is re-read,
   * filtered and re-published through {@link MarketingDrop#write}, so its layout stays defined in
   * one place. A drop identifies customers by customer_key or by customer_pseudonym (the keyed hash
   * of the key under CENTRAAL_PSEUDONYM_KEY).
   */
  private static Map<String, Long> republishDrops(SparkSession spark, CentraalSettings settings, Set<Long> keys,
                                                  String requestId) {
    Map<String, Long> removed = new LinkedHashMap<>();
    String root = settings.paths().exports(TableNames.MARKETING_DROP);
    try {
      Path rootPath = new Path(root);
      FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (keys.isEmpty() || !fs.exists(rootPath)) {
        return removed;
      }
      for (FileStatus dateDir : fs.listStatus(rootPath)) {
        if (!dateDir.isDirectory() || !dateDir.getPath().getName().startsWith("as_of_date=")) {
          continue;
        }
        String dir = dateDir.getPath().toString();
        List<String> formats = new ArrayList<>();
        for (String format : List.of("csv", "parquet")) {
          if (fs.exists(new Path(dir, format))) {
            formats.add(format);
          }
        }
        if (formats.isEmpty()) {
          continue;
        }
        Dataset<Row> drop = formats.contains("parquet") ? spark.read().parquet(dir + "/parquet")
            : spark.read().option("header", "true").option("inferSchema", "true").csv(dir + "/csv");
        org.apache.spark.sql.Column erased = dropRowsOf(drop, keys, settings.privacy());
        long n = drop.where(erased).count();
        if (n > 0) {
          Dataset<Row> kept = drop.where(org.apache.spark.sql.functions.not(erased))
              .persist(StorageLevel.MEMORY_AND_DISK());
          kept.count();
          MarketingDrop.write(spark, kept, dir, formats, "erase-" + requestId.replaceAll("[^A-Za-z0-9_-]", "_"));
          kept.unpersist();
        }
        removed.put("exports/" + TableNames.MARKETING_DROP + "/" + dateDir.getPath().getName(), n);
      }
    } catch (IOException e) {
      throw new io.centraal.scoring.run.ScoringException("cannot list the marketing drops under " + root + ": "
          + e.getMessage(), e);
    }
    return removed;
  }

  /** The drop rows of the erased customers (a drop row never has a null key or pseudonym). */
  static org.apache.spark.sql.Column dropRowsOf(Dataset<Row> drop, Set<Long> keys, CentraalSettings.Privacy privacy) {
    List<String> columns = Arrays.asList(drop.columns());
    if (columns.contains(FeatureColumns.CUSTOMER_KEY)) {
      return col(FeatureColumns.CUSTOMER_KEY).cast(DataTypes.LongType).isin(keys.toArray());
    }
    if (columns.contains(PSEUDONYM)) {
      KeyedHash pseudonym = HashKeys.pseudonym(privacy);
      Object[] hashed = keys.stream().map(k -> pseudonym.hex(Long.toString(k))).toArray();
      return col(PSEUDONYM).isin(hashed);
    }
    throw new IllegalStateException("a marketing drop has neither " + FeatureColumns.CUSTOMER_KEY + " nor " + PSEUDONYM
        + " (columns " + columns + "): cannot find the erased customers in it");
  }

  /**
   * VACUUM with the erasure retention (0 by default): Delta refuses a retention under 7 days unless
   * its safety check is off, so the check is switched off for these VACUUMs only.
   */
  static void vacuum(SparkSession spark, List<String> paths, double hours) {
    String check = "spark.databricks.delta.retentionDurationCheck.enabled";
    String previous = spark.conf().get(check, "true");
    spark.conf().set(check, "false");
    try {
      for (String path : paths) {
        Map<String, String> properties = DeltaTable.forPath(spark, path).detail().select("properties").first()
            .getJavaMap(0);
        if ("true".equals(properties.get("delta.enableDeletionVectors"))) {
          // Deletion vectors only mark rows deleted: rewrite the files so VACUUM can remove the old ones.
          spark.sql("REORG TABLE delta.`" + path + "` APPLY (PURGE)");
        }
        DeltaTable.forPath(spark, path).vacuum(hours);
      }
    } finally {
      spark.conf().set(check, previous);
    }
  }

  private static void record(Map<String, Long> removed, List<String> touched, String name, String path, long n) {
    removed.put(name, n);
    if (n > 0) {
      touched.add(path);
    }
  }

  private static void appendAudit(SparkSession spark, CentraalSettings settings, String requestId, long refs,
                                  long customers, Map<String, Long> removed, String codeVersion) {
    List<String> tables = removed.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).toList();
    Row row = RowFactory.create(requestId, Timestamp.from(Instant.now()), refs, customers,
        tables, removed, codeVersion);
    String path = settings.paths().gold(TableNames.ERASURE_AUDIT);
    DeltaTables.ensureTable(spark, path, OutputSchemas.ERASURE_AUDIT, List.of(), Map.of());
    DeltaTables.append(spark.createDataFrame(List.of(row), OutputSchemas.ERASURE_AUDIT), path);
  }

  private static Dataset<Row> identityMap(SparkSession spark, CentraalSettings settings) {
    String path = settings.paths().silver(TableNames.IDENTITY_MAP);
    return DeltaTables.exists(spark, path) ? DeltaTables.read(spark, path)
        : spark.createDataFrame(List.of(), OutputSchemas.IDENTITY_MAP);
  }

  private static Dataset<Row> frame(SparkSession spark, Set<String> refs) {
    return spark.createDataFrame(refs.stream().map(r -> RowFactory.create(r)).toList(),
        new StructType().add(REF, DataTypes.StringType, false));
  }

  private static Dataset<Row> keyFrame(SparkSession spark, Set<Long> keys) {
    return spark.createDataFrame(keys.stream().map(k -> RowFactory.create(k)).toList(),
        new StructType().add(KEY, DataTypes.LongType, false));
  }

  private static List<String> deltaTablesUnder(SparkSession spark, String dir) {
    List<String> out = new ArrayList<>();
    try {
      Path root = new Path(dir);
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        return out;
      }
      for (FileStatus s : fs.listStatus(root)) {
        if (s.isDirectory() && DeltaTables.exists(spark, s.getPath().toString())) {
          out.add(s.getPath().toString());
        }
      }
    } catch (IOException e) {
      throw new io.centraal.scoring.run.ScoringException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }
}
