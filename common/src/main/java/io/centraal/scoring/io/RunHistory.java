package io.centraal.scoring.io;

import static org.apache.spark.sql.functions.col;

import io.centraal.scoring.schema.LogColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.schema.TableNames;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What earlier runs left in a data directory, as the drift comparison and the validity gates read
 * it: the as-of dates with gold customer_scores, a date's slice, its model_runs rows, and the
 * reject share of a date's ingest from run_log.
 */
public final class RunHistory {
  private final SparkSession spark;
  private final DataPaths paths;

  public RunHistory(SparkSession spark, DataPaths paths) {
    this.spark = spark;
    this.paths = paths;
  }

  /** One model_runs row's JSON fields. */
  public record ModelRun(String model, String version, String parametersJson, String metricsJson) {}

  /** The as-of dates before {@code asOf} with gold customer_scores rows, latest first. */
  public List<LocalDate> scoredDatesBefore(LocalDate asOf) {
    String path = paths.gold(TableNames.CUSTOMER_SCORES);
    if (!DeltaTables.exists(spark, path)) {
      return List.of();
    }
    return DeltaTables.read(spark, path).where(col(ScoreColumns.AS_OF_DATE).lt(Date.valueOf(asOf)))
        .select(ScoreColumns.AS_OF_DATE).distinct().orderBy(col(ScoreColumns.AS_OF_DATE).desc())
        .collectAsList().stream().map(r -> r.getDate(0).toLocalDate()).toList();
  }

  /** The gold customer_scores slice of a date. */
  public Dataset<Row> scores(LocalDate date) {
    return DeltaTables.read(spark, paths.gold(TableNames.CUSTOMER_SCORES))
        .where(col(ScoreColumns.AS_OF_DATE).equalTo(Date.valueOf(date)));
  }

  /** The model_runs rows of a date by model name (empty when the table or the date has none). */
  public Map<String, ModelRun> modelRuns(LocalDate date) {
    String path = paths.gold(TableNames.MODEL_RUNS);
    Map<String, ModelRun> out = new LinkedHashMap<>();
    if (!DeltaTables.exists(spark, path)) {
      return out;
    }
    for (Row r : DeltaTables.read(spark, path).where(col(LogColumns.AS_OF_DATE).equalTo(Date.valueOf(date)))
        .select(LogColumns.MODEL, LogColumns.MODEL_VERSION, LogColumns.PARAMETERS_JSON, LogColumns.METRICS_JSON)
        .collectAsList()) {
      out.put(r.getString(0), new ModelRun(r.getString(0), r.getString(1), r.getString(2), r.getString(3)));
    }
    return out;
  }

  /** One model_runs row of a date. */
  public Optional<ModelRun> modelRun(LocalDate date, String model) {
    return Optional.ofNullable(modelRuns(date).get(model));
  }

  /**
   * Quarantined / read rows of the date's latest succeeded ingest (run_log), all sources together;
   * empty when the date was not ingested (e.g. scored from data ingested under another date).
   */
  public OptionalDouble ingestRejectShare(LocalDate date) {
    String path = paths.gold(TableNames.RUN_LOG);
    if (!DeltaTables.exists(spark, path)) {
      return OptionalDouble.empty();
    }
    List<Row> rows = DeltaTables.read(spark, path)
        .where(col(LogColumns.AS_OF_DATE).equalTo(Date.valueOf(date)).and(col(LogColumns.JOB).equalTo("ingest"))
            .and(col(LogColumns.STATUS).equalTo("succeeded")))
        .orderBy(col(LogColumns.STARTED_AT).desc()).select(LogColumns.ROWS_IN, LogColumns.ROWS_QUARANTINED)
        .limit(1).collectAsList();
    if (rows.isEmpty() || rows.get(0).isNullAt(0) || rows.get(0).getLong(0) == 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of((double) rows.get(0).getLong(1) / rows.get(0).getLong(0));
  }
}
