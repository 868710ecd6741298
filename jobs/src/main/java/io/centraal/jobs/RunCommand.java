package io.centraal.jobs;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.run.RunContext;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Steps 1-5 in order for one as-of date. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run ingest, identity, features, score and export for one as-of date.")
public final class RunCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Mixin DateOptions date;

  /** The pipeline, in order. */
  static List<StageCommand> pipeline() {
    return List.of(new IngestJob(), new IdentityJob(), new FeaturesJob(), new ScoreJob(), new ExportJob());
  }

  @Override
  public Integer call() {
    CentraalSettings settings = common.settings();
    RunContext ctx = new RunContext(date.asOf, date.runIdOrNew(), Versions.code());
    SparkSession spark = Sessions.create("run");
    runPipeline(spark, settings, ctx, new Progress(System.out));
    ReportCommand.renderAfterRun(spark, settings, ctx.asOfDate(), System.out);
    return 0;
  }

  static void runPipeline(SparkSession spark, CentraalSettings settings, RunContext ctx, Progress progress) {
    progress.info("centraal run " + ctx.runId() + " as of " + ctx.asOfDate() + ", data in " + settings.paths().dataDir());
    long t0 = System.nanoTime();
    for (StageCommand job : pipeline()) {
      StageCommand.runLogged(job, spark, settings, ctx, progress);
    }
    progress.info(String.format(java.util.Locale.ROOT, "run finished in %.1f s", StageCommand.seconds(t0)));
  }
}
