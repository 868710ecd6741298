package io.centraal.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.SchemaContract;
import io.centraal.scoring.schema.SchemaContracts;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.schema.TableNames;
import io.centraal.scoring.testing.SparkExtension;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machinery of {@code bench faults} on 200 made-up scored customers: an export killed (SIGKILL, in a child JVM)
 * inside its gold replaceWhere and inside its drop publish leaves every table readable at a
 * committed version and no half drop visible, and the re-run (which takes over the dead process's
 * lease) writes exactly what an undisturbed export writes.
 */
@ExtendWith(SparkExtension.class)
class KilledRunsHealTest {
  private static final String DATE = "2024-12-31";

  /**
   * A silver scores table of {@code n} made-up customers for {@code DATE}: every column of the
   * customer_scores contract, filled by type (probabilities and scores within [0, 1)); a third do
   * not allow marketing. The export reads nothing else.
   */
  private static void writeScores(SparkSession spark, Path path, int n) {
    List<String> columns = new java.util.ArrayList<>();
    for (SchemaContract.Column c : SchemaContracts.current(TableNames.CUSTOMER_SCORES).columns()) {
      String value = switch (c.name()) {
        case ScoreColumns.CUSTOMER_KEY -> "id + 1";
        case ScoreColumns.AS_OF_DATE -> "date'" + DATE + "'";
        case FeatureColumns.MARKETING_ALLOWED -> "id % 3 <> 0";
        default -> switch (c.type()) {
          case "date" -> "date_add(date'2023-01-01', cast(id as int))";
          case "string" -> "concat('v', id % 5)";
          case "boolean" -> "id % 2 = 0";
          default -> "(id % 10) / 10.0";
        };
      };
      columns.add("cast(" + value + " as " + c.type() + ") as `" + c.name() + "`");
    }
    spark.range(n).selectExpr(columns.toArray(String[]::new)).write().format("delta").save(path.toString());
  }

  @Test
  void anExportKilledInsideItsWritesIsHealedByItsRerun(SparkSession spark, @TempDir Path work) throws Exception {
    Path data = work.resolve("data");
    writeScores(spark, data.resolve("silver").resolve(TableNames.SCORES), 200);
    FaultLoop loop = new FaultLoop(spark, data, work, DATE, List.of("--set", "paths.data-dir=" + data), null, null, 5L);
    assertEquals(0, loop.runHere(List.of("export", "--as-of", DATE, "--run-id", "first")));

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
