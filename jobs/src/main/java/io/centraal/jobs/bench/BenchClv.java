package io.centraal.jobs.bench;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.centraal.jobs.Sessions;
import io.centraal.jobs.CommonOptions;
import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.features.TimeUnit;
import io.centraal.scoring.features.PurchaseRule;
import io.centraal.scoring.model.btyd.BgNbdModel;
import io.centraal.scoring.model.btyd.BreezeLbfgs;
import io.centraal.scoring.model.btyd.BgNbdSimulator;
import io.centraal.scoring.model.btyd.BtydModels;
import io.centraal.scoring.model.btyd.BtydSummary;
import io.centraal.scoring.model.btyd.ClvIntervalScoring;
import io.centraal.scoring.model.btyd.ClvScoring;
import io.centraal.scoring.model.btyd.IntervalSettings;
import io.centraal.scoring.model.btyd.ClvSettings;
import io.centraal.scoring.model.btyd.FitOptions;
import io.centraal.scoring.model.btyd.FitResult;
import io.centraal.scoring.model.btyd.GammaGammaModel;
import io.centraal.scoring.model.btyd.TransactionSummary;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.schema.ScoreColumns;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code centraal bench clv}: read a transactions CSV, build the BTYD summary, fit BG/NBD and
 * Gamma-Gamma, and score every customer (P(alive), expected purchases, expected spend, CLV): the
 * score job's fit and scoring stages, with the BTYD-only summary ({@link BtydSummary}, equal to
 * the feature path's BTYD columns) in place of the full feature summary. The data is simulated from known BG/NBD and Gamma-Gamma
 * parameters (customers acquired evenly over two years, one line per purchase, times in days), so
 * the run also shows parameter recovery at scale.
 *
 * <p>To include JVM start in the figure, generate once with {@code --generate-only} and time the
 * {@code --input} run as a whole process with {@code /usr/bin/time -v} (see README).
 */
@Command(name = "clv", mixinStandardHelpOptions = true,
    description = "CLV benchmark: CSV -> BTYD summary -> BG/NBD + Gamma-Gamma fit -> per-customer scores.")
public final class BenchClv implements Callable<Integer> {
  /** BG/NBD truth in days: a purchase every ~3 months while alive, 25% mean dropout per purchase. */
  static final BgNbdModel TRUE_BG_NBD = new BgNbdModel(0.5, 35, 0.8, 2.4);
  /** Gamma-Gamma truth: mean spend per purchase p*gamma/(q-1) = 6*15/2.7 = 33.3. */
  static final GammaGammaModel TRUE_GAMMA_GAMMA = new GammaGammaModel(6, 3.7, 15);
  static final LocalDate AS_OF = LocalDate.parse("2024-12-31");
  static final int ACQUISITION_DAYS = 730;

  @Mixin CommonOptions common;

  @Spec CommandSpec spec;

  @Option(names = "--customers", defaultValue = "1000000", paramLabel = "N",
      description = "Customers to simulate (default ${DEFAULT-VALUE}).")
  int customers;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Simulation seed.")
  long seed;

  @Option(names = "--csv", paramLabel = "FILE",
      description = "Where to write the simulated CSV (default /tmp/centraal-bench-clv-<N>.csv, or a directory"
          + " /tmp/centraal-bench-clv-<N>-<F>files with --files F).")
  Path csv;

  @Option(names = "--files", defaultValue = "1", paramLabel = "F",
      description = "Write the simulated CSV as F files (part-00000.csv ...) in a directory, customers split"
          + " evenly, the same lines as one file (default ${DEFAULT-VALUE}).")
  int files;

  @Option(names = "--multiline",
      description = "Read with Spark's multiLine CSV mode: each file streams through one parser (no parser"
          + " restart per line: less CPU), but in one task: for inputs of several files (see README).")
  boolean multiline;

  @Option(names = "--generate-only", description = "Write the CSV and stop.")
  boolean generateOnly;

  @Option(names = "--input", paramLabel = "FILE",
      description = "Skip generation: benchmark this CSV file or directory of CSV files (customer_id,date,amount;"
          + " as written by --generate-only).")
  Path input;

  @Option(names = "--partitions", defaultValue = "4", paramLabel = "P",
      description = "spark.sql.shuffle.partitions for the run (default ${DEFAULT-VALUE}: 2 cores x 2).")
  int partitions;

  @Option(names = "--explain", description = "Print the summary's physical plan to stderr.")
  boolean explain;

