package io.centraal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exit codes of the CLI, without starting Spark (argument and config errors fail before it). */
class CentraalCliTest {
  @Test
  void helpExitsZeroEverywhere() {
    for (String cmd : new String[] {"--help", "demo --help", "generate --help", "run --help", "ingest --help",
        "identity --help", "features --help", "score --help", "export --help", "status --help", "erase --help",
        "retention --help", "backtest --help", "bench clv --help", "bench clv-recovery --help",
        "report --help"}) {
      assertEquals(0, CentraalCli.execute(cmd.split(" ")), cmd);
    }
  }

  @Test
  void badArgumentsExitTwo() {
    assertEquals(2, CentraalCli.execute("run"), "missing --as-of");
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-13-01"));
    assertEquals(2, CentraalCli.execute("report"), "report without --as-of");
    assertEquals(2, CentraalCli.execute("frobnicate"));
    assertEquals(2, CentraalCli.execute());
  }

  @Test
  void aBackfillRunsEveryDateOfTheRangeInOrderAndRejectsBadRanges() {
    assertEquals(List.of(LocalDate.of(2024, 2, 28), LocalDate.of(2024, 2, 29), LocalDate.of(2024, 3, 1)),
        RunCommand.dates(null, LocalDate.of(2024, 2, 28), LocalDate.of(2024, 3, 1)));
    assertEquals(List.of(LocalDate.of(2024, 1, 1)), RunCommand.dates(LocalDate.of(2024, 1, 1), null, null));
    assertEquals(2, CentraalCli.execute("run", "--from", "2024-01-02"), "missing --to");
    assertEquals(2, CentraalCli.execute("run", "--from", "2024-01-02", "--to", "2024-01-01"), "reversed range");
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-01-02", "--from", "2024-01-01", "--to", "2024-01-03"));
  }

  @Test
  void badConfigExitsTwoBeforeSparkStarts() {
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-01-01", "--set", "ingest.max-reject-shar=0.1"));
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-01-01", "--conf", "/no/such/file.conf"));
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-01-01", "--set", "time-unit=fortnights"));
  }

  @Test
  void eraseWithoutReferencesOrWithAnEmailAndNoHashingKeyExitsTwo() {
    assertEquals(2, CentraalCli.execute("erase"), "no --ref");
    assertEquals(2, CentraalCli.execute("erase", "--ref-file", "/no/such/refs.txt"));
    assertEquals(2, CentraalCli.execute("erase", "--ref", "jan@example.nl",
        "--set", "privacy.email-hash-key-env=CENTRAAL_TEST_KEY_THAT_IS_NOT_SET"));
  }
}
