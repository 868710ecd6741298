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
import io.centraal.scoring.io.Json;
import io.centraal.scoring.io.ModelRuns;
import io.centraal.scoring.io.Tables;
import io.centraal.scoring.model.btyd.BtydModels;
import io.centraal.scoring.model.btyd.ClvScoring;
import io.centraal.scoring.model.btyd.FitOptions;
import io.centraal.scoring.model.btyd.FitResult;
import io.centraal.scoring.model.churn.ChurnBaseline;
import io.centraal.scoring.model.churn.ChurnModel;
import io.centraal.scoring.model.churn.ChurnModelStore;
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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Step 4: customer features -> scores. CLV from the BTYD models, churn risk from a model trained at
 * a back-dated cut-off, RFM, influence, advocacy and the value quadrant. Customers who objected to
 * profiling are not scored.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Fit the CLV and churn models and score every customer as of the date into silver scores.")
public final class ScoreJob extends StageCommand {
  @Option(names = "--model", paramLabel = "latest|VERSION",
      description = "Apply a saved churn model (latest, or a version under <data-dir>/models/churn) instead of "
          + "training one at the cut-off.")
  String churnModel;

  public ScoreJob() {}

  /** @param churnModel a saved churn model to reuse ("latest" or a version), or null to train */
  public ScoreJob(String churnModel) {
    this.churnModel = churnModel;
  }

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