  @Override
  public Integer call() throws IOException {
    long start = System.nanoTime();
    Path file = input;
    if (file == null) {
      if (files < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--files must be at least 1, got " + files);
      }
      String defaultName = "centraal-bench-clv-" + customers + (files == 1 ? ".csv" : "-" + files + "files");
      file = csv != null ? csv : Path.of("/tmp", defaultName);
      long lines = generate(file, customers, seed, files);
      System.out.printf(Locale.ROOT, "generated %,d customers, %,d transactions into %s in %.1f s (not timed)%n",
          customers, lines, file, BenchStages.seconds(start));
      if (generateOnly) {
        return 0;
      }
    }
    CentraalSettings settings = common.settings();
    BenchStages stages = new BenchStages();
    BreezeLbfgs.initialiseInBackground(); // overlaps Breeze's one-off start-up with reading the data
    // On one machine the shuffle files and the cached summary stay in the page cache and memory:
    // compressing them costs CPU and saves nothing (read before the context starts).
    System.setProperty("spark.shuffle.compress", "false");
    System.setProperty("spark.shuffle.spill.compress", "false");
    SparkSession spark = Sessions.createWithoutTables("bench clv");
    spark.conf().set("spark.sql.inMemoryColumnarStorage.compressed", "false");
    spark.conf().set("spark.sql.shuffle.partitions", Integer.toString(partitions));
    // The plan has one shuffle into a fixed number of partitions: adaptive execution has nothing
    // to coalesce or re-join, and re-planning after each stage cost ~0.5 s of a cold JVM's time.
    spark.conf().set("spark.sql.adaptive.enabled", "false");
    // Two CSV splits per core, so a core that finishes early takes over half a split's work
    // rather than waiting on the other core's whole split.
    int cores = spark.sparkContext().defaultParallelism();
    spark.conf().set("spark.sql.files.maxPartitionBytes",
        Long.toString(Math.max(1L << 20, inputBytes(file) / (2L * cores) + 1)));
    stages.end("spark session");

    Dataset<Row> summary = summary(spark, file.toString(), multiline).persist(StorageLevel.MEMORY_AND_DISK());
    if (explain) {
      System.err.println(summary.queryExecution().executedPlan().treeString());
    }
    FitOptions options = settings.clv().fitOptions(TimeUnit.DAYS);
    BtydModels.Summaries distinctRows = BtydModels.collectSummaries(summary);
    TransactionSummary distinct = distinctRows.transactions();
    stages.end(String.format(Locale.ROOT, "read CSV + summary + distinct rows (%,d (x, t_x, T), %,d (x, m_x))",
        distinct.distinctRows(), distinctRows.spend().distinctRows()));
    FitResult bgNbd = BgNbdModel.fit(distinct, options);
    stages.end("BG/NBD fit (" + bgNbd.iterations() + " iterations)");
    FitResult gammaGamma = GammaGammaModel.fit(distinctRows.spend(), options);
    stages.end(String.format(Locale.ROOT, "Gamma-Gamma fit (%,d repeat buyers, %d iterations)",
        gammaGamma.customers(), gammaGamma.iterations()));

    ClvSettings clv = settings.clv().toClvSettings(TimeUnit.DAYS);
    Row totals = ClvScoring.score(summary, bgNbd, gammaGamma, clv)
        .agg(count(lit(1)), avg(col(ScoreColumns.P_ALIVE)),
            sum(col(ScoreColumns.expectedPurchases(clv.horizonLabel()))), sum(col(ScoreColumns.clv(clv.horizonLabel()))))
        .first();
    stages.end("scoring (p_alive, E[X], spend, CLV)");
    IntervalSettings intervals = settings.clv().intervals();
    Row bounds = null;
    if (intervals.enabled()) {
      // What the score job adds for the interval columns: the same scoring under each parameter draw.
      bounds = ClvIntervalScoring.score(summary, Optional.of(bgNbd), Optional.of(gammaGamma), clv, intervals)
          .agg(sum(col(ScoreColumns.lower(ScoreColumns.clv(clv.horizonLabel())))),
              sum(col(ScoreColumns.upper(ScoreColumns.clv(clv.horizonLabel())))))
          .first();
      stages.end(String.format(Locale.ROOT, "intervals (%d replicates, P%.0f-P%.0f)", intervals.replicates(),
          100 * intervals.lower(), 100 * intervals.upper()));
    }
    summary.unpersist();

    System.out.printf(Locale.ROOT, "bench clv: %,d customers scored from %s (shuffle partitions %d%s)%n",
        totals.getLong(0), file, partitions, multiline ? ", multiLine CSV" : "");
    stages.print();
    System.out.printf(Locale.ROOT, "  mean p_alive %.4f, expected purchases %s %,.0f, CLV %s %,.0f%n",
        totals.getDouble(1), clv.horizonLabel(), totals.getDouble(2), clv.horizonLabel(), totals.getDouble(3));
    if (bounds != null) {
      System.out.printf(Locale.ROOT, "  CLV %s summed over customers at their lower / upper bounds: %,.0f / %,.0f%n",
          clv.horizonLabel(), bounds.getDouble(0), bounds.getDouble(1));
    }
    printRecovery(bgNbd, new double[] {TRUE_BG_NBD.r(), TRUE_BG_NBD.alpha(), TRUE_BG_NBD.a(), TRUE_BG_NBD.b()});
    printRecovery(gammaGamma, new double[] {TRUE_GAMMA_GAMMA.p(), TRUE_GAMMA_GAMMA.q(), TRUE_GAMMA_GAMMA.gamma()});
    return 0;
  }

