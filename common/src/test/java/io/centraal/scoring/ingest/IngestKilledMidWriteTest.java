package io.centraal.scoring.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.schema.TableNames;
import io.centraal.scoring.testing.SparkExtension;
import io.centraal.scoring.testing.TestSettings;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed (SIGKILL) while it writes leaves every table as it was, and the re-run gives the
 * correct result. The ingest runs in a child JVM; it is killed as soon as its first data file
 * appears in a table directory, i.e. in the middle of the first Delta write (a large quarantine
 * slice, so that the write lasts seconds and the commit cannot have happened yet).
 */
@ExtendWith(SparkExtension.class)
class IngestKilledMidWriteTest {
  static final LocalDate INGEST_DAY = LocalDate.parse("2024-12-31");
  private static final int NEW_ROWS = 60_000;

  static CentraalSettings settings(Path dataDir, Path input) {
    return TestSettings.withDataDir(dataDir, Map.of("sources.transactions.path", input.toString(),
        "ingest.max-reject-share", "1.0"));
  }

  private static String rows(String prefix, String day, int n, String currency) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(prefix).append(i).append(",L").append(i % 97).append(',').append(day).append(" 10:00:00,")
          .append(1 + i % 50).append(".25,store,s1,1,1.0,").append(currency).append('\n');
    }
    return b.toString();
  }

  @Test
  void killedIngestChangesNoTableAndTheRerunCompletes(SparkSession spark, @TempDir Path dir) throws Exception {
    String header = "transaction_id,customer_ref,ts,amount,channel,store_id,quantity,margin,currency\n";
    Path input = Files.createDirectory(dir.resolve("raw"));
    Files.writeString(input.resolve("june.csv"), header + rows("j", "2024-06-10", 200, "EUR")
        + rows("jbad", "2024-06-11", 3, "XXX"));
    Path data = dir.resolve("data");
    CentraalSettings settings = settings(data, input);
    Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT,
        new RunContext(LocalDate.parse("2024-06-30"), "june", "test"), INGEST_DAY);
    String bronze = settings.paths().bronze(SourceContracts.TRANSACTIONS);
    String quarantine = settings.paths().bronze(TableNames.QUARANTINE);
    List<Long> before = state(spark, bronze, quarantine);

    // July: as many bad rows (unknown currency) as good ones, so the quarantine write is large.
    Files.writeString(input.resolve("july.csv"), header + rows("u", "2024-07-10", NEW_ROWS, "EUR")
        + rows("ubad", "2024-07-11", NEW_ROWS, "XXX"));
    Set<Path> filesBefore = dataFiles(data);
    Process child = startChild(dir, data, input);
    Path written = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (written == null && System.nanoTime() < deadline) {
      boolean alive = child.isAlive();
      written = dataFiles(data).stream().filter(f -> !filesBefore.contains(f)).findFirst().orElse(null);
      if (written == null && !alive) {
        break;
      }
      if (written == null) {
        Thread.sleep(5);
      }
    }
    child.destroyForcibly();  // SIGKILL on Linux: no shutdown hooks, no cleanup
    child.waitFor(30, TimeUnit.SECONDS);
    if (written == null) {
      fail("the child ingest never started writing (alive=" + child.isAlive() + "); its log:\n"
          + tail(dir.resolve("child.log")));
    }

    assertEquals(before, state(spark, bronze, quarantine),
        "versions and row counts of bronze and quarantine are unchanged after the kill (it left " + written + ")");

    Ingestion.SourceOutcome rerun = Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT,
        new RunContext(LocalDate.parse("2024-07-31"), "july-rerun", "test"), INGEST_DAY);
    assertEquals(NEW_ROWS, rerun.inserted(), "the re-run inserts exactly the July rows: " + rerun);
    assertEquals(200 + NEW_ROWS, DeltaTables.read(spark, bronze).count());
    // June's slice (3) stays; July's slice holds the re-read June bad rows (3) and July's.
    assertEquals(3 + 3 + NEW_ROWS, DeltaTables.read(spark, quarantine).count());
  }

  /** Latest version and row count of each table. */
  private static List<Long> state(SparkSession spark, String... tables) {
    List<Long> out = new ArrayList<>();
    for (String t : tables) {
      out.add(DeltaTables.latestVersion(spark, t));
      out.add(DeltaTables.read(spark, t).count());
    }
    return out;
  }

  /** Data files (and their temp and checksum files) under {@code dir}; tolerant of files vanishing. */
  private static Set<Path> dataFiles(Path dir) {
    Set<Path> out = new java.util.HashSet<>();
    File[] entries = dir.toFile().listFiles();  // null when the directory is gone or unreadable
    if (entries == null) {
      return out;
    }
    for (File f : entries) {
      if (f.isDirectory()) {
        out.addAll(dataFiles(f.toPath()));
      } else if (f.getName().contains(".parquet")) {
        out.add(f.toPath());
      }
    }
    return out;
  }

  private static Process startChild(Path dir, Path data, Path input) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // The module opens Spark needs, and the test JVM's compiler and collector choice (pom: test.jvm.tuning).
      if (arg.startsWith("--add-opens") || arg.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || arg.startsWith("-Djdk.reflect") || arg.startsWith("-XX:TieredStopAtLevel") || arg.matches("-XX:\\+Use\\w+GC")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), IngestChildProcess.class.getName(),
        data.toString(), input.toString(), "2024-07-31"));
    File log = dir.resolve("child.log").toFile();
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
