package io.centraal.jobs;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.SourceSettings;
import io.centraal.scoring.dq.SourceValidator;
import io.centraal.scoring.ingest.Ingestion;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.io.ModelRuns;
import io.centraal.scoring.model.btyd.Backtest;
import io.centraal.scoring.model.btyd.BreezeLbfgs;
import io.centraal.scoring.model.btyd.FitResult;
import io.centraal.scoring.run.DataDirectoryLease;
import io.centraal.scoring.run.InvalidInputException;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.schema.SourceContracts;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code centraal backtest}: choose and fit the BTYD models on the calibration period before the
 * cut-off as a run would (every candidate with its holdout error), predict the holdout, compare with
 * what happened ({@link Backtest}). Reads the configured
 * transactions source directly with its mapping and validation (no bronze needed, nothing written
 * but the model_runs row), so it runs on any export a user has. Prints exactly one JSON object on
 * stdout (the model_runs row); progress goes to stderr.
 */
@Command(name = "backtest", mixinStandardHelpOptions = true,
    description = "Calibration/holdout backtest of the CLV transaction model: one JSON object on stdout "
        + "and a model_runs row (model = backtest).")
public final class BacktestCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin CommonOptions common;

  @Option(names = "--cutoff", required = true, paramLabel = "DATE",
      description = "First day of the holdout (yyyy-MM-dd); the model is fitted on the days before it.")
  LocalDate cutoff;

  @Option(names = "--holdout", required = true, paramLabel = "LENGTH",
      description = "Holdout length in weeks or days, e.g. 39w or 273d.")
  String holdout;

  @Mixin RunIdOption run;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Backtest.Holdout length;
    try {
      length = Backtest.Holdout.parse(holdout);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--holdout: " + e.getMessage());
    }
    CentraalSettings settings = common.settings();
    BreezeLbfgs.initialiseInBackground(); // overlaps Breeze's one-off start-up with reading the data
    Backtest.Spec backtest = spec(settings, cutoff, length);
    RunContext ctx = new RunContext(backtest.holdoutEnd(), run.runIdOrNew(),
        Versions.code());
    Outcome outcome;
    try (DataDirectoryLease lease = DataDirectoryLease.acquire(settings.paths().dataDir(), "backtest", ctx.runId())) {
      SparkSession spark = Sessions.create("backtest");
      // The backtest's one write is its model_runs row at the end; the table is opened while the
      // transactions are read (closed, so waited for, before the lease is released).
      try (DeltaTables.Opening modelRuns = ModelRuns.openInBackground(spark, settings.paths())) {
        Preflight.warn(spark, settings, List.of(settings.sources().get(SourceContracts.TRANSACTIONS)));
        Progress progress = new Progress(System.err, spark);
        outcome = run(spark, settings, ctx, backtest, progress);
      }
    }
    PrintStream out = System.out;
    out.println(outcome.json());
    out.flush();
    return StageCommand.exitCode(List.of(new JobResult(0, 0, 0, "", outcome.warnings())), new Progress(System.err));
  }

  /** The printed model_runs row and what made the backtest degraded (no model could be trusted). */
  record Outcome(String json, List<String> warnings) {}

  static Backtest.Spec spec(CentraalSettings settings, LocalDate cutoff, Backtest.Holdout length) {
    return new Backtest.Spec(cutoff, length.periods(), length.unit(), settings.timeUnit(),
        settings.features().purchaseRule(), settings.clv().model(), settings.clv().fitOptions(settings.timeUnit()),
        settings.clv().intervals(), settings.clv().fitBy(), settings.clv().fitByMinCustomers());
  }

  /**
   * Reads and validates the transactions, runs the backtest, writes the model_runs row (as-of date
   * = holdout end, the last day of data used) and returns the row as one JSON object.
   */
  static Outcome run(SparkSession spark, CentraalSettings settings, RunContext ctx, Backtest.Spec backtest,
                     Progress progress) {
    long t0 = System.nanoTime();
    Ingestion.Validated checked = transactions(spark, settings, backtest.holdoutEnd(), progress);
    Dataset<Row> summary;
    try {
      summary = Backtest.summarise(keyed(checked), backtest);
    } finally {
      // The summary is persisted: the validated rows' cache goes before the fits.
      checked.close();
    }
    Backtest.Result result;
    try {
      result = Backtest.evaluate(summary, backtest);
    } finally {
      summary.unpersist();
    }
    String unit = settings.timeUnit().name().toLowerCase(Locale.ROOT);
    String version = result.models().version() + "@cutoff=" + backtest.cutoff();
    Optional<FitResult> tx = result.transactions();
    ModelRuns.Entry entry = new ModelRuns.Entry("backtest", version, unit, result.parametersJson(),
        tx.map(FitResult::logLikelihood).orElse(null), tx.map(FitResult::converged).orElse(false),
        tx.map(FitResult::iterations).orElse(null), result.metricsJson());
    ModelRuns.write(spark, settings.paths(), ctx, List.of(entry));
    progress.step("backtest", result.models().version(), result.customers(), result.customers(), 0,
        StageCommand.seconds(t0));
    try {
      JsonNode metrics = JSON.readTree(entry.metricsJson());
      progress.info("           " + metrics.get("choice_reason").asText());
      progress.info(String.format(Locale.ROOT, "             %-13s %-22s %12s %12s %10s %8s %8s", "model", "status",
          "log-lik", "BIC", "predicted", "MAE", "RMSE"));
      for (JsonNode c : metrics.get("candidates")) {
        progress.info(String.format(Locale.ROOT, "             %-13s %-22s %12s %12s %10s %8s %8s",
            c.get("model").asText() + (c.get("chosen").asBoolean() ? " *" : ""), c.get("status").asText(),
            number(c.get("log_likelihood"), "%.2f"), number(c.get("bic"), "%.1f"),
            number(c.get("predicted_total"), "%.1f"), number(c.get("mae"), "%.4f"), number(c.get("rmse"), "%.4f")));
      }
      progress.info(String.format(Locale.ROOT, "             actual holdout purchases: %.0f",
          metrics.get("actual_total").asDouble()));
      ObjectNode row = JSON.createObjectNode();
      row.put("run_id", ctx.runId());
      row.put("as_of_date", ctx.asOfDate().toString());
      row.put("model", entry.model());
      row.put("model_version", entry.version());
      row.put("time_unit", entry.timeUnit());
      row.set("parameters", JSON.readTree(entry.parametersJson()));
      if (entry.logLikelihood() == null) {
        row.putNull("log_likelihood");
      } else {
        row.put("log_likelihood", entry.logLikelihood());
      }
      row.put("converged", entry.converged());
      if (entry.iterations() == null) {
        row.putNull("iterations");
      } else {
        row.put("iterations", entry.iterations());
      }
      row.set("metrics", metrics);
      return new Outcome(JSON.writeValueAsString(row), result.models().warnings());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String number(JsonNode n, String format) {
    return n == null || n.isNull() ? "-" : String.format(Locale.ROOT, format, n.asDouble());
  }

  /**
   * The configured transactions source, mapped and validated as ingest does (cached: the caller
   * closes it). Fails like ingest when the reject share exceeds centraal.ingest.max-reject-share.
   */
  static Ingestion.Validated transactions(SparkSession spark, CentraalSettings settings, LocalDate asOf,
                                   Progress progress) {
    SourceSettings source = settings.sources().get(SourceContracts.TRANSACTIONS);
    CentraalSettings.Ingest ingest = settings.ingest();
    // Rows after the holdout end are valid data the backtest does not use: ingest's rules defer
    // them (not in valid()), they are not rejected.
    LocalDate today = LocalDate.now(java.time.ZoneOffset.UTC);
    SourceValidator.Rules rules = ingest.rules(asOf, today.isAfter(asOf) ? today : asOf, false);
    long t0 = System.nanoTime();
    // Cached: counted here, then read once more by the backtest's summary.
    Ingestion.Validated checked = Ingestion.validate(spark, source, SourceContracts.TRANSACTIONS_CONTRACT, rules);
    progress.step("backtest", "transactions", checked.read(), checked.accepted(), checked.quarantined(),
        StageCommand.seconds(t0));
    try {
      if (checked.accepted() - checked.anonymous() == 0) {
        throw new InvalidInputException("source 'transactions' at " + source.path()
            + " has no valid rows with a customer up to " + asOf + ": nothing to backtest");
      }
      Ingestion.checkRejectShare(checked, ingest.maxRejectShare(),
          "run `centraal ingest` to see them in the quarantine");
    } catch (RuntimeException e) {
      checked.close();
      throw e;
    }
    return checked;
  }

  /**
   * The valid rows with customer_key = the customer reference (rows without one are anonymous
   * sales and play no part).
   */
  static Dataset<Row> keyed(Ingestion.Validated checked) {
    return checked.result().valid().where(col(Transactions.CUSTOMER_REF).isNotNull())
        .withColumn(FeatureColumns.CUSTOMER_KEY, col(Transactions.CUSTOMER_REF));
  }
}
