package io.centraal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.run.DataDirectoryLease;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While one process holds a data directory, every writing command against it stops at once with
 * exit code 5 and one line naming the holder, before Spark starts or anything is written.
 */
class DataDirectoryLeaseCliTest {
  @Test
  void everyWritingCommandExitsFiveWhileAnotherProcessHoldsTheDataDirectory(@TempDir Path data) throws Exception {
    java.nio.file.Files.writeString(data.resolve(OwnedDirectory.MARKER), ""); // a demo's own directory
    String dataDir = "paths.data-dir=" + data;
    try (DataDirectoryLease held = DataDirectoryLease.acquire(data.toString(), "run", "nightly-2024-01-01")) {
      for (String[] command : new String[][] {
          {"run", "--as-of", "2024-01-01", "--run-id", "second", "--set", dataDir},
          {"run", "--from", "2024-01-01", "--to", "2024-01-03", "--set", dataDir},
          {"ingest", "--as-of", "2024-01-01", "--set", dataDir},
          {"identity", "--as-of", "2024-01-01", "--set", dataDir},
          {"features", "--as-of", "2024-01-01", "--set", dataDir},
          {"export", "--as-of", "2024-01-01", "--set", dataDir},
          {"retention", "--as-of", "2024-01-01", "--set", dataDir},
          {"erase", "--ref", "L1", "--set", dataDir},
          {"demo", "--out", data.toString(), "--customers", "10"}}) {
        String err = stderrOf(() -> assertEquals(CentraalCli.EXIT_LOCKED, CentraalCli.execute(command), command[0]));
        assertTrue(err.contains("in use by another centraal process") && err.contains("run id nightly-2024-01-01")
            && err.contains("command 'run'") && err.contains("pid " + ProcessHandle.current().pid()), err);
        assertEquals(1, err.strip().lines().count(), "one line: " + err);
      }
      assertTrue(held.held());
    }
    assertFalse(DataDirectoryLease.holderOf(data.toString()).isPresent(), "released");
  }

  private static String stderrOf(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
