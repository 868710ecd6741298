package io.centraal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.testing.SparkExtension;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machinery of {@code bench faults} on a tiny demo: an export killed (SIGKILL, in a child JVM)
 * inside its gold replaceWhere and inside its drop publish leaves every table readable at a
 * committed version and no half drop visible, and the re-run (which takes over the dead process's
 * lease) writes exactly what an undisturbed export writes.
 */
@ExtendWith(SparkExtension.class)
class KilledRunsHealTest {
  private static final String DATE = "2024-12-31"; // the demo's last day

  @Test
  void anExportKilledInsideItsWritesIsHealedByItsRerun(SparkSession spark, @TempDir Path work) throws Exception {
    Path data = work.resolve("data");
    FaultLoop loop = new FaultLoop(spark, data, work, DATE, List.of("--set", "paths.data-dir=" + data), null, null, 5L);
    int demo = loop.runHere(List.of("demo", "--customers", "150", "--seed", "3", "--out", data.toString(),
        "--run-id", "before"));
    assertTrue(demo == 0 || demo == CentraalCli.EXIT_DEGRADED, "demo exit " + demo);

    FaultLoop.Baseline export = loop.baseline("before-export", List.of("export", "--as-of", DATE, "--run-id", "again"),
        List.of(FaultStage.GOLD_REPLACE_WHERE, FaultStage.DROP_PUBLISH));
    assertTrue(export.changedTables().stream().anyMatch(t -> t.equals("gold/customer_scores")), export.changedTables().toString());
    assertTrue(export.checksums().get("drop as_of_date=" + DATE).startsWith("manifest="), export.checksums().toString());

    int i = 0;
    for (FaultStage stage : List.of(FaultStage.GOLD_REPLACE_WHERE, FaultStage.DROP_PUBLISH)) {
      FaultLoop.Outcome o = loop.kill(++i, stage, export);
      String row = BenchFaults.row(o) + " " + o.detail();
      assertTrue(o.killed(), row);
      assertTrue(o.readable(), row);
      assertTrue(!o.halfDropVisible(), row);
      assertTrue(o.rerunEqual(), row);
      assertEquals("", o.detail(), row);
    }
  }
}
