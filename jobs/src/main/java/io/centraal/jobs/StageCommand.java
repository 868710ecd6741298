package io.centraal.jobs;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.run.Redaction;
import io.centraal.scoring.io.RunLog;
import io.centraal.scoring.run.DataDirectoryLease;
import io.centraal.scoring.run.RunContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;

/**
 * A command that runs one pipeline job for an as-of date: load settings, build the session, run,
 * and record the outcome in run_log. Subclasses implement only {@link #execute}, which is also
 * what tests and the {@code run} command call.
 */
abstract class StageCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin AsOfOption date;

  @Mixin RunIdOption run;

  abstract String jobName();

  abstract JobResult execute(SparkSession spark, CentraalSettings settings, RunContext ctx, Progress progress);

  @Override
  public Integer call() {
    CentraalSettings settings = common.settings();
    RunContext ctx = new RunContext(date.asOf, run.runIdOrNew(), Versions.code());
    JobResult result;
    try (DataDirectoryLease lease = DataDirectoryLease.acquire(settings.paths().dataDir(), jobName(), ctx.runId())) {
      SparkSession spark = Sessions.create(jobName());
      result = runLogged(this, spark, settings, ctx, new Progress(System.out, spark));
    }
    return exitCode(List.of(result), new Progress(System.err));
  }

  /**
   * 0; {@link CentraalCli#EXIT_DATA_QUALITY} with the failed validity gates on stderr when a gate
   * failed and was not accepted; else {@link CentraalCli#EXIT_DEGRADED} with the warnings on stderr
   * when a job was degraded.
   */
  static int exitCode(List<JobResult> results, Progress err) {
    List<String> gates = results.stream().flatMap(r -> r.gateFailures().stream()).distinct().toList();
    if (!gates.isEmpty()) {
      for (String g : gates) {
        err.info("validity gate " + g);
      }
      err.info("scores kept in gold but not published (no marketing drop, no JDBC export); accept a gate for one run"
          + " with --accept-gate NAME");
      return CentraalCli.EXIT_DATA_QUALITY;
    }
    List<String> warnings = results.stream().flatMap(r -> r.warnings().stream()).toList();
    if (warnings.isEmpty()) {
      return 0;
    }
    for (String w : warnings) {
      err.info("degraded: " + w);
    }
    return CentraalCli.EXIT_DEGRADED;
  }

  /** Runs a job, timing it and appending its outcome (succeeded, degraded or failed) to run_log. */
  static JobResult runLogged(StageCommand job, SparkSession spark, CentraalSettings settings, RunContext ctx,
                             Progress progress) {
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    try {
      JobResult result = job.execute(spark, settings, ctx, progress);
      RunLog.append(spark, settings.paths(), ctx, new RunLog.Entry(job.jobName(), result.status(), started, seconds(t0),
          result.rowsIn(), result.rowsOut(), result.rowsQuarantined(), result.detail()));
      for (String w : result.warnings()) {
        progress.info("           degraded: " + w);
      }
      for (String g : result.gateFailures()) {
        progress.info("           validity gate " + g);
      }
      return result;
    } catch (RuntimeException e) {
      try {
        RunLog.append(spark, settings.paths(), ctx, new RunLog.Entry(job.jobName(), "failed", started, seconds(t0),
            0, 0, 0, Redaction.redactText(String.valueOf(e.getMessage()))));
      } catch (RuntimeException logFailure) {
        e.addSuppressed(logFailure);
      }
      throw e;
    }
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
