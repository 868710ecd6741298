package io.centraal.scoring.io;

import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.schema.TableNames;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Appends one row per job run to the gold {@code run_log} table (a history: re-runs add rows). */
public final class RunLog {
  private RunLog() {}

  /** What one job run did. {@code detail} is a short JSON object or text. */
  public record Entry(String job, String status, Instant startedAt, double durationSeconds, long rowsIn,
                      long rowsOut, long rowsQuarantined, String detail) {}

  public static void append(SparkSession spark, DataPaths paths, RunContext ctx, Entry entry) {
    String path = paths.gold(TableNames.RUN_LOG);
    DeltaTables.ensureTable(spark, path, OutputSchemas.RUN_LOG, List.of(LogColumns.AS_OF_DATE), Map.of());
    DeltaTables.append(spark.createDataFrame(List.of(RowFactory.create(ctx.runId(), entry.job(),
        Date.valueOf(ctx.asOfDate()), entry.status(), Timestamp.from(entry.startedAt()), entry.durationSeconds(),
        entry.rowsIn(), entry.rowsOut(), entry.rowsQuarantined(), entry.detail(), ctx.codeVersion())),
        OutputSchemas.RUN_LOG), path);
  }
}
