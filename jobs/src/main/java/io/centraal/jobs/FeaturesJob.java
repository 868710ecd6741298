package io.centraal.jobs;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.features.CustomerFeatures;
import io.centraal.scoring.features.FeatureInputs;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.io.Tables;
import io.centraal.scoring.pipeline.FeatureStage;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.TableNames;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/** Step 3: per-customer features as of the date -> silver customer_features (one slice per date). */
@Command(name = "features", mixinStandardHelpOptions = true,
    description = "Compute per-customer features as of the date into silver customer_features.")
public final class FeaturesJob extends StageCommand {
  /** Where the activity goes when a run's score stage follows (null: built, used and released here). */
  private ActivityHandOver handOver;

  /** This job, keeping the keyed activity it builds in {@code to} for the score stage of the run. */
  FeaturesJob handingOver(ActivityHandOver to) {
    this.handOver = to;
    return this;
  }

  @Override
  String jobName() {
    return "features";
  }

  @Override
  JobResult execute(SparkSession spark, CentraalSettings settings, RunContext ctx, Progress progress) {
    long t0 = System.nanoTime();
    String path = settings.paths().silver(TableNames.CUSTOMER_FEATURES);
    FeatureInputs inputs = Tables.featureInputs(spark, settings.paths());
    try (CustomerFeatures.Built features = handOver == null ? FeatureStage.build(inputs, settings, ctx.asOfDate())
        : FeatureStage.build(inputs, handOver.keep(inputs, ctx.asOfDate()), settings, ctx.asOfDate())) {
      DeltaTables.ensureTable(spark, path, features.rows().schema(), List.of(FeatureColumns.AS_OF_DATE), Map.of());
      DeltaTables.replaceSlice(features.rows(), path, FeatureColumns.AS_OF_DATE + " = " + ctx.asOfLiteral());
    }
    long customers = DeltaTables.read(spark, path)
        .where(FeatureColumns.AS_OF_DATE + " = " + ctx.asOfLiteral()).count();
    progress.step("features", "customers", customers, customers, 0, seconds(t0));
    return new JobResult(customers, customers, 0, Json.write(Map.of("customers", customers)));
  }
}
