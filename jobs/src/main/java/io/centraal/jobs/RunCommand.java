package io.centraal.jobs;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.run.RunContext;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Steps 1-5 in order for one as-of date. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run ingest, identity, features, score and export for one as-of date.")
public final class RunCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin DateOptions date;

  @Option(names = "--model", paramLabel = "latest|VERSION",
      description = "Score with a saved churn model (latest, or a version) instead of training one.")
  String churnModel;

  /** The pipeline, in order. */
  static List<StageCommand> pipeline() {
    return pipeline(null);
  }

  /** The pipeline, in order; {@code churnModel}: a saved churn model to reuse, or null to train. */
  static List<StageCommand> pipeline(String churnModel) {
    return List.of(new IngestJob(), new IdentityJob(), new FeaturesJob(), new ScoreJob(churnModel), new ExportJob());
  }

  @Override
  public Integer call() {
    CentraalSettings settings = common.settings();
    RunContext ctx = new RunContext(date.asOf, date.runIdOrNew(), Versions.code());
    SparkSession spark = Sessions.create("run");
    runPipeline(spark, settings, ctx, new Progress(System.out), churnModel);
    return 0;
  }

  static void runPipeline(SparkSession spark, CentraalSettings settings, RunContext ctx, Progress progress) {
    runPipeline(spark, settings, ctx, progress, null);
  }

  static void runPipeline(SparkSession spark, CentraalSettings settings, RunContext ctx, Progress progress,
                          String churnModel) {
    progress.info("centraal run " + ctx.runId() + " as of " + ctx.asOfDate() + ", data in " + settings.paths().dataDir());
    long t0 = System.nanoTime();
    for (StageCommand job : pipeline(churnModel)) {
      StageCommand.runLogged(job, spark, settings, ctx, progress);
    }
    progress.info(String.format(java.util.Locale.ROOT, "run finished in %.1f s", StageCommand.seconds(t0)));
  }
}
