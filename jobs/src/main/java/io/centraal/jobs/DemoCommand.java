package io.centraal.jobs;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.demo.DemoSpec;
import io.centraal.scoring.run.DataDirectoryLease;
import io.centraal.scoring.run.RunContext;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Generate demo data and run the whole pipeline on it, locally. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Generate demo data (default ~20,000 customers) and run the whole pipeline on it into --out.")
public final class DemoCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin DemoOptions demo;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "data",
      description = "Data directory for the raw files and every table (default: ${DEFAULT-VALUE}).")
  String out;

  @Mixin RunIdOption run;

  @Override
  public Integer call() {
    common.overrides.putIfAbsent("paths.data-dir", OwnedDirectory.claim(Path.of(out), "demo").toAbsolutePath().toString());
    // Demo data never goes to a real CRM database, whatever the config files say.
    common.overrides.put("export.jdbc.enabled", "false");
    // The demo runs with no key variables set: unset keys become random keys for this run (one notice each).
    common.overrides.putIfAbsent("privacy.ephemeral-keys", "true");
    CentraalSettings settings = common.settings();
    String runId = run.runIdOrNew();
    try (DataDirectoryLease lease = DataDirectoryLease.acquire(settings.paths().dataDir(), "demo", runId)) {
      SparkSession spark = Sessions.create("demo");
      Progress progress = new Progress(System.out, spark);
      DemoSpec spec = demo.apply(settings.demo());
      GenerateCommand.generate(spark, spec, settings.paths().raw(), progress);
      RunContext ctx = new RunContext(spec.endDate(), runId, Versions.code());
      java.util.List<JobResult> results = RunCommand.runPipeline(spark, settings, ctx, progress);
      RunSummary.print(spark, settings, ctx, System.out);
      DemoGroundTruth.printAndRecord(spark, settings, ctx, System.out);
      ReportCommand.renderAfterRun(spark, settings, ctx.asOfDate(), System.out);
      return StageCommand.exitCode(results, new Progress(System.err));
    }
  }
}
