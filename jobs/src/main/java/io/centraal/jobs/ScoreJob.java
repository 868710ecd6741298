package io.centraal.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.config.CentraalSettings.TransactionModelKind;
import io.centraal.scoring.features.CustomerFeatures;
import io.centraal.scoring.features.FeatureInputs;
import io.centraal.scoring.features.ReachFeatures;
import io.centraal.scoring.features.TransactionFeatures;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.io.ModelRuns;
import io.centraal.scoring.io.Tables;
import io.centraal.scoring.model.btyd.BtydModels;
import io.centraal.scoring.model.btyd.ClvScoring;
import io.centraal.scoring.model.btyd.FitOptions;
import io.centraal.scoring.model.btyd.FitResult;
import io.centraal.scoring.model.churn.ChurnModel;
import io.centraal.scoring.model.churn.ChurnTraining;
import io.centraal.scoring.model.influence.Advocacy;
import io.centraal.scoring.model.influence.FollowGraph;
import io.centraal.scoring.model.influence.InfluenceScoring;
import io.centraal.scoring.model.influence.ValueQuadrant;
import io.centraal.scoring.model.rfm.RfmScoring;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.schema.TableNames;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;

/**
 * Step 4: customer features -> scores. CLV from the BTYD models, churn risk from a model trained at
 * a back-dated cut-off, RFM, influence, advocacy and the value quadrant. Customers who objected to
 * profiling are not scored.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Fit the CLV and churn models and score every customer as of the date into silver scores.")
public final class ScoreJob extends StageCommand {
  /** Fraction of the churn training rows kept aside to measure the model. */
  private static final double CHURN_HOLDOUT_SHARE = 0.3;
  private static final long CHURN_SEED = 20240601L;

  @Override
  String jobName() {
    return "score";
  }

  /** The transaction and spend models fitted on one summary. */
  record ClvFit(FitResult transactions, FitResult spend) {}

  static ClvFit fitClv(Dataset<Row> features, CentraalSettings settings) {
    FitOptions options = settings.clv().fitOptions(settings.timeUnit());
    Dataset<Row> buyers = features.where(col(FeatureColumns.FREQUENCY).isNotNull());
    FitResult tx = switch (settings.clv().model()) {
      case BG_NBD -> BtydModels.fitBgNbd(buyers, options);
      case PARETO_NBD -> BtydModels.fitParetoNbd(buyers, options);
      case MBG_NBD -> BtydModels.fitModifiedBgNbd(buyers, options);
    };
    return new ClvFit(tx, BtydModels.fitGammaGamma(buyers, options));
  }

  /** customer_key with p_alive, expected purchases, expected spend and CLV, for customers who purchased. */
  static Dataset<Row> clv(Dataset<Row> features, ClvFit fit, CentraalSettings settings) {
    Dataset<Row> summary = features.where(col(FeatureColumns.FREQUENCY).isNotNull())
        .select(col(FeatureColumns.CUSTOMER_KEY), col(FeatureColumns.FREQUENCY), col(FeatureColumns.RECENCY),
            col(FeatureColumns.T), col(FeatureColumns.MONETARY_VALUE),
            when(col(FeatureColumns.TOTAL_SPEND).gt(0), col(FeatureColumns.TOTAL_MARGIN)
                .divide(col(FeatureColumns.TOTAL_SPEND))).as(FeatureColumns.MARGIN_RATE));
    List<String> out = new ArrayList<>(List.of(FeatureColumns.CUSTOMER_KEY));
    out.addAll(ClvScoring.outputColumns(settings.clv().toClvSettings(settings.timeUnit())));
    return ClvScoring.score(summary, fit.transactions(), fit.spend(), settings.clv().toClvSettings(settings.timeUnit()))
        .selectExpr(out.toArray(String[]::new));
  }

  @Override
  JobResult execute(SparkSession spark, CentraalSettings settings, RunContext ctx, Progress progress) {
    long t0 = System.nanoTime();
    Dataset<Row> features = Tables.required(spark, settings.paths().silver(TableNames.CUSTOMER_FEATURES), "features")
        .where(col(FeatureColumns.AS_OF_DATE).equalTo(java.sql.Date.valueOf(ctx.asOfDate())));
    Dataset<Row> scorable = features.where(col(FeatureColumns.PROFILING_ALLOWED))
        .persist(StorageLevel.MEMORY_AND_DISK());
    long customers = features.count();
    long scorableCount = scorable.count();

    // Financial value: BTYD + Gamma-Gamma.
    ClvFit fit = fitClv(scorable, settings);
    Dataset<Row> scored = scorable.join(clv(scorable, fit, settings), new String[] {FeatureColumns.CUSTOMER_KEY}, "left");
    progress.step("score", "clv", scorableCount, scorableCount, 0, seconds(t0));

    // Churn: train at the cut-off, apply at the as-of date.
    long t1 = System.nanoTime();
    ChurnTraining.Settings churnSettings = churnSettings(settings);
    String churnVersion = "churn-lr-" + ctx.asOfDate() + "-" + ctx.runId();
    ChurnTraining.Outcome churn = trainChurn(spark, settings, ctx.asOfDate(), churnSettings, churnVersion);
    if (churn.model().isPresent()) {
      try {
        churn.model().get().write().overwrite().save(settings.paths().models("churn") + "/" + churnVersion);
      } catch (IOException e) {
        throw new io.centraal.scoring.run.ScoringException("cannot save the churn model: " + e.getMessage(), e);
      }
    }
    Dataset<Row> buyers = ChurnTraining.apply(churn, scored.where(col(FeatureColumns.PURCHASE_PERIODS).gt(0)),
        churnSettings).select(FeatureColumns.CUSTOMER_KEY, ScoreColumns.CHURN_RISK, ScoreColumns.CHURN_BAND);
    scored = scored.join(buyers, new String[] {FeatureColumns.CUSTOMER_KEY}, "left");
    progress.step("score", "churn", churn.positives() + churn.negatives(), scorableCount, 0, seconds(t1));
    progress.info("           churn model " + churn.version() + ": " + churn.note()
        + (churn.metrics().isEmpty() ? "" : String.format(java.util.Locale.ROOT,
        "; holdout AUC %.3f (1 - p_alive: %.3f), Brier %.3f", churn.metrics().get("auc_roc"),
        churn.baselineMetrics().get("auc_roc"), churn.metrics().get("brier"))));

    // RFM, influence, advocacy, value quadrant.
    long t2 = System.nanoTime();
    scored = new RfmScoring(settings.rfm()).apply(scored);
    Dataset<Row> followEdges = ReachFeatures.followEdges(
        Tables.bronze(spark, settings, SourceContracts.FOLLOWS_CONTRACT), Tables.identityMap(spark, settings));
    Dataset<Row> pageRank = FollowGraph.pageRank(followEdges, settings.pageRank().resetProbability(),
        settings.pageRank().iterations());
    scored = scored.join(pageRank, new String[] {FeatureColumns.CUSTOMER_KEY}, "left");
    scored = new Advocacy(settings.advocacy()).apply(scored);
    scored = new InfluenceScoring(settings.influence()).apply(scored);
    scored = new ValueQuadrant(settings.value()).apply(scored)
        .withColumn(ScoreColumns.RUN_ID, lit(ctx.runId()))
        .withColumn(ScoreColumns.CLV_MODEL_VERSION, lit(fit.transactions().modelName() + "+" + fit.spend().modelName()
            + "@" + ctx.asOfDate() + "/" + ctx.runId()))
        .withColumn(ScoreColumns.CHURN_MODEL_VERSION, lit(churn.version()))
        .withColumn(ScoreColumns.INFLUENCE_MODEL_VERSION, lit("influence-v1"));

    String path = settings.paths().silver(TableNames.SCORES);
    DeltaTables.ensureTable(spark, path, scored.schema(), List.of(FeatureColumns.AS_OF_DATE), Map.of());
    DeltaTables.replaceSlice(scored, path, FeatureColumns.AS_OF_DATE + " = " + ctx.asOfLiteral());
    pageRank.unpersist();
    scorable.unpersist();
    progress.step("score", "rfm+influence", scorableCount, scorableCount, 0, seconds(t2));

    String unit = settings.timeUnit().name().toLowerCase(java.util.Locale.ROOT);
    ModelRuns.write(spark, settings, ctx, List.of(
        fitEntry(fit.transactions(), unit), fitEntry(fit.spend(), unit),
        new ModelRuns.Entry("churn", churn.version(), "days", null, null, churn.model().isPresent(), null,
            ChurnTraining.metricsJson(churn))));
    return new JobResult(customers, scorableCount, 0, String.format(
        "{\"customers\": %d, \"scored\": %d, \"not_scored_profiling_objection\": %d, \"churn_model\": \"%s\"}",
        customers, scorableCount, customers - scorableCount, churn.version()));
  }

  static ModelRuns.Entry fitEntry(FitResult fit, String unit) {
    return new ModelRuns.Entry(fit.modelName(), fit.modelName(), unit, fit.toJson(), fit.logLikelihood(),
        fit.converged(), fit.iterations(), null);
  }

  static ChurnTraining.Settings churnSettings(CentraalSettings settings) {
    CentraalSettings.Churn c = settings.churn();
    return new ChurnTraining.Settings(c.windowDays(), c.minClassExamples(), c.maxIter(), c.regParam(),
        CHURN_HOLDOUT_SHARE, c.bandMedium(), c.bandHigh(), CHURN_SEED);
  }

  /**
   * Features at the cut-off (as-of minus the churn window), P(alive) there from a BTYD fit on the
   * cut-off summary, labels from what happened in the window, then training.
   */
  static ChurnTraining.Outcome trainChurn(SparkSession spark, CentraalSettings settings, LocalDate asOf,
                                          ChurnTraining.Settings s, String version) {
    LocalDate cutoff = asOf.minusDays(s.windowDays());
    FeatureInputs inputs = FeaturesJob.inputs(spark, settings);
    Dataset<Row> atCutoff = FeaturesJob.features(inputs, settings, cutoff)
        .where(col(FeatureColumns.PROFILING_ALLOWED)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ClvFit fitAtCutoff = fitClv(atCutoff, settings);
      Dataset<Row> withPAlive = atCutoff.join(clv(atCutoff, fitAtCutoff, settings)
          .select(FeatureColumns.CUSTOMER_KEY, ScoreColumns.P_ALIVE), FeatureColumns.CUSTOMER_KEY);
      Dataset<Row> daily = CustomerFeatures.dailyPurchases(inputs, asOf);
      Dataset<Row> labelled = ChurnModel.label(withPAlive, daily,
          TransactionFeatures.isPurchase(settings.features().purchaseRule()), cutoff, s.windowDays());
      List<String> features = new ArrayList<>(ChurnModel.BASE_FEATURES);
      features.addAll(ChurnModel.ONLINE_FEATURES);
      features.add(ScoreColumns.P_ALIVE);
      return ChurnTraining.train(labelled, features, s, version);
    } finally {
      atCutoff.unpersist();
    }
  }
}
