package io.centraal.scoring.io;

import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.schema.TableNames;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** The gold {@code model_runs} table: one row per model fitted for an as-of date. */
public final class ModelRuns {
  private static final List<String> PARTITIONING = List.of(LogColumns.AS_OF_DATE);

  private ModelRuns() {}

  /** One fitted model: parameters and metrics as JSON objects. */
  public record Entry(String model, String version, String timeUnit, String parametersJson, Double logLikelihood,
                      Boolean converged, Integer iterations, String metricsJson) {}

  /**
   * Opens (or creates) the model_runs table in the background ({@link DeltaTables#ensureTableInBackground}),
   * for a command whose only write is its model_runs row; close it before the data directory's lease.
   */
  public static DeltaTables.Opening openInBackground(SparkSession spark, DataPaths paths) {
    return DeltaTables.ensureTableInBackground(spark, paths.gold(TableNames.MODEL_RUNS), OutputSchemas.MODEL_RUNS,
        PARTITIONING, Map.of());
  }

  /** Replaces the rows of these models for the as-of date (a re-run replaces, never duplicates). */
  public static void write(SparkSession spark, DataPaths paths, RunContext ctx, List<Entry> entries) {
    String path = paths.gold(TableNames.MODEL_RUNS);
    DeltaTables.ensureTable(spark, path, OutputSchemas.MODEL_RUNS, PARTITIONING, Map.of());
    List<Row> rows = entries.stream().map(e -> RowFactory.create(ctx.runId(), Date.valueOf(ctx.asOfDate()),
        e.model(), e.version(), e.timeUnit(), e.parametersJson(), e.logLikelihood(), e.converged(), e.iterations(),
        e.metricsJson())).toList();
    String models = String.join(", ", entries.stream().map(e -> "'" + e.model() + "'").toList());
    DeltaTables.replaceSlice(spark.createDataFrame(rows, OutputSchemas.MODEL_RUNS), path,
        LogColumns.AS_OF_DATE + " = " + ctx.asOfLiteral() + " AND " + LogColumns.MODEL + " IN (" + models + ")");
  }
}
