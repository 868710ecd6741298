package io.centraal.jobs;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.run.DataQualityGateException;
import io.centraal.scoring.run.InvalidConfigException;
import io.centraal.scoring.run.DataDirectoryLease;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.run.ScoringException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Steps 1-5 in order for one as-of date, or for every date of a range (a backfill, oldest first).
 * Every job replaces its date's slice, so a repeated run or backfill gives the same tables.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run ingest, identity, features, score and export for one as-of date (--as-of) or, in order, "
        + "for every date from --from to --to (a backfill; stops at the first failed date).")
public final class RunCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = {"--as-of", "--as-of-date"}, paramLabel = "DATE",
      description = "The date scored (yyyy-MM-dd); data up to and including this day is used.")
  LocalDate asOf;

  @Option(names = "--from", paramLabel = "DATE", description = "First date of a backfill (inclusive).")
  LocalDate from;

  @Option(names = "--to", paramLabel = "DATE", description = "Last date of a backfill (inclusive).")
  LocalDate to;

  @Mixin RunIdOption run;

  @Option(names = "--model", paramLabel = "latest|VERSION",
      description = "Score with a saved churn model (latest, or a version) instead of training one.")
  String churnModel;

  @Option(names = "--influence-model", paramLabel = "latest|VERSION",
      description = "Score with saved influence weights (latest, or a version) instead of fitting them.")
  String influenceModel;

  @Option(names = "--accept-gate", paramLabel = "GATE",
      description = "Publish although this validity gate failed (repeatable, e.g. --accept-gate max-psi); recorded "
          + "in run_log and in the validity_gates row of model_runs.")
  List<String> acceptedGates = new ArrayList<>();

  /**
   * The pipeline in order, reusing saved churn and influence models where given (null: train),
   * accepting the named validity gates for the run (score records them, export honours them); its
   * features stage hands its keyed activity to its score stage through {@code handOver}.
   */
  static List<StageCommand> pipeline(String churnModel, String influenceModel, List<String> acceptedGates,
                                     ActivityHandOver handOver) {
    return List.of(new IngestJob(), new IdentityJob(),
        new FeaturesJob().handingOver(handOver, churnModel == null, influenceModel == null),
        new ScoreJob(churnModel, influenceModel).acceptingGates(acceptedGates, "run --accept-gate").takingOver(handOver),
        new ExportJob().acceptingGates(acceptedGates, "run --accept-gate"));
  }

  @Override
  public Integer call() {
    List<LocalDate> dates = dates(asOf, from, to);
    CentraalSettings settings = common.settings();
    String runId = run.runIdOrNew();
    try (DataDirectoryLease lease = DataDirectoryLease.acquire(settings.paths().dataDir(), "run", runId)) {
      SparkSession spark = Sessions.create("run");
      Progress progress = new Progress(System.out, spark);
      List<JobResult> results = new ArrayList<>();
      io.centraal.scoring.dq.ValidityGates.checkNames(acceptedGates);
      Preflight.warn(spark, settings, settings.sources().values());
      backfill(dates, runId, ctx -> {
        List<JobResult> date = runPipeline(spark, settings, ctx, progress, churnModel, influenceModel, acceptedGates);
        results.addAll(date);
        ReportCommand.renderAfterRun(spark, settings, ctx.asOfDate(), System.out);
        gateFailure(date, ctx);
      }, progress);
      return StageCommand.exitCode(results, new Progress(System.err));
    }
  }

  /**
   * Stops the run (exit 3; a backfill stops at this date) when a validity gate failed without being
   * accepted: the date's gold tables are written, its marketing drop and JDBC export are not.
   */
  static void gateFailure(List<JobResult> results, RunContext ctx) {
    List<String> failed = results.stream().flatMap(r -> r.gateFailures().stream()).distinct().toList();
    if (!failed.isEmpty()) {
      throw new DataQualityGateException("validity gate failed for " + ctx.asOfDate() + ": "
          + String.join("; ", failed) + ". Scores kept in gold, not published (no marketing drop, no JDBC export);"
          + " to publish anyway re-run with --accept-gate NAME");
    }
  }

  /**
   * Runs {@code pipeline} for each date in order (run id {@code base-<date>} in a backfill, {@code
   * base} for a single date) and stops at the first failure, naming the dates done and the
   * --from/--to that resumes; a single date's failure passes through unchanged.
   */
  static void backfill(List<LocalDate> dates, String base, java.util.function.Consumer<RunContext> pipeline,
                       Progress progress) {
    List<LocalDate> done = new ArrayList<>();
    for (LocalDate date : dates) {
      RunContext ctx = new RunContext(date, dates.size() == 1 ? base : base + "-" + date, Versions.code());
      try {
        pipeline.accept(ctx);
        done.add(date);
      } catch (RuntimeException e) {
        if (dates.size() == 1) {
          throw e;
        }
        String stopped = "backfill stopped at " + date + " (" + done.size() + " of " + dates.size() + " dates done"
            + (done.isEmpty() ? "" : ", " + done.get(0) + " to " + done.get(done.size() - 1))
            + "; later dates not run; after fixing, resume with --from " + date + " --to " + dates.get(dates.size() - 1)
            + "): " + CentraalCli.reason(e);
        if (e instanceof DataQualityGateException) {
          throw new DataQualityGateException(stopped); // exit 3, as for a single date
        }
        throw new ScoringException("backfill stopped at " + date + " (" + done.size() + " of " + dates.size()
            + " dates done" + (done.isEmpty() ? "" : ", " + done.get(0) + " to " + done.get(done.size() - 1))
            + "; later dates not run; after fixing, resume with --from " + date + " --to " + dates.get(dates.size() - 1)
            + "): " + CentraalCli.reason(e), e);
      }
    }
    if (dates.size() > 1) {
      progress.info("backfill finished: " + dates.size() + " dates, " + dates.get(0) + " to " + dates.get(dates.size() - 1));
    }
  }

  /** The dates to run: --as-of alone, or --from..--to (inclusive, in order). */
  static List<LocalDate> dates(LocalDate asOf, LocalDate from, LocalDate to) {
    if (asOf != null && (from != null || to != null)) {
      throw new InvalidConfigException("give either --as-of or --from/--to, not both");
    }
    if (asOf != null) {
      return List.of(asOf);
    }
    if (from == null || to == null) {
      throw new InvalidConfigException("give --as-of DATE, or --from DATE and --to DATE for a backfill");
    }
    if (to.isBefore(from)) {
      throw new InvalidConfigException("--to " + to + " is before --from " + from);
    }
    return from.datesUntil(to.plusDays(1)).toList();
  }

  /** The five jobs in order, training every model (no saved model reused, no gate accepted). */
  static List<JobResult> runPipeline(SparkSession spark, CentraalSettings settings, RunContext ctx,
                                     Progress progress) {
    return runPipeline(spark, settings, ctx, progress, null, null, List.of());
  }

  /** Runs the five jobs in order; returns their results (a degraded job does not stop the run). */
  static List<JobResult> runPipeline(SparkSession spark, CentraalSettings settings, RunContext ctx, Progress progress,
                                     String churnModel, String influenceModel, List<String> acceptedGates) {
    progress.info("centraal run " + ctx.runId() + " as of " + ctx.asOfDate() + ", data in " + settings.paths().dataDir());
    long t0 = System.nanoTime();
    List<JobResult> results = new ArrayList<>();
    try (ActivityHandOver handOver = new ActivityHandOver()) {
      for (StageCommand job : pipeline(churnModel, influenceModel, acceptedGates, handOver)) {
        results.add(StageCommand.runLogged(job, spark, settings, ctx, progress));
      }
    }
    boolean degraded = results.stream().anyMatch(JobResult::degraded);
    progress.info(String.format(java.util.Locale.ROOT, "run finished in %.1f s%s", StageCommand.seconds(t0),
        degraded ? " (degraded: every table written; see the warnings above and run_log)" : ""));
    return results;
  }
}
