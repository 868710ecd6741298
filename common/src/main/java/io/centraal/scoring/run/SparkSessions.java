package io.centraal.scoring.run;

import org.apache.spark.sql.SparkSession;

/**
 * The Spark settings every centraal session needs, whoever builds it (a job's main, a test).
 * The master is never set here: spark-submit (or the local launcher) decides it.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /** Adds Delta Lake and the parser/time settings the stages rely on. */
  public static SparkSession.Builder configure(SparkSession.Builder builder) {
    return withDelta(withSqlSettings(builder));
  }

  /**
   * The parser and time settings and the local file system alone, for a session that reads files
   * and writes no table (a benchmark): Delta's session extension adds its rules to every query's
   * analysis and planning, which a cold JVM pays for even when no Delta table is touched.
   */
  public static SparkSession.Builder withSqlSettings(SparkSession.Builder builder) {
    SparkSession.Builder b = unlessInstalled(builder, CACHE_COMPRESSED_KEY, "false");
    b = unlessInstalled(b, CODEGEN_CACHE_KEY, CODEGEN_CACHE_ENTRIES);
    b = unlessInstalled(b, PAGE_SIZE_KEY, PAGE_SIZE);
    b = unlessInstalled(b, LOCAL_FILE_SYSTEM_KEY, ForkFreeLocalFileSystem.class.getName());
    b = unlessInstalled(b, LOCAL_FILE_CONTEXT_KEY, ForkFreeLocalFs.class.getName());
    return b
        // Dates and timestamps are parsed with java.time patterns; unparsable values become null
        // and are quarantined by the validators, instead of failing the whole job.
        .config("spark.sql.legacy.timeParserPolicy", "CORRECTED")
        .config(TIME_ZONE_KEY, "UTC")
        .config("spark.sql.ansi.enabled", "false");
  }

  /** The session's time zone: UTC in every centraal session (see {@link UtcDays}). */
  public static final String TIME_ZONE_KEY = "spark.sql.session.timeZone";

  /**
   * Whether Spark compresses the columns of a cached Dataset, unless the installation sets it.
   * centraal caches a source once after validating it, reads it two or three times and releases
   * it (and so for a few stage inputs). Choosing each column's encoding samples every value into
   * hash maps, which for unique text such as transaction ids never pays: on a 3.3M-line CSV the
   * validation's cached scan took 17-20 s compressed and 9-15 s without, for twice the memory
   * (244 MB against 491 MB), which spills to disk when short.
   */
  static final String CACHE_COMPRESSED_KEY = "spark.sql.inMemoryColumnarStorage.compressed";

  /**
   * Generated classes a JVM keeps compiled, unless the installation sets {@value #CODEGEN_CACHE_KEY}.
   * Spark compiles each query's generated Java with Janino and keeps the last 100 classes by their
   * source. A run plans several hundred queries (each source's validation, every stage, Delta's own
   * log queries), and a backfill, a test JVM or the cut-off feature builds plan the same ones again:
   * with 100 they are compiled anew each time. Each entry is one compiled class (tens of KB).
   */
  static final String CODEGEN_CACHE_KEY = "spark.sql.codegen.cache.maxEntries";
  static final String CODEGEN_CACHE_ENTRIES = "2000";

  /**
   * The unit in which Spark's hash aggregations, sorts and hash joins take memory, unless the
   * installation sets {@value #PAGE_SIZE_KEY}. Spark sizes it from the heap and the cores, and any
   * heap above about 2 GB on 2 cores gets its ceiling, 64 MB: then every task that aggregates or
   * sorts even a handful of rows allocates (and the JVM zeroes) one or more 64 MB arrays, and every
   * broadcast hash join keeps one until Spark cleans the broadcast up. In a 20,000-customer run
   * twenty such pages (1.3 GB) were still held when the score stage began, against 0.5 GB for
   * everything else. A larger record still gets a page of its own size, and a task may hold 8,192
   * pages (16 GB at this size), so only the granularity changes.
   */
  static final String PAGE_SIZE_KEY = "spark.buffer.pageSize";
  static final String PAGE_SIZE = "2m";

  /**
   * Hadoop's implementations of {@code file:} paths, for the FileSystem and the FileContext APIs,
   * unless the installation sets them: {@link ForkFreeLocalFileSystem} and {@link ForkFreeLocalFs},
   * Hadoop's local file system without a {@code chmod} or {@code readlink} process per file written
   * and per Delta commit. Object stores and HDFS are not touched.
   */
  static final String LOCAL_FILE_SYSTEM_KEY = "spark.hadoop.fs.file.impl";
  static final String LOCAL_FILE_CONTEXT_KEY = "spark.hadoop.fs.AbstractFileSystem.file.impl";

  /**
   * Partitions Delta uses to rebuild a table's state (its file list) from the log, unless the
   * installation sets {@value #SNAPSHOT_PARTITIONS_KEY} itself. Delta's default, 50, is sized for
   * large tables: every scan of a new table version pays a 50-task job, which for centraal's tables
   * (a few hundred files at most per version) was the largest single cost of a small run.
   */
  static final String SNAPSHOT_PARTITIONS_KEY = "spark.databricks.delta.snapshotPartitions";
  static final String SNAPSHOT_PARTITIONS = "4";
  /**
   * Tasks of a parallel file listing, unless the installation sets it. Delta's VACUUM lists a
   * table's directories with this many tasks, and Spark's default is 10,000: erasing one person
   * from a 2,000-customer demo ran 100,820 tasks and took 10 minutes, all but a minute of it in
   * VACUUM's listings.
   */
  static final String LISTING_PARALLELISM_KEY = "spark.sql.sources.parallelPartitionDiscovery.parallelism";
  static final String LISTING_PARALLELISM = "8";

  /**
   * How deep Spark looks into a failed task's exception for a fatal error before it ends the
   * executor. In local mode the executor is the command's own JVM: with Spark's default, a task that
   * runs out of heap ends the process (exit 52) before the command can say why. At 0 the task fails
   * like any other, the job stops, and the command line says what ran out and what to change
   * ({@link OutOfResources}, exit 6). On a cluster an executor whose heap ran out must still be
   * replaced, so other masters keep Spark's default; so does an installation that sets it.
   */
  static final String KILL_ON_FATAL_ERROR_KEY = "spark.executor.killOnFatalError.depth";

  /** The settings that depend on the master: {@link #KILL_ON_FATAL_ERROR_KEY} for a local one. */
  public static SparkSession.Builder forMaster(SparkSession.Builder builder, String master) {
    return isLocal(master) ? unlessInstalled(builder, KILL_ON_FATAL_ERROR_KEY, "0") : builder;
  }

  /** Whether {@code master} runs the executor in this JVM ({@code local}, {@code local[...]}). */
  public static boolean isLocal(String master) {
    return master.equals("local") || master.startsWith("local[");
  }

  /**
   * Sets {@code key} unless the installation does (spark-defaults.conf, {@code --conf} or a
   * {@code spark.*} system property, all of which a new {@link org.apache.spark.SparkConf} reads).
   */
  private static SparkSession.Builder unlessInstalled(SparkSession.Builder builder, String key, String value) {
    return new org.apache.spark.SparkConf().contains(key) ? builder : builder.config(key, value);
  }

  private static SparkSession.Builder withDelta(SparkSession.Builder builder) {
    return unlessInstalled(unlessInstalled(builder, SNAPSHOT_PARTITIONS_KEY, SNAPSHOT_PARTITIONS),
            LISTING_PARALLELISM_KEY, LISTING_PARALLELISM)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        // Re-running a date must replace exactly that date; keep Delta's check that rows written
        // with replaceWhere match the predicate.
        .config("spark.databricks.delta.replaceWhere.constraintCheck.enabled", "true")
        .config("spark.databricks.delta.schema.autoMerge.enabled", "false");
  }
}
