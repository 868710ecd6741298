package io.centraal.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;

import io.centraal.jobs.Sessions;
import io.centraal.jobs.CentraalCli;
import io.centraal.scoring.run.InvalidConfigException;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.schema.TableNames;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code centraal bench faults}: kills a run (SIGKILL) inside its writes, over and over, and shows
 * that the data directory never shows a half result and that a re-run heals it (see {@link
 * FaultLoop}). The data: a small demo data set scored for its last day (the day before, so to
 * speak); the day scored under fire is a week later. The kills go round-robin over the bronze
 * MERGE of {@code ingest}, the gold replaceWhere, the drop publish and the JDBC upsert of {@code
 * export} (the JDBC upsert only when PostgreSQL's server binaries are installed: a throwaway server
 * is started), and {@code erase}.
 */
@Command(name = "faults", mixinStandardHelpOptions = true,
    description = "Kill ingest, export and erase (SIGKILL) at random points of their writes; check every table, "
        + "drop and the JDBC table after each kill, re-run, and compare content checksums with an undisturbed run.")
public final class BenchFaults implements Callable<Integer> {
  @Option(names = "--iterations", defaultValue = "20", description = "Killed runs (default ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--customers", defaultValue = "1000", description = "Demo customers (default ${DEFAULT-VALUE}).")
  long customers;

  @Option(names = "--seed", defaultValue = "7", description = "Seed of the demo data and of the kill points (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--no-jdbc", description = "Leave out the JDBC upsert even when PostgreSQL is installed.")
  boolean noJdbc;

  /** Data directory, snapshots and child logs: emptied first, kept afterwards for the child logs. */
  @Mixin WorkDirOptions work;

  /** The child processes must hash exactly as this one: same keys, from the environment. */
  static final List<String> KEY_VARIABLES = List.of("CENTRAAL_EMAIL_HASH_KEY", "CENTRAAL_PSEUDONYM_KEY");
  static final String JDBC_TABLE = "customer_scores";

  @Override
  public Integer call() throws Exception {
    for (String key : KEY_VARIABLES) {
      String value = System.getenv(key);
      if (value == null || value.length() < 16) {
        throw new InvalidConfigException("bench faults: set " + KEY_VARIABLES + " (test values of at least 16 "
            + "characters): the killed child processes and this one must hash with the same keys");
      }
    }
    Path workDir = work.claimEmpty();
    Path data = workDir.resolve("data");
    Optional<Path> pgBin = noJdbc ? Optional.empty() : ThrowawayPostgres.serverBinaries();
    try (ThrowawayPostgres pg = pgBin.isPresent() ? ThrowawayPostgres.start(pgBin.get(), workDir.resolve("postgres")) : null) {
      SparkSession spark = Sessions.create("bench faults");
      List<String> settings = new ArrayList<>(List.of("--set", "paths.data-dir=" + data));
      if (pg != null) {
        settings.addAll(List.of("--set", "export.jdbc.enabled=true", "--set", "export.jdbc.url=" + pg.url(),
            "--set", "export.jdbc.user=" + ThrowawayPostgres.USER, "--set", "export.jdbc.table=" + JDBC_TABLE));
      }
      LocalDate previous = LocalDate.parse("2024-12-31"); // the demo's last day (centraal.demo.end-date)
      LocalDate date = previous.plusDays(7);
      FaultLoop loop = new FaultLoop(spark, data, workDir, date.toString(), settings, pg, JDBC_TABLE, seed);
      long t0 = System.nanoTime();

      // The day before: generated data, scored and exported (the demo exports no JDBC: export again with it).
      require(loop.runHere(List.of("demo", "--customers", Long.toString(customers), "--seed", Long.toString(seed),
          "--out", data.toString(), "--run-id", "bench-faults-previous")), "demo");
      if (pg != null) {
        require(loop.runHere(List.of("export", "--as-of", previous.toString(), "--run-id", "bench-faults-previous")),
            "export " + previous);
      }
      List<String> day = List.of("--as-of", date.toString(), "--run-id", "bench-faults");
      FaultLoop.Baseline ingest = loop.baseline("before-ingest", concat(List.of("ingest"), day),
          List.of(FaultStage.BRONZE_MERGE));
      for (String job : List.of("identity", "features", "score")) {
        require(loop.runHere(concat(List.of(job), day)), job);
      }
      List<FaultStage> exportStages = pg != null
          ? List.of(FaultStage.GOLD_REPLACE_WHERE, FaultStage.DROP_PUBLISH, FaultStage.JDBC_UPSERT)
          : List.of(FaultStage.GOLD_REPLACE_WHERE, FaultStage.DROP_PUBLISH);
      FaultLoop.Baseline export = loop.baseline("before-export", concat(List.of("export"), day), exportStages);
      FaultLoop.Baseline erase = loop.baseline("before-erase", List.of("erase", "--ref", erasedReference(spark, data, date),
          "--request-id", "bench-faults-erase"), List.of(FaultStage.ERASE));
      System.out.printf(Locale.ROOT, "bench faults: undisturbed runs done in %.0f s; windows: ingest %s, export %s, erase %s%n",
          BenchStages.seconds(t0), ingest.windowMillis(), export.windowMillis(), erase.windowMillis());

      List<FaultStage> order = new ArrayList<>(List.of(FaultStage.BRONZE_MERGE, FaultStage.GOLD_REPLACE_WHERE,
          FaultStage.DROP_PUBLISH, FaultStage.JDBC_UPSERT, FaultStage.ERASE));
      if (pg == null) {
        order.remove(FaultStage.JDBC_UPSERT);
        System.out.println("bench faults: no PostgreSQL server binaries (or --no-jdbc): the JDBC upsert is not killed");
      }
      List<FaultLoop.Outcome> outcomes = new ArrayList<>();
      for (int i = 1; i <= iterations; i++) {
        FaultStage stage = order.get((i - 1) % order.size());
        FaultLoop.Baseline b = stage == FaultStage.BRONZE_MERGE ? ingest : stage == FaultStage.ERASE ? erase : export;
        FaultLoop.Outcome o = loop.kill(i, stage, b);
        outcomes.add(o);
        System.out.println(row(o) + (o.detail().isEmpty() ? "" : "\n     " + o.detail()));
      }
      System.out.println();
      System.out.println(table(outcomes));
      long failed = outcomes.stream().filter(o -> !o.passed()).count();
      System.out.printf(Locale.ROOT, "bench faults: %d killed runs, %d failed a check; %d customers, %.0f s in all%n",
          outcomes.size(), failed, customers, BenchStages.seconds(t0));
      return failed == 0 ? 0 : CentraalCli.EXIT_FAILED;
    }
  }

