package io.centraal.jobs;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.features.CustomerFeatures;
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
  @Override
  String jobName() {
    return "features";
  }

  @Override
  JobResult execute(SparkSession spark, CentraalSettings settings, RunContext ctx, Progress progress) {
    long t0 = System.nanoTime();
    String path = settings.paths().silver(TableNames.CUSTOMER_FEATURES);
    try (CustomerFeatures.Built features = FeatureStage.build(Tables.featureInputs(spark, settings.paths()), settings,
        ctx.asOfDate())) {
      DeltaTables.ensureTable(spark, path, features.rows().schema(), List.of(FeatureColumns.AS_OF_DATE), Map.of());
      DeltaTables.replaceSlice(features.rows(), path, FeatureColumns.AS_OF_DATE + " = " + ctx.asOfLiteral());
    }
    long customers = DeltaTables.read(spark, path)
        .where(FeatureColumns.AS_OF_DATE + " = " + ctx.asOfLiteral()).count();
    progress.step("features", "customers", customers, customers, 0, seconds(t0));
    return new JobResult(customers, customers, 0, Json.write(Map.of("customers", customers)));
  }
}