  /** True vs estimated parameters with standard errors and z = (estimate - truth) / SE. */
  static void printRecovery(FitResult fit, double[] truth) {
    System.out.printf(Locale.ROOT, "  %s (true vs estimate +- SE):%n", fit.modelName());
    for (int i = 0; i < truth.length; i++) {
      double est = fit.params()[i];
      double se = fit.standardErrors()[i];
      System.out.printf(Locale.ROOT, "    %-6s true %9.4f  estimate %9.4f +- %.4f  z %+.2f%n",
          fit.paramNames().get(i), truth[i], est, se, (est - truth[i]) / se);
    }
  }

  /**
   * The BTYD summary of the CSV through the pipeline's BTYD-only stage ({@link BtydSummary}), read
   * with an explicit schema (no inference pass), in days, every sale a purchase. The date is read
   * as text and cast: Spark's cast parses ISO dates directly, where the CSV reader's date parsing
   * goes through a java.time formatter per value.
   *
   * <p>{@code multiLine}: Spark's default CSV mode splits files and hands the parser one line at a
   * time, restarting it per line (measured: about 1 microsecond a line, 3 of the 8 CPU-seconds of
   * a warm 1M read + summary); multiLine streams each whole file through one parser, which cannot
   * split a file, so it only pays when the input is several files.
   */
  static Dataset<Row> summary(SparkSession spark, String path, boolean multiLine) {
    StructType schema = new StructType()
        .add("customer_id", DataTypes.LongType, false)
        .add("date", DataTypes.StringType, false)
        .add("amount", DataTypes.DoubleType, false);
    Column date = col("date").cast(DataTypes.DateType);
    Dataset<Row> transactions = spark.read().schema(schema).option("header", "true").option("mode", "FAILFAST")
        .option("multiLine", multiLine).csv(path)
        .select(col("customer_id").as(FeatureColumns.CUSTOMER_KEY),
            // An unparsable date would become null and vanish from the summary: fail instead.
            // An empty date arrives as null: name it, or concat's null would leave the error blank.
            when(date.isNull(), raise_error(concat(lit("bad date '"), coalesce(col("date"), lit("")),
                lit("' for customer_id "), col("customer_id").cast(DataTypes.StringType)))).otherwise(date)
                .as(Transactions.TS),
            col("amount").as(Transactions.AMOUNT));
    return BtydSummary.of(transactions, AS_OF, TimeUnit.DAYS, PurchaseRule.ANY_SALE);
  }

  /**
   * Writes {@code customer_id,date,amount}, one line per purchase: first purchase on a day drawn
   * evenly from the two years before the as-of date, repeat purchases from the BG/NBD process,
   * each amount from the customer's Gamma-Gamma spend distribution. With {@code files > 1},
   * {@code target} is a directory of {@code part-NNNNN.csv} files, each with the header and a
   * contiguous range of customers: the same lines as one file, as the draws run in customer order.
   * Returns the number of lines.
   */
  static long generate(Path target, int customers, long seed, int files) throws IOException {
    BgNbdSimulator simulator = new BgNbdSimulator(TRUE_BG_NBD);
    SplittableRandom rng = new SplittableRandom(seed);
    if (files > 1) {
      Files.createDirectories(target);
    }
    long lines = 0;
    StringBuilder line = new StringBuilder(64);
    int c = 1;
    for (int f = 0; f < files; f++) {
      Path file = files == 1 ? target : target.resolve(String.format(Locale.ROOT, "part-%05d.csv", f));
      int lastCustomer = (int) ((long) customers * (f + 1) / files);
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
        out.write("customer_id,date,amount\n");
        for (; c <= lastCustomer; c++) {
          int age = 1 + rng.nextInt(ACQUISITION_DAYS);
          LocalDate first = AS_OF.minusDays(age);
          double nu = BgNbdSimulator.gamma(TRUE_GAMMA_GAMMA.q(), rng) / TRUE_GAMMA_GAMMA.gamma();
          double[] repeats = simulator.repeatPurchaseTimes(age, rng);
          lines += write(out, line, c, first, TRUE_GAMMA_GAMMA.p(), nu, rng);
          for (double t : repeats) {
            // A purchase at continuous time t falls on day ceil(t) after the first (same day merges).
            lines += write(out, line, c, first.plusDays((long) Math.min(Math.ceil(t), age)), TRUE_GAMMA_GAMMA.p(), nu,
                rng);
          }
        }
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    return lines;
  }

  /** The bytes to read: the file's size, or the sum of a directory's files (for the split size). */
  static long inputBytes(Path input) throws IOException {
    if (!Files.isDirectory(input)) {
      return Files.size(input);
    }
    long bytes = 0;
    try (Stream<Path> entries = Files.list(input)) {
      for (Path p : entries.filter(Files::isRegularFile).toList()) {
        bytes += Files.size(p);
      }
    }
    return bytes;
  }

  private static int write(BufferedWriter out, StringBuilder line, int customer, LocalDate day, double p, double nu,
                           SplittableRandom rng) throws IOException {
    double amount = BgNbdSimulator.gamma(p, rng) / nu;
    line.setLength(0);
    line.append(customer).append(',').append(day).append(',');
    line.append(Math.round(amount * 100) / 100.0).append('\n');
    out.append(line);
    return 1;
  }
}
