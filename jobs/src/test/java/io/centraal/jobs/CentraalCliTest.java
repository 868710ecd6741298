package io.centraal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Exit codes of the CLI, without starting Spark (argument and config errors fail before it). */
class CentraalCliTest {
  @Test
  void helpExitsZeroEverywhere() {
    for (String cmd : new String[] {"--help", "demo --help", "generate --help", "run --help", "ingest --help",
        "identity --help", "features --help", "score --help", "export --help", "report --help"}) {
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
  void badConfigExitsTwoBeforeSparkStarts() {
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-01-01", "--set", "ingest.max-reject-shar=0.1"));
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-01-01", "--conf", "/no/such/file.conf"));
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-01-01", "--set", "time-unit=fortnights"));
  }
}
