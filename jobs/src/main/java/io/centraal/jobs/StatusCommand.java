package io.centraal.jobs;

import static org.apache.spark.sql.functions.col;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.TableNames;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code centraal status}: the latest job runs from gold run_log, newest first. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Print the latest job runs (gold run_log) as a table, newest first.")
public final class StatusCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "Rows to show (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    CentraalSettings settings = common.settings();
    SparkSession spark = Sessions.create("status");
    print(spark, settings, limit, System.out);
    return 0;
  }

  static void print(SparkSession spark, CentraalSettings settings, int limit, PrintStream out) {
    String path = settings.paths().gold(TableNames.RUN_LOG);
    if (!DeltaTables.exists(spark, path)) {
      out.println("no runs yet: " + path + " does not exist");
      return;
    }
    List<Row> rows = DeltaTables.read(spark, path)
        .orderBy(col(LogColumns.STARTED_AT).desc_nulls_last())
        .select(LogColumns.AS_OF_DATE, LogColumns.JOB, LogColumns.STATUS, LogColumns.ROWS_IN, LogColumns.ROWS_OUT,
            LogColumns.ROWS_QUARANTINED, LogColumns.DURATION_SECONDS, LogColumns.RUN_ID, LogColumns.CODE_VERSION)
        .limit(limit).collectAsList();
    String format = "%-10s  %-8s  %-9s  %12s  %12s  %11s  %8s  %-40s  %s%n";
    out.printf(Locale.ROOT, format, "as_of_date", "job", "status", "rows_in", "rows_out", "quarantined", "seconds",
        "run_id", "code_version");
    for (Row r : rows) {
      out.printf(Locale.ROOT, format, r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5),
          r.isNullAt(6) ? "" : String.format(Locale.ROOT, "%.1f", r.getDouble(6)), r.get(7), r.get(8));
    }
  }
}
