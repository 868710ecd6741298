package io.centraal.jobs.bench;

import io.centraal.jobs.CentraalCli;
import io.centraal.scoring.schema.TableNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;

/**
 * Kills a {@code centraal} command (SIGKILL) inside one of its writes and checks that a re-run
 * heals it. First an undisturbed {@link #baseline} of the command from a snapshot of the data
 * directory records every table's version before and after, the content checksums after, and how
 * long each watched write lasts. Then each {@link #kill} restores the snapshot, starts the command
 * in a fresh JVM, SIGKILLs it at a random point of the chosen write, checks what a reader sees
 * (every table readable, at a version between the one before and the one after; no drop folder
 * visible without being complete; the database at its old or its new content), re-runs the
 * command in this process to completion and compares the content checksums with the baseline's.
 *
 * <p>run_log is checked for readability and versions but left out of the checksums: it records
 * every attempt, and a killed attempt's finished jobs stay recorded (as they should).
 */
final class FaultLoop {
  /** A command as run undisturbed from a snapshot. */
  record Baseline(String snapshot, List<String> args, int exitCode, Map<String, Long> versionsBefore,
                  Map<String, Long> versionsAfter, Map<FaultStage, Long> windowMillis, Map<String, String> checksums,
                  String jdbcBefore) {
    /** Tables the command changes, run_log excepted (see the class comment). */
    Set<String> changedTables() {
      Set<String> out = new TreeSet<>();
      versionsAfter.forEach((t, v) -> {
        if (!v.equals(versionsBefore.get(t)) && !t.endsWith("/" + TableNames.RUN_LOG)) {
          out.add(t);
        }
      });
      return out;
    }
  }

  /** One killed run and its checks. */
  record Outcome(int iteration, FaultStage stage, boolean killed, long killAtMillis, long windowMillis,
                 String versions, boolean readable, boolean halfDropVisible, String database, boolean rerunEqual,
                 String detail) {
    /** What the database table held after the kill: old, new, MIXED, or "-" without a database. */
    boolean passed() {
      return killed && readable && !halfDropVisible && !database.equals("MIXED") && rerunEqual;
    }
  }

  private final SparkSession spark;
  private final Path dataDir;
  private final Path work;
  private final String date;
  private final List<String> settings;
  private final ThrowawayPostgres database;
  private final String jdbcTable;
  private final Random random;

  /**
   * {@code settings}: the --set options every command gets (the data directory, the database);
   * {@code database}: the JDBC export's server, or null when there is none.
   */
  FaultLoop(SparkSession spark, Path dataDir, Path work, String date, List<String> settings, ThrowawayPostgres database,
            String jdbcTable, long seed) {
    this.spark = spark;
    this.dataDir = dataDir;
    this.work = work;
    this.date = date;
    this.settings = settings;
    this.database = database;
    this.jdbcTable = jdbcTable;
    this.random = new Random(seed);
  }

  /** {@code centraal <args> <settings>} in this process; its exit code. */
  int runHere(List<String> args) {
    List<String> all = new ArrayList<>(args);
    all.addAll(settings);
    return CentraalCli.execute(all.toArray(String[]::new));
  }

  /** Snapshots the data directory (and database table) as {@code snapshot}, then runs {@code args} undisturbed, watching {@code stages}. */
  Baseline baseline(String snapshot, List<String> args, List<FaultStage> stages) {
    DataDirectoryState.copy(dataDir, work.resolve(snapshot));
    String jdbcBefore = saveDatabase(snapshot);
    Map<String, Long> before = DataDirectoryState.versions(dataDir);
    Map<FaultStage, StageWatch> watches = new LinkedHashMap<>();
    stages.forEach(s -> watches.put(s, new StageWatch(dataDir, s, date)));
    int exit = runHere(args);
    Map<FaultStage, Long> windows = new LinkedHashMap<>();
    watches.forEach((s, w) -> {
      w.close();
      if (w.windowMillis() < 0) {
        throw new IllegalStateException("the undisturbed `" + String.join(" ", args) + "` never showed the files of the "
            + s.label + " (started and committed): the benchmark cannot place its kills");
      }
      windows.put(s, w.windowMillis());
    });
    Baseline b = new Baseline(snapshot, args, exit, before, DataDirectoryState.versions(dataDir), windows, Map.of(),
        jdbcBefore);
    return new Baseline(snapshot, args, exit, before, b.versionsAfter(), windows, checksums(b.changedTables()), jdbcBefore);
  }