    // Churn: train at the cut-off and apply at the as-of date, or apply a saved model.
    long t1 = System.nanoTime();
    ChurnTraining.Settings churnSettings = churnSettings(settings);
    ChurnRun churn = churnModel == null
        ? trainAndSaveChurn(spark, settings, ctx, churnSettings)
        : loadChurn(spark, settings, churnModel);
    Dataset<Row> purchasers = scored.where(col(FeatureColumns.PURCHASE_PERIODS).gt(0));
    if (churn.outcome().model().isEmpty()) {
      purchasers = purchasers.join(ChurnBaseline.pAlive(purchasers, mbgNbd(scorable, fit, settings)),
          new String[] {FeatureColumns.CUSTOMER_KEY}, "left");
    }
    Dataset<Row> buyers = ChurnTraining.apply(churn.outcome(), purchasers, churnSettings, ChurnBaseline.P_ALIVE_MBGNBD)
        .select(FeatureColumns.CUSTOMER_KEY, ScoreColumns.CHURN_RISK, ScoreColumns.CHURN_BAND);
    scored = scored.join(buyers, new String[] {FeatureColumns.CUSTOMER_KEY}, "left");
    ChurnTraining.Outcome outcome = churn.outcome();
    progress.step("score", "churn", outcome.positives() + outcome.negatives(), scorableCount, 0, seconds(t1));
    progress.info("           churn model " + outcome.version() + ": " + outcome.note()
        + (outcome.metrics().isEmpty() ? "" : String.format(java.util.Locale.ROOT,
        "; holdout AUC %.3f (1 - p_alive: %.3f), Brier %.3f, calibration error %.3f (before calibration %.3f)",
        outcome.metrics().get("auc_roc"), outcome.baselineMetrics().get("auc_roc"), outcome.metrics().get("brier"),
        outcome.metrics().get("ece"), outcome.uncalibratedMetrics().getOrDefault("ece", Double.NaN))));

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
        .withColumn(ScoreColumns.CHURN_MODEL_VERSION, lit(outcome.version()))
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
        new ModelRuns.Entry("churn", outcome.version(), "days", null, null, outcome.model().isPresent(), null,
            churn.metricsJson())));
    return new JobResult(customers, scorableCount, 0, String.format(
        "{\"customers\": %d, \"scored\": %d, \"not_scored_profiling_objection\": %d, \"churn_model\": \"%s\"}",
        customers, scorableCount, customers - scorableCount, outcome.version()));
  }

  static ModelRuns.Entry fitEntry(FitResult fit, String unit) {
    return new ModelRuns.Entry(fit.modelName(), fit.modelName(), unit, fit.toJson(), fit.logLikelihood(),
        fit.converged(), fit.iterations(), null);
  }

  static ChurnTraining.Settings churnSettings(CentraalSettings settings) {
    CentraalSettings.Churn c = settings.churn();
    return new ChurnTraining.Settings(c.windowDays(), c.minClassExamples(), c.maxIter(), c.regParam(),
        CHURN_HOLDOUT_SHARE, c.calibrationShare(), c.balancedClassWeights(), c.bandMedium(), c.bandHigh(), CHURN_SEED);
  }

  /** The churn model of this run (trained now or loaded) and what model_runs records about it. */
  record ChurnRun(ChurnTraining.Outcome outcome, String metricsJson) {}

  /** The MBG/NBD fit of the baseline and fallback: the configured fit when that is MBG/NBD already. */
  static FitResult mbgNbd(Dataset<Row> features, ClvFit fit, CentraalSettings settings) {
    return settings.clv().model() == TransactionModelKind.MBG_NBD ? fit.transactions()
        : BtydModels.fitModifiedBgNbd(features.where(col(FeatureColumns.FREQUENCY).isNotNull()),
            settings.clv().fitOptions(settings.timeUnit()));
  }

  /** Trains at the cut-off; a trained model is saved under models/churn/<version> with its metadata. */
  static ChurnRun trainAndSaveChurn(SparkSession spark, CentraalSettings settings, RunContext ctx,
                                    ChurnTraining.Settings s) {
    String version = "churn-lr-" + ctx.asOfDate() + "-" + ctx.runId();
    ChurnTraining.Outcome outcome = trainChurn(spark, settings, ctx.asOfDate(), s, version);
    Map<String, Object> metrics = ChurnTraining.metrics(outcome);
    if (outcome.model().isPresent()) {
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("version", version);
      metadata.put("trained_at", java.time.Instant.now().toString());
      metadata.put("run_id", ctx.runId());
      metadata.put("as_of_date", ctx.asOfDate().toString());
      metadata.put("trained_cutoff", ctx.asOfDate().minusDays(s.windowDays()).toString());
      metadata.put("window_days", s.windowDays());
      metadata.put("code_version", ctx.codeVersion());
      metadata.put("features", outcome.features());
      metadata.put("metrics", metrics);
      ChurnModelStore.save(spark, settings.paths().models("churn"), version, outcome.model().get(), metadata);
    }
    return new ChurnRun(outcome, Json.write(metrics));
  }

  /** A saved model ({@code latest} or a version), applied without retraining. */
  static ChurnRun loadChurn(SparkSession spark, CentraalSettings settings, String version) {
    ChurnModelStore.Saved saved = ChurnModelStore.load(spark, settings.paths().models("churn"), version);
    String note = "saved model reused without retraining (trained at cut-off " + saved.metadata().get("trained_cutoff")
        + ", " + saved.metadata().get("trained_at") + ")";
    ChurnTraining.Outcome outcome = new ChurnTraining.Outcome(Optional.of(saved.model()), saved.version(),
        ChurnModelStore.features(saved.metadata()), Map.of(), Map.of(), Map.of(), Map.of(), 0, 0, note);
    Map<String, Object> metrics = new LinkedHashMap<>();
    Object trained = saved.metadata().get("metrics");
    if (trained instanceof Map<?, ?> m) {
      m.forEach((k, v) -> metrics.put(String.valueOf(k), v));
    }
    metrics.put("reused", true);
    metrics.put("note", note);
    return new ChurnRun(outcome, Json.write(metrics));
  }

  /**
   * Labelled training rows at the cut-off (as-of minus the churn window): features there, P(alive)
   * from a BTYD fit on the cut-off summary (a feature) and from MBG/NBD (the baseline), and the
   * label from what happened in the window. Persisted; the caller unpersists.
   */
  static Dataset<Row> labelledAtCutoff(SparkSession spark, CentraalSettings settings, LocalDate asOf,
                                       int windowDays) {
    LocalDate cutoff = asOf.minusDays(windowDays);
    FeatureInputs inputs = FeaturesJob.inputs(spark, settings);
    Dataset<Row> atCutoff = FeaturesJob.features(inputs, settings, cutoff)
        .where(col(FeatureColumns.PROFILING_ALLOWED)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ClvFit fitAtCutoff = fitClv(atCutoff, settings);
      Dataset<Row> withPAlive = atCutoff
          .join(clv(atCutoff, fitAtCutoff, settings).select(FeatureColumns.CUSTOMER_KEY, ScoreColumns.P_ALIVE),
              FeatureColumns.CUSTOMER_KEY)
          .join(ChurnBaseline.pAlive(atCutoff, mbgNbd(atCutoff, fitAtCutoff, settings)), FeatureColumns.CUSTOMER_KEY);
      Dataset<Row> daily = CustomerFeatures.dailyPurchases(inputs, asOf);
      Dataset<Row> labelled = ChurnModel.label(withPAlive, daily,
          TransactionFeatures.isPurchase(settings.features().purchaseRule()), cutoff, windowDays)
          .persist(StorageLevel.MEMORY_AND_DISK());
      labelled.count();
      return labelled;
    } finally {
      atCutoff.unpersist();
    }
  }

  /** The model's features: offline, online and the configured model's P(alive). */
  static List<String> churnFeatures(boolean withOnline) {
    return ChurnModel.features(withOnline);
  }

  static ChurnTraining.Outcome trainChurn(SparkSession spark, CentraalSettings settings, LocalDate asOf,
                                          ChurnTraining.Settings s, String version) {
    Dataset<Row> labelled = labelledAtCutoff(spark, settings, asOf, s.windowDays());
    try {
      return ChurnTraining.train(labelled, churnFeatures(true), s, version, ChurnBaseline.P_ALIVE_MBGNBD);
    } finally {
      labelled.unpersist();
    }
  }
}
