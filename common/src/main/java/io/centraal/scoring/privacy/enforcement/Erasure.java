package io.centraal.scoring.privacy.enforcement;

import io.centraal.scoring.privacy.PrivacySettings;
import io.centraal.scoring.privacy.PersonalData;
import io.centraal.scoring.privacy.HashKeys;
import io.centraal.scoring.privacy.EmailHashing;
import io.centraal.scoring.privacy.KeyedHash;
import static org.apache.spark.sql.functions.col;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.run.InvalidConfigException;
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
import io.centraal.scoring.io.DataPaths;

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
  private static final String PATTERN = "_erase_pattern";
  static final String PSEUDONYM = "customer_pseudonym";

  private Erasure() {}

  /** What one request removed; {@code rowsRemoved} per table (or drop, or target), 0 included. */
  public record Outcome(String requestId, long customersFound, Map<String, Long> rowsRemoved) {
    public long totalRows() {
      return rowsRemoved.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Called before each step of a request, with the step's name; tests throw from it to leave a request half done. */
  interface StepListener {
    void before(String step);
  }

  public static Outcome erase(SparkSession spark, CentraalSettings settings, String requestId, List<String> refs,
                              List<ErasureTarget> targets, String codeVersion) {
    return erase(spark, settings, requestId, refs, targets, codeVersion, step -> { });
  }

  /**
   * One request, in an order that a failure anywhere cannot turn into a lost request: resolve the
   * customers and record them (with every earlier unfinished request's) in {@link PendingErasures};
   * check every target can erase now; delete from bronze, the quarantine, silver and gold, the
   * drops and the external targets; the identity map, which resolves references to customers, goes
   * last; VACUUM every table changed by any attempt; write the audit row; forget the request. A
   * retry of a failed request (same or new request id) redoes what is left and finishes it.
   */
  static Outcome erase(SparkSession spark, CentraalSettings settings, String requestId, List<String> refs,
                       List<ErasureTarget> targets, String codeVersion, StepListener steps) {
    Set<String> given = candidates(settings.privacy(), refs);
    DataPaths paths = settings.paths();
    PendingErasures pending = new PendingErasures(paths.dataDir(), spark.sparkContext().hadoopConfiguration());
    Dataset<Row> map = identityMap(spark, settings);
    Set<Long> keys = new LinkedHashSet<>();
    map.join(frame(spark, given), map.col(LogColumns.REF).equalTo(col(REF)), "left_semi")
        .select(FeatureColumns.CUSTOMER_KEY).distinct().collectAsList().forEach(r -> keys.add(r.getLong(0)));
    List<PendingErasures.Request> unfinished = pending.list();
    unfinished.forEach(r -> keys.addAll(r.customerKeys()));
    Request request = new Request(pending, unfinished.stream().filter(r -> r.requestId().equals(requestId)).findFirst()
        .orElse(new PendingErasures.Request(requestId, Instant.now().toString(), refs.size(), List.of(), List.of(),
            Map.of(), Map.of())).withKeys(keys));
    request.save(); // before anything is deleted
    Set<String> allRefs = new LinkedHashSet<>(given);
    if (!keys.isEmpty()) {
      map.join(keyFrame(spark, keys), map.col(FeatureColumns.CUSTOMER_KEY).equalTo(col(KEY)), "left_semi")
          .select(LogColumns.REF).collectAsList().forEach(r -> allRefs.add(r.getString(0)));
    }
    checkBeforeDeleting(spark, settings, keys, targets);
    Dataset<Row> refFrame = frame(spark, allRefs).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> keyFrame = keyFrame(spark, keys).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      for (SourceContract contract : SourceContracts.ALL) {
        String path = paths.bronze(contract.name());
        steps.before("bronze/" + contract.name());
        if (DeltaTables.exists(spark, path)) {
          deleteFromTable(spark, request, steps, "bronze/" + contract.name(), path,
              () -> deleteBronze(spark, path, contract.name(), refFrame));
        }
      }
      String quarantine = paths.bronze(TableNames.QUARANTINE);
      steps.before("bronze/" + TableNames.QUARANTINE);
      if (DeltaTables.exists(spark, quarantine)) {
        deleteFromTable(spark, request, steps, "bronze/" + TableNames.QUARANTINE, quarantine,
            () -> deleteQuarantine(spark, quarantine, refFrame));
      }
      // Every silver and gold table keyed by customer, including ones added after this code; the map last.
      String mapPath = paths.silver(TableNames.IDENTITY_MAP);
      for (String layer : List.of("silver", "gold")) {
        for (String path : deltaTablesUnder(spark, paths.dataDir() + "/" + layer)) {
          if (new Path(path).equals(new Path(mapPath))) {
            continue;
          }
          steps.before(layer + "/" + new Path(path).getName());
          deleteByKey(spark, request, steps, layer + "/" + new Path(path).getName(), path, keyFrame);
        }
      }
      steps.before("exports/" + TableNames.MARKETING_DROP);
      republishDrops(spark, settings, keys, requestId).forEach((name, n) -> request.removed(name, n));
      for (ErasureTarget target : targets) {
        steps.before(target.name());
        request.removed(target.name(), target.erase(spark, Set.copyOf(keys), Set.copyOf(allRefs)));
      }
      steps.before("reports");
      if (!keys.isEmpty()) {
        deleteReports(spark, paths.dataDir()).forEach(name -> request.removed(name, 1));
      }
      steps.before("silver/" + TableNames.IDENTITY_MAP);
      if (DeltaTables.exists(spark, mapPath)) {
        deleteByKey(spark, request, steps, "silver/" + TableNames.IDENTITY_MAP, mapPath, keyFrame);
      }
    } finally {
      refFrame.unpersist();
      keyFrame.unpersist();
    }
    steps.before("vacuum");
    Set<String> touched = new LinkedHashSet<>(request.current.touched());
    unfinished.forEach(r -> touched.addAll(r.touched()));
    vacuum(spark, List.copyOf(touched), settings.privacy().erasureVacuumHours());
    steps.before("audit");
    for (PendingErasures.Request earlier : unfinished) {
      if (!earlier.requestId().equals(requestId)) { // finished by this one: audited with what it had removed
        appendAudit(spark, settings, earlier.requestId(), earlier.refs(), earlier.customerKeys().size(),
            earlier.removed(), codeVersion);
      }
    }
    appendAudit(spark, settings, requestId, request.current.refs(), keys.size(), request.current.removed(),
        codeVersion);
    steps.before("done");
    List<PendingErasures.Request> finished = new ArrayList<>(unfinished);
    finished.add(request.current);
    pending.remove(finished);
    return new Outcome(requestId, keys.size(), request.current.removed());
  }

  /** The request being worked on, saved after every step so a retry knows the tables to VACUUM. */
  private static final class Request {
    private final PendingErasures store;
    private PendingErasures.Request current;

    Request(PendingErasures store, PendingErasures.Request current) {
      this.store = store;
      this.current = current;
    }

    void save() {
      store.save(current);
    }

    void removed(String name, long n) {
      current = current.withRemoved(name, n);
      save();
    }

    void started(String name, String path, long version) {
      current = current.withStarted(name, path, version);
      save();
    }

    /** The rows this request has changed in {@code name} so far, from every attempt (replaces the count). */
    void counted(String name, long n) {
      current = current.withCounted(name, n);
      save();
    }
  }

  /**
   * Deletes from one Delta table so that a kill at any point is healed by a retry: the table is
   * recorded (to be VACUUMed) with its version before anything is deleted, and the rows removed
   * are counted afterwards from the table's history since that version, so a delete committed by
   * an attempt killed before it recorded its count is still counted (and VACUUMed). No other
   * process writes meanwhile (the lease).
   */
  private static void deleteFromTable(SparkSession spark, Request request, StepListener steps, String name,
                                      String path, Runnable delete) {
    request.started(name, path, DeltaTables.latestVersion(spark, path));
    delete.run();
    steps.before("record " + name);
    request.counted(name, rowsChangedSince(spark, path, request.current.startedAtVersion().get(name)));
  }

  /** Rows deleted or updated (secondary references set to null) by MERGEs committed after {@code version}. */
  private static long rowsChangedSince(SparkSession spark, String path, long version) {
    long n = 0;
    for (Row r : DeltaTable.forPath(spark, path).history()
        .where(col("version").gt(version).and(col("operation").equalTo("MERGE")))
        .select("operationMetrics").collectAsList()) {
      Map<String, String> metrics = r.getJavaMap(0);
      if (metrics != null) {
        for (String metric : List.of("numTargetRowsDeleted", "numTargetRowsUpdated")) {
          n += metrics.get(metric) == null ? 0L : Long.parseLong(metrics.get(metric));
        }
      }
    }
    return n;
  }

  private static void deleteByKey(SparkSession spark, Request request, StepListener steps, String name, String path,
                                  Dataset<Row> keys) {
    if (Arrays.asList(DeltaTables.read(spark, path).columns()).contains(FeatureColumns.CUSTOMER_KEY)) {
      deleteFromTable(spark, request, steps, name, path,
          () -> deleteMatching(spark, path, keys, "t.`" + FeatureColumns.CUSTOMER_KEY + "` = s." + KEY));
    }
  }

  /**
   * Everything a request needs, checked before anything is deleted: each external target can erase
   * now (e.g. the database answers), and a drop with pseudonyms can be matched and re-published
   * (its key variable is set). A request that fails here has deleted nothing.
   */
  private static void checkBeforeDeleting(SparkSession spark, CentraalSettings settings, Set<Long> keys,
                                          List<ErasureTarget> targets) {
    for (ErasureTarget target : targets) {
      target.check();
    }
    if (keys.isEmpty()) {
      return;
    }
    for (Map.Entry<String, Dataset<Row>> drop : drops(spark, settings).entrySet()) {
      dropRowsOf(drop.getValue(), keys, settings.privacy()); // throws naming the missing key variable or column
    }
  }

  /**
   * The references to look for: each given reference as is and, when the e-mail key is available,
   * its keyed hash (bronze holds e-mails only hashed). An address without the key cannot be found,
   * so that fails naming the variable.
   */
  public static Set<String> candidates(PrivacySettings privacy, List<String> refs) {
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

  private static void deleteBronze(SparkSession spark, String path, String source, Dataset<Row> refs) {
    String rows = PersonalData.primaryReferenceColumns(source).stream()
        .map(c -> "t.`" + c + "` = s." + REF).collect(Collectors.joining(" OR "));
    deleteMatching(spark, path, refs, rows);
    for (String secondary : PersonalData.SECONDARY_REFERENCES.getOrDefault(source, List.of())) {
      String condition = "t.`" + secondary + "` = s." + REF;
      if (matches(spark, path, refs, condition) > 0) {
        DeltaTable.forPath(spark, path).as("t").merge(refs.as("s"), condition)
            .whenMatched().updateExpr(Map.of("`" + secondary + "`", "CAST(NULL AS STRING)")).execute();
      }
    }
  }

  /**
   * Quarantined rows are raw text: a row goes when its line, file name or errors contain a
   * reference as a whole token (see {@link #tokenPattern}).
   */
  private static void deleteQuarantine(SparkSession spark, String path, Dataset<Row> refs) {
    String condition = List.of("t.`" + LogColumns.RAW_RECORD + "`", "t.`" + LogColumns.SOURCE_FILE + "`",
            "to_json(t.`" + LogColumns.ERRORS + "`)").stream()
        .map(c -> "coalesce(" + c + ", '') RLIKE s." + PATTERN).collect(Collectors.joining(" OR "));
    deleteMatching(spark, path, refs, condition);
  }

  /** MERGE ... WHEN MATCHED DELETE; commits nothing when no row matches. */
  private static void deleteMatching(SparkSession spark, String path, Dataset<Row> source, String condition) {
    if (matches(spark, path, source, condition) > 0) {
      DeltaTable.forPath(spark, path).as("t").merge(source.as("s"), condition).whenMatched().delete().execute();
    }
  }

  private static long matches(SparkSession spark, String path, Dataset<Row> source, String condition) {
    return DeltaTables.read(spark, path).as("t")
        .join(source.as("s"), org.apache.spark.sql.functions.expr(condition), "left_semi").count();
  }

  /**
   * Each retained drop (exports/marketing/as_of_date=D) that lists an erased customer is re-read,
   * filtered and re-published through {@link MarketingDrop#write}, so its layout stays defined in
   * one place. A drop identifies customers by customer_key or by customer_pseudonym (the keyed hash
   * of the key under CENTRAAL_PSEUDONYM_KEY). Leftover {@code _tmp_*} folders of a killed export or
   * erasure are deleted: they may hold anyone, and no other process writes meanwhile (the lease).
   */
  private static Map<String, Long> republishDrops(SparkSession spark, CentraalSettings settings, Set<Long> keys,
                                                  String requestId) {
    Map<String, Long> removed = new LinkedHashMap<>();
    deleteLeftoverTemporaryDrops(spark, settings);
    if (keys.isEmpty()) {
      return removed;
    }
    for (Map.Entry<String, Dataset<Row>> entry : drops(spark, settings).entrySet()) {
      String dir = entry.getKey();
      Dataset<Row> drop = entry.getValue();
      org.apache.spark.sql.Column erased = dropRowsOf(drop, keys, settings.privacy());
      long n = drop.where(erased).count();
      if (n > 0) {
        Dataset<Row> kept = drop.where(org.apache.spark.sql.functions.not(erased))
            .persist(StorageLevel.MEMORY_AND_DISK());
        kept.count();
        // The folder name carries the drop's date (exports/marketing/as_of_date=D): the manifest keeps it.
        MarketingDrop.write(spark, kept, dir, dropFormats(spark, dir), "erase-" + requestId.replaceAll("[^A-Za-z0-9_-]", "_"),
            java.time.LocalDate.parse(new Path(dir).getName().substring("as_of_date=".length())));
        kept.unpersist();
      }
      removed.put("exports/" + TableNames.MARKETING_DROP + "/" + new Path(dir).getName(), n);
    }
    return removed;
  }

  /** Every retained drop directory with its rows (read from Parquet when present, else CSV). */
  private static Map<String, Dataset<Row>> drops(SparkSession spark, CentraalSettings settings) {
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    String root = settings.paths().exports(TableNames.MARKETING_DROP);
    try {
      Path rootPath = new Path(root);
      FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(rootPath)) {
        return out;
      }
      for (FileStatus dateDir : fs.listStatus(rootPath)) {
        if (!dateDir.isDirectory() || !dateDir.getPath().getName().startsWith("as_of_date=")) {
          continue;
        }
        String dir = dateDir.getPath().toString();
        List<String> formats = dropFormats(spark, dir);
        if (!formats.isEmpty()) {
          out.put(dir, formats.contains("parquet") ? spark.read().parquet(dir + "/parquet")
              : spark.read().option("header", "true").option("inferSchema", "true").csv(dir + "/csv"));
        }
      }
    } catch (IOException e) {
      throw new io.centraal.scoring.run.ScoringException("cannot list the marketing drops under " + root + ": "
          + e.getMessage(), e);
    }
    return out;
  }

  private static List<String> dropFormats(SparkSession spark, String dir) {
    List<String> formats = new ArrayList<>();
    try {
      FileSystem fs = new Path(dir).getFileSystem(spark.sparkContext().hadoopConfiguration());
      for (String format : List.of("csv", "parquet")) {
        if (fs.exists(new Path(dir, format))) {
          formats.add(format);
        }
      }
    } catch (IOException e) {
      throw new io.centraal.scoring.run.ScoringException("cannot list the marketing drop " + dir + ": "
          + e.getMessage(), e);
    }
    return formats;
  }

  private static void deleteLeftoverTemporaryDrops(SparkSession spark, CentraalSettings settings) {
    String root = settings.paths().exports(TableNames.MARKETING_DROP);
    try {
      Path rootPath = new Path(root);
      FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(rootPath)) {
        return;
      }
      for (FileStatus dateDir : fs.listStatus(rootPath)) {
        if (dateDir.isDirectory()) {
          for (FileStatus leftover : fs.listStatus(dateDir.getPath(), p -> p.getName().startsWith("_tmp_"))) {
            fs.delete(leftover.getPath(), true);
          }
        }
      }
    } catch (IOException e) {
      throw new io.centraal.scoring.run.ScoringException("cannot delete leftover temporary drops under " + root + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * The rendered run reports (reports/as_of_date=D) list customer keys (e.g. the top hidden
   * influencers). They are derived from the tables, so they are deleted and rendered again from the
   * erased tables ({@code centraal report --as-of D}; the erase command does it). Returns
   * {@code reports/as_of_date=D} of each.
   */
  private static List<String> deleteReports(SparkSession spark, String dataDir) {
    List<String> deleted = new ArrayList<>();
    Path root = new Path(dataDir, "reports");
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        return deleted;
      }
      for (FileStatus report : fs.listStatus(root)) {
        fs.delete(report.getPath(), true);
        deleted.add("reports/" + report.getPath().getName());
      }
    } catch (IOException e) {
      throw new io.centraal.scoring.run.ScoringException("cannot delete the reports under " + root + ": "
          + e.getMessage(), e);
    }
    return deleted;
  }

  /** The drop rows of the erased customers (a drop row never has a null key or pseudonym). */
  static org.apache.spark.sql.Column dropRowsOf(Dataset<Row> drop, Set<Long> keys, PrivacySettings privacy) {
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
        if ("true".equals(DeltaTables.properties(spark, path).get("delta.enableDeletionVectors"))) {
          // Deletion vectors only mark rows deleted: rewrite the files so VACUUM can remove the old ones.
          spark.sql("REORG TABLE " + DeltaTables.sqlName(path) + " APPLY (PURGE)");
        }
        DeltaTable.forPath(spark, path).vacuum(hours);
      }
    } finally {
      spark.conf().set(check, previous);
    }
  }

  /** One audit row per request: a retry that failed after writing it does not write a second. */
  private static void appendAudit(SparkSession spark, CentraalSettings settings, String requestId, long refs,
                                  long customers, Map<String, Long> removed, String codeVersion) {
    String auditPath = settings.paths().gold(TableNames.ERASURE_AUDIT);
    if (DeltaTables.exists(spark, auditPath)
        && !DeltaTables.read(spark, auditPath).where(col("request_id").equalTo(requestId)).isEmpty()) {
      return;
    }
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
    return spark.createDataFrame(refs.stream().map(r -> RowFactory.create(r, tokenPattern(r))).toList(),
        new StructType().add(REF, DataTypes.StringType, false).add(PATTERN, DataTypes.StringType, false));
  }

  /**
   * A reference found in free text: the whole token, bounded by a non-alphanumeric character or the
   * text's ends, so reference {@code 12} does not match other people's {@code 123} or {@code 512}. An
   * e-mail address matches in any case, as mail systems treat it, and is bounded by a character that
   * cannot continue an address ({@code jan@example.nl} is not {@code jan@example.nl.evil}).
   */
  static String tokenPattern(String ref) {
    boolean email = ref.contains("@");
    String bound = email ? "[^\\p{Alnum}._%+@-]" : "[^\\p{Alnum}]";
    return (email ? "(?i)" : "") + "(^|" + bound + ")" + java.util.regex.Pattern.quote(ref) + "($|" + bound + ")";
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
