package io.centraal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ids and directories that could overwrite or delete what is not centraal's: refused with exit 2, nothing touched. */
class OwnedDirectoryCliTest {
  @Test
  void aRunIdThatIsNotASafeNameExitsTwo(@TempDir Path data) {
    for (String bad : new String[] {"../../etc", "a b", "run/1", "x;rm", "..", ""}) {
      assertEquals(2, CentraalCli.execute("ingest", "--as-of", "2024-01-01", "--run-id", bad,
          "--set", "paths.data-dir=" + data), bad);
    }
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-01-01", "--run-id", "nightly/1",
        "--set", "paths.data-dir=" + data));
  }

  @Test
  void benchAndDemoRefuseANonEmptyDirectoryTheyDidNotCreateAndLeaveItAlone(@TempDir Path dir) throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path precious = Files.writeString(home.resolve("thesis.tex"), "years of work");
    for (String[] command : new String[][] {
        {"bench", "ingest", "--rows", "10", "--work-dir", home.toString()},
        {"bench", "churn", "--customers", "10", "--dir", home.toString()},
        {"bench", "influence", "--customers", "10", "--out", home.toString()},
        {"demo", "--customers", "10", "--out", home.toString()}}) {
      assertEquals(2, CentraalCli.execute(command), String.join(" ", command));
      assertEquals("years of work", Files.readString(precious), String.join(" ", command));
    }
  }

  @Test
  void aClaimedDirectoryIsMarkedAndEmptiedButKeepsItsMarker(@TempDir Path dir) throws Exception {
    Path work = dir.resolve("work");
    OwnedDirectory.claim(work, "bench ingest");
    assertTrue(Files.exists(work.resolve(OwnedDirectory.MARKER)));
    Files.createDirectories(work.resolve("data/bronze"));
    Files.writeString(work.resolve("data/bronze/part-0"), "x");
    OwnedDirectory.empty(work, "bench ingest");
    try (var left = Files.list(work)) {
      assertEquals(java.util.List.of(work.resolve(OwnedDirectory.MARKER)), left.toList());
    }
    OwnedDirectory.claim(work, "bench ingest"); // its own: accepted again
  }
}