  /** A card or account reference of the first customer (by key) in the date's marketing drop. */
  static String erasedReference(SparkSession spark, Path data, LocalDate date) {
    Row key = spark.read().format("delta").load(data.resolve("gold").resolve(TableNames.CUSTOMER_SCORES).toString())
        .where(col(ScoreColumns.AS_OF_DATE).equalTo(java.sql.Date.valueOf(date)).and(col(FeatureColumns.MARKETING_ALLOWED)))
        .agg(min(ScoreColumns.CUSTOMER_KEY)).first();
    Row ref = spark.read().format("delta").load(data.resolve("silver").resolve(TableNames.IDENTITY_MAP).toString())
        .where(col(FeatureColumns.CUSTOMER_KEY).equalTo(key.getLong(0)).and(col(LogColumns.REF).rlike("^[0-9a-f]{64}$").unary_$bang()))
        .agg(min(LogColumns.REF)).first();
    return ref.getString(0);
  }

  private static void require(int exit, String what) {
    if (exit != 0 && exit != CentraalCli.EXIT_DEGRADED) {
      throw new IllegalStateException("bench faults: the undisturbed `" + what + "` failed (exit " + exit + ")");
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  static String header() {
    return String.format(Locale.ROOT, "| %2s | %-17s | %-18s | %-26s | %-8s | %-9s | %-8s | %-11s |", "#", "stage",
        "kill at (window)", "changed tables' versions", "readable", "half drop", "database", "re-run same");
  }

  /** One line of the table: iteration, stage, kill point after the stage's first file (its undisturbed length), checks. */
  static String row(FaultLoop.Outcome o) {
    return String.format(Locale.ROOT, "| %2d | %-17s | %-18s | %-26s | %-8s | %-9s | %-8s | %-11s |", o.iteration(),
        o.stage().label, o.killed() ? String.format(Locale.ROOT, "%d ms (%d ms)", o.killAtMillis(), o.windowMillis())
            : "not killed", o.versions(), yes(o.readable()), yes(o.halfDropVisible()), o.database(), yes(o.rerunEqual()));
  }

  static String table(List<FaultLoop.Outcome> outcomes) {
    StringBuilder b = new StringBuilder(header()).append('\n')
        .append("|----|-------------------|--------------------|----------------------------|----------|-----------|----------|-------------|\n");
    outcomes.forEach(o -> b.append(row(o)).append('\n'));
    return b.toString();
  }

  private static String yes(boolean b) {
    return b ? "yes" : "no";
  }
}