  /** Iteration {@code iteration}: kill {@code b}'s command inside {@code stage}, check, re-run, compare. */
  Outcome kill(int iteration, FaultStage stage, Baseline b) throws IOException, InterruptedException {
    long window = b.windowMillis().get(stage);
    long delay = (long) (random.nextDouble() * window * 1.25);
    List<String> args = new ArrayList<>(b.args());
    args.addAll(settings);
    Path log = Files.createDirectories(work.resolve("logs")).resolve(String.format(Locale.ROOT, "kill-%02d.log", iteration));
    Process child = null;
    boolean killed = false;
    // A child may run faster than the undisturbed baseline and end before the kill point: then
    // again from the snapshot, with half the delay (at most three tries).
    for (int attempt = 0; attempt < 3 && !killed; attempt++) {
      if (attempt > 0) {
        delay /= 2;
      }
      DataDirectoryState.copy(work.resolve(b.snapshot()), dataDir);
      restoreDatabase(b.snapshot());
      DeltaLog.clearCache();
      try (StageWatch watch = new StageWatch(dataDir, stage, date)) {
        child = ChildJvm.start(args, log);
        while (watch.startedNanos() < 0 && child.isAlive()) {
          Thread.sleep(2);
        }
        long killAt = watch.startedNanos() + TimeUnit.MILLISECONDS.toNanos(delay);
        while (System.nanoTime() < killAt && child.isAlive()) {
          Thread.sleep(1);
        }
        killed = child.isAlive() && watch.startedNanos() >= 0;
        child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no lease release, no cleanup
        child.waitFor(60, TimeUnit.SECONDS);
      }
    }
    DeltaLog.clearCache();
    List<String> problems = new ArrayList<>();
    if (!killed) {
      problems.add("the child ended (exit " + child.exitValue() + ") before the kill; see " + log);
    }

    // What a reader sees now.
    Map<String, Long> now = DataDirectoryState.versions(dataDir);
    int atBefore = 0;
    int atAfter = 0;
    int between = 0;
    boolean readable = true;
    for (Map.Entry<String, Long> e : b.versionsAfter().entrySet()) {
      String table = e.getKey();
      long after = e.getValue();
      long prior = b.versionsBefore().getOrDefault(table, -1L);
      long v = now.getOrDefault(table, -1L);
      if (after == prior) {
        if (v != prior) {
          problems.add(table + " changed (" + prior + " -> " + v + ") but the command does not write it");
        }
        continue;
      }
      if (v < prior || v > after) {
        problems.add(table + " at version " + v + ", outside " + prior + ".." + after);
      }
      if (v == prior) {
        atBefore++;
      } else if (v == after) {
        atAfter++;
      } else {
        between++;
      }
      if (v >= 0) {
        try {
          spark.read().format("delta").load(dataDir.resolve(table).toString()).count();
        } catch (RuntimeException unreadable) {
          readable = false;
          problems.add(table + " unreadable: " + unreadable.getMessage());
        }
      }
    }
    String versions = "before " + atBefore + ", after " + atAfter + (between > 0 ? ", between " + between : "");
    List<String> half = DropFolders.halfVisible(dropRoot());
    problems.addAll(half);
    String databaseState = "-";
    if (database != null) {
      String seen = databaseChecksum();
      databaseState = seen.equals(b.jdbcBefore()) ? "old" : seen.equals(b.checksums().get("jdbc")) ? "new" : "MIXED";
      if (databaseState.equals("MIXED")) {
        problems.add("database table neither at its old nor at its new content: " + seen);
      }
    }

    // The re-run heals.
    int exit = runHere(b.args());
    DeltaLog.clearCache();
    boolean equal = exit == b.exitCode();
    if (!equal) {
      problems.add("re-run exit " + exit + ", undisturbed " + b.exitCode());
    }
    Map<String, String> rerun = checksums(b.changedTables());
    for (Map.Entry<String, String> e : b.checksums().entrySet()) {
      if (!e.getValue().equals(rerun.get(e.getKey()))) {
        equal = false;
        problems.add(e.getKey() + ": re-run " + rerun.get(e.getKey()) + ", undisturbed " + e.getValue());
      }
    }
    if (!rerun.keySet().equals(b.checksums().keySet())) {
      equal = false;
      problems.add("re-run outputs " + rerun.keySet() + ", undisturbed " + b.checksums().keySet());
    }
    return new Outcome(iteration, stage, killed, delay, window, versions, readable, !half.isEmpty(),
        databaseState, equal, String.join("; ", problems));
  }

  /** Checksums of {@code tables}, of every drop folder and of the database table. */
  Map<String, String> checksums(Set<String> tables) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String t : tables) {
      out.put(t, ContentChecksums.deltaTable(spark, dataDir.resolve(t).toString()));
    }
    for (Path drop : DropFolders.dateFolders(dropRoot())) {
      out.put("drop " + drop.getFileName(), ContentChecksums.drop(spark, drop));
    }
    if (database != null) {
      out.put("jdbc", databaseChecksum());
    }
    return out;
  }

  private Path dropRoot() {
    return dataDir.resolve("exports").resolve(TableNames.MARKETING_DROP);
  }

  private String databaseChecksum() {
    try (Connection c = database.connect()) {
      return ContentChecksums.jdbcTable(c, jdbcTable);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the database table " + jdbcTable + ": " + e.getMessage(), e);
    }
  }

  /** Copies the database table's rows aside (a table named after the snapshot); returns its checksum. */
  private String saveDatabase(String snapshot) {
    if (database == null) {
      return null;
    }
    String checksum = databaseChecksum();
    try (Connection c = database.connect(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + aside(snapshot));
      if (!checksum.equals("absent")) {
        st.execute("CREATE TABLE " + aside(snapshot) + " AS SELECT * FROM " + jdbcTable);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot copy the database table " + jdbcTable + ": " + e.getMessage(), e);
    }
    return checksum;
  }

  /** Puts the rows saved for {@code snapshot} back (the table keeps its key and columns), or drops the table when it was absent. */
  private void restoreDatabase(String snapshot) {
    if (database == null) {
      return;
    }
    try (Connection c = database.connect(); Statement st = c.createStatement()) {
      try (var rs = st.executeQuery("SELECT to_regclass('" + aside(snapshot) + "') IS NOT NULL")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          st.execute("DROP TABLE IF EXISTS " + jdbcTable);
          return;
        }
      }
      st.execute("TRUNCATE " + jdbcTable);
      st.execute("INSERT INTO " + jdbcTable + " SELECT * FROM " + aside(snapshot));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot restore the database table " + jdbcTable + ": " + e.getMessage(), e);
    }
  }

  private static String aside(String snapshot) {
    return "bench_snapshot_" + snapshot.replaceAll("[^A-Za-z0-9_]", "_");
  }
}
