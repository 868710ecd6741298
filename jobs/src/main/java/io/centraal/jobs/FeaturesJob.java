package io.centraal.jobs;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.features.CustomerFeatures;
import io.centraal.scoring.features.FeatureInputs;
import io.centraal.scoring.features.KeyedActivity;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.io.Tables;
import io.centraal.scoring.pipeline.FeatureStage;
import io.centraal.scoring.run.LeafCache;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.TableNames;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/** Step 3: per-customer features as of the date -> silver customer_features (one slice per date). */
@Command(name = "features", mixinStandardHelpOptions = true,
    description = "Compute per-customer features as of the date into silver customer_features.")
public final class FeaturesJob extends StageCommand {
  /** Where the activity goes when a run's score stage follows (null: built, used and released here). */
  private ActivityHandOver handOver;
  /** Whether the run's score stage trains a churn model, and fits influence weights (then needs their cut-offs). */
  private boolean trainsChurn;
  private boolean fitsInfluence;

  /**
   * This job, keeping the keyed activity it builds in {@code to} for the score stage of the run,
   * with the features at the cut-offs that stage trains at ({@code trainsChurn}: a churn model,
   * {@code fitsInfluence}: influence weights) built in the same query as the as-of date's.
   */
  FeaturesJob handingOver(ActivityHandOver to, boolean trainsChurn, boolean fitsInfluence) {
    this.handOver = to;
    this.trainsChurn = trainsChurn;
    this.fitsInfluence = fitsInfluence;
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
    if (handOver == null) {
      try (CustomerFeatures.Built features = FeatureStage.build(inputs, settings, ctx.asOfDate())) {
        write(spark, features.rows(), path, ctx);
      }
    } else {
      KeyedActivity activity = handOver.keep(inputs, ctx.asOfDate());
      List<LocalDate> cutoffs = FeatureStage.modelCutoffs(settings, ctx.asOfDate(), trainsChurn, fitsInfluence)
          .stream().filter(d -> d.isBefore(ctx.asOfDate())).distinct().toList();
      List<LocalDate> dates = new ArrayList<>(List.of(ctx.asOfDate()));
      dates.addAll(cutoffs);
      try (CustomerFeatures.Built features = FeatureStage.build(inputs, activity, settings, dates)) {
        if (cutoffs.isEmpty()) {
          write(spark, features.rows(), path, ctx);
        } else {
          // Cached for the score stage's cut-offs, which the activity releases with itself.
          Dataset<Row> all = LeafCache.of(features.rows());
          activity.keepFeatures(all, cutoffs);
          write(spark, all.where(FeatureColumns.AS_OF_DATE + " = " + ctx.asOfLiteral()), path, ctx);
        }
      }
    }
    long customers = DeltaTables.read(spark, path)
        .where(FeatureColumns.AS_OF_DATE + " = " + ctx.asOfLiteral()).count();
    progress.step("features", "customers", customers, customers, 0, seconds(t0));
    return new JobResult(customers, customers, 0, Json.write(Map.of("customers", customers)));
  }

  /** Replaces the date's slice of customer_features with {@code rows}. */
  private static void write(SparkSession spark, Dataset<Row> rows, String path, RunContext ctx) {
    DeltaTables.ensureTable(spark, path, rows.schema(), List.of(FeatureColumns.AS_OF_DATE), Map.of());
    DeltaTables.replaceSlice(rows, path, FeatureColumns.AS_OF_DATE + " = " + ctx.asOfLiteral());
  }
}
