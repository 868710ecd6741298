package io.centraal.jobs;

import static org.apache.spark.sql.functions.col;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.dq.ValidityGates;
import io.centraal.scoring.io.ModelRuns;
import io.centraal.scoring.io.RunHistory;
import io.centraal.scoring.schema.DriftColumns;
import io.centraal.scoring.export.JdbcScoresExport;
import io.centraal.scoring.export.MarketingDrop;
import io.centraal.scoring.export.MarketingKey;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.privacy.KeyedHash;
import io.centraal.scoring.io.Tables;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.CustomerScoresTable;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.schema.TableNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;

/** Step 5: silver scores -> gold customer_scores (one slice per date) and the marketing drop. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Publish the date's scores to the gold customer_scores table and write the marketing drop.")
public final class ExportJob extends StageCommand {
  @picocli.CommandLine.Option(names = "--accept-gate", paramLabel = "GATE",
      description = "Publish although this validity gate failed (repeatable; recorded in run_log and model_runs).")
  List<String> acceptedGates = new java.util.ArrayList<>();

  /** Who accepted the gates, as recorded in the validity_gates row. */
  String acceptedBy = "export --accept-gate";

  /** This job, accepting {@code gates} for the run on behalf of {@code by} (e.g. {@code run --accept-gate}). */
  ExportJob acceptingGates(List<String> gates, String by) {
    this.acceptedGates = List.copyOf(gates);
    this.acceptedBy = by;
    return this;
  }

  @Override
  String jobName() {
    return "export";
  }

  @Override
  JobResult execute(SparkSession spark, CentraalSettings settings, RunContext ctx, Progress progress) {
    long t0 = System.nanoTime();
    String horizon = settings.clv().horizonLabel();
    Dataset<Row> scores = Tables.required(spark, settings.paths().silver(TableNames.SCORES), "score")
        .where(col(ScoreColumns.AS_OF_DATE).equalTo(java.sql.Date.valueOf(ctx.asOfDate())));
    List<String> columns = CustomerScoresTable.columns(horizon);
    Dataset<Row> gold = scores.select(columns.stream().map(c -> col(c)).toArray(Column[]::new))
        .persist(StorageLevel.MEMORY_AND_DISK());
    long rows = gold.count();
    if (rows == 0) {
      throw new io.centraal.scoring.run.InvalidInputException("no scores for " + ctx.asOfDate()
          + " in " + settings.paths().silver(TableNames.SCORES) + ": run `centraal score` for this date first");
    }

    String path = settings.paths().gold(TableNames.CUSTOMER_SCORES);
    DeltaTables.ensureTable(spark, path, gold.schema(), List.of(FeatureColumns.AS_OF_DATE), tableProperties(settings, ctx));
    DeltaTables.replaceSlice(gold, path, ScoreColumns.AS_OF_DATE + " = " + ctx.asOfLiteral());
    progress.step("export", TableNames.CUSTOMER_SCORES, rows, rows, 0, seconds(t0));

    // The validity gates the score job recorded: a failed gate nobody accepted keeps gold (flagged by
    // the validity_gates row) but publishes nothing.
    ValidityGates.checkNames(acceptedGates);
    java.util.Optional<ValidityGates.Outcome> gates = new RunHistory(spark, settings.paths())
        .modelRun(ctx.asOfDate(), DriftColumns.VALIDITY_GATES_MODEL)
        .map(r -> ValidityGates.Outcome.fromJson(r.metricsJson()));
    if (gates.isPresent() && !acceptedGates.isEmpty()) {
      gates = gates.map(g -> g.accept(acceptedGates, acceptedBy));
      ModelRuns.write(spark, settings.paths(), ctx, List.of(gates.get().entry(ctx)));
    }
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("customer_scores", rows);
    detail.put("gate_status", gates.map(ValidityGates.Outcome::status).orElse("not evaluated"));
    if (!acceptedGates.isEmpty()) {
      detail.put("accepted_gates", acceptedGates);
    }
    List<String> blocking = gates.map(ValidityGates.Outcome::blockingLines).orElse(List.of());
    if (!blocking.isEmpty()) {
      progress.info("           not published (no marketing drop, no JDBC export): validity gates failed");
      detail.put("failed_gates", blocking);
      gold.unpersist();
      return new JobResult(rows, rows, 0, Json.write(detail), List.of(), blocking);
    }

    long t1 = System.nanoTime();
    String dropDir = settings.paths().exports(TableNames.MARKETING_DROP) + "/as_of_date=" + ctx.asOfDate();
    KeyedHash pseudonyms = settings.export().marketingKey() == MarketingKey.PSEUDONYM
        ? io.centraal.scoring.privacy.HashKeys.pseudonym(settings.privacy()) : null;
    long dropped = MarketingDrop.write(spark,
        MarketingDrop.rows(gold, CustomerScoresTable.marketingColumns(horizon), pseudonyms),
        dropDir, settings.export().marketingFormats(), ctx.runId(), ctx.asOfDate());
    progress.step("export", "marketing drop", rows, dropped, 0, seconds(t1));

    detail.put("marketing_drop", dropped);
    detail.put("drop_dir", dropDir);
    if (settings.export().jdbc().enabled()) {
      long t2 = System.nanoTime();
      JdbcScoresExport jdbc = JdbcScoresExport.fromSettings(settings.export().jdbc());
      JdbcScoresExport.Result exported = jdbc.export(gold, ctx.asOfDate());
      progress.step("export", "jdbc " + jdbc.table(), rows, exported.upserted(), 0, seconds(t2));
      progress.info("jdbc export: " + exported.message());
      detail.put("jdbc_upserted", exported.upserted());
      detail.put("jdbc_deleted", exported.deleted());
      detail.put("jdbc_skipped", exported.skipped());
    }
    gold.unpersist();
    return new JobResult(rows, rows, 0, Json.write(detail));
  }

  /** What a reader of the table must know to interpret the CLV columns. */
  static Map<String, String> tableProperties(CentraalSettings settings, RunContext ctx) {
    CentraalSettings.Clv clv = settings.clv();
    return Map.of(
        "centraal.clv.horizon", clv.horizonLabel() + " = " + clv.horizonPeriods() + " periods of "
            + clv.periodDays() + " days",
        "centraal.clv.time-unit", settings.timeUnit().name().toLowerCase(java.util.Locale.ROOT),
        "centraal.clv.discounting", clv.discounting() + " at " + clv.discountRatePerPeriod() + " per period",
        "centraal.clv.basis", clv.onMargin() ? "margin" : "revenue",
        "centraal.code-version", ctx.codeVersion());
  }
}
