package io.centraal.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.features.CustomerFeatures;
import io.centraal.scoring.features.FeatureInputs;
import io.centraal.scoring.features.ReachFeatures;
import io.centraal.scoring.features.ReviewFeatures;
import io.centraal.scoring.features.TransactionFeatures;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.io.ModelRuns;
import io.centraal.scoring.io.Tables;
import io.centraal.scoring.model.btyd.BtydModels;
import io.centraal.scoring.model.btyd.ClvModels;
import io.centraal.scoring.model.btyd.ClvSettings;
import io.centraal.scoring.model.btyd.FitStatus;
import io.centraal.scoring.model.btyd.GammaGammaModel;
import io.centraal.scoring.model.btyd.ShrunkMeanSpendModel;
import io.centraal.scoring.model.btyd.SpendModelSelection;
import io.centraal.scoring.model.btyd.TransactionModelKind;
import io.centraal.scoring.model.btyd.TransactionModelSelection;
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
import io.centraal.scoring.model.influence.InfluenceSettings;
import io.centraal.scoring.model.influence.InfluenceTraining;
import io.centraal.scoring.model.influence.InfluenceWeightsStore;
import io.centraal.scoring.model.influence.ValueQuadrant;
import io.centraal.scoring.model.rfm.RfmScoring;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.run.ScoringException;
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

  @Option(names = "--influence-model", paramLabel = "latest|VERSION",
      description = "Apply saved influence weights (latest, or a version under <data-dir>/models/influence) "
          + "instead of fitting them at the cut-off.")
  String influenceModel;

  public ScoreJob() {}

  /** @param churnModel a saved churn model to reuse ("latest" or a version), or null to train */
  public ScoreJob(String churnModel) {
    this(churnModel, null);
  }

  /**
   * @param churnModel a saved churn model to reuse ("latest" or a version), or null to train
   * @param influenceModel saved influence weights to reuse ("latest" or a version), or null to fit
   */
  public ScoreJob(String churnModel, String influenceModel) {
    this.churnModel = churnModel;
    this.influenceModel = influenceModel;
  }

  /** Fraction of the churn training rows kept aside to measure the model. */
  private static final double CHURN_HOLDOUT_SHARE = 0.3;
  private static final long CHURN_SEED = 20240601L;

  @Override
  String jobName() {
    return "score";
  }

  /**
   * The CLV models chosen on one feature table: every candidate transaction model and the spend
   * model fitted on the customers with a purchase, and the choice ({@link ClvModels}).
   */
  static ClvModels fitClv(Dataset<Row> features, CentraalSettings settings) {
    FitOptions options = settings.clv().fitOptions(settings.timeUnit());
    Dataset<Row> buyers = features.where(col(FeatureColumns.FREQUENCY).isNotNull());
    return ClvModels.select(BtydModels.collectSummaries(buyers), options, settings.clv().model());
  }

  /**
   * customer_key with p_alive, expected purchases, expected spend, CLV and clv_status, for
   * customers who purchased (columns null where a model could not be trusted, clv_status says why).
   */
  static Dataset<Row> clv(Dataset<Row> features, ClvModels models, CentraalSettings settings) {
    Dataset<Row> summary = features.where(col(FeatureColumns.FREQUENCY).isNotNull())
        .select(col(FeatureColumns.CUSTOMER_KEY), col(FeatureColumns.FREQUENCY), col(FeatureColumns.RECENCY),
            col(FeatureColumns.T), col(FeatureColumns.MONETARY_VALUE),
            when(col(FeatureColumns.TOTAL_SPEND).gt(0), col(FeatureColumns.TOTAL_MARGIN)
                .divide(col(FeatureColumns.TOTAL_SPEND))).as(FeatureColumns.MARGIN_RATE));
    List<String> out = new ArrayList<>(List.of(FeatureColumns.CUSTOMER_KEY));
    ClvSettings clvSettings = settings.clv().toClvSettings(settings.timeUnit());
    out.addAll(ClvScoring.outputColumns(clvSettings));
    return ClvScoring.score(summary, models.transactionModel(), models.spendModel(), clvSettings)
        .selectExpr(out.toArray(String[]::new))
        .withColumn(ScoreColumns.CLV_STATUS, lit(models.clvStatus()));
  }

  /**
   * The P(alive) of the churn baseline and fallback: MBG/NBD's when it converged (see
   * {@link ChurnBaseline} for why MBG/NBD), else the chosen model's if it has a dropout process;
   * none when no dropout model could be trusted (P(alive) = 1 for everyone ranks nobody).
   */
  static Optional<FitResult> churnBaselineModel(ClvModels models) {
    Optional<FitResult> mbg = models.transactions().candidate(TransactionModelKind.MBG_NBD)
        .filter(c -> c.status() == FitStatus.CONVERGED).flatMap(TransactionModelSelection.Candidate::fit);
    if (mbg.isPresent()) {
      return mbg;
    }
    return models.transactionModel()
        .filter(f -> TransactionModelKind.ofModelName(f.modelName()).hasDropout());
  }

  /** Adds {@link ChurnBaseline#P_ALIVE_MBGNBD} to {@code rows} (null when there is no baseline model). */
  static Dataset<Row> withBaselinePAlive(Dataset<Row> rows, Dataset<Row> features, Optional<FitResult> baseline) {
    return baseline.isPresent()
        ? rows.join(ChurnBaseline.pAlive(features, baseline.get()), new String[] {FeatureColumns.CUSTOMER_KEY}, "left")
        : rows.withColumn(ChurnBaseline.P_ALIVE_MBGNBD, lit(null).cast("double"));
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

    // Financial value: BTYD + Gamma-Gamma, chosen among the candidates; a model that cannot be
    // trusted leaves its columns null (clv_status says why) unless on-unidentified = fail.
    ClvModels models = fitClv(scorable, settings);
    List<String> warnings = new ArrayList<>(models.warnings());
    if (!warnings.isEmpty() && settings.clv().onUnidentified() == CentraalSettings.OnUnidentified.FAIL) {
      throw new ScoringException("score as of " + ctx.asOfDate() + ": " + String.join("; ", warnings)
          + " (score.clv.on-unidentified = fail; set it to degrade to write every other score)");
    }
    Dataset<Row> scored = scorable.join(clv(scorable, models, settings), new String[] {FeatureColumns.CUSTOMER_KEY},
        "left");
    progress.step("score", "clv", scorableCount, scorableCount, 0, seconds(t0));
    progress.info("           clv model " + models.version() + ": " + models.transactions().reason());
    for (String line : models.table()) {
      progress.info("             " + line);
    }

    // Churn: train at the cut-off and apply at the as-of date, or apply a saved model.
    long t1 = System.nanoTime();
    ChurnTraining.Settings churnSettings = churnSettings(settings);
    ChurnRun churn = churnModel == null
        ? trainAndSaveChurn(spark, settings, ctx, churnSettings)
        : loadChurn(spark, settings, churnModel);
    Dataset<Row> purchasers = scored.where(col(FeatureColumns.PURCHASE_PERIODS).gt(0));
    Optional<FitResult> baseline = churnBaselineModel(models);
    if (churn.outcome().model().isEmpty()) {
      purchasers = withBaselinePAlive(purchasers, scorable, baseline);
    }
    Dataset<Row> buyers = ChurnTraining.apply(churn.outcome(), purchasers, churnSettings,
            baseline.isPresent() ? ChurnBaseline.P_ALIVE_MBGNBD : null)
        .select(FeatureColumns.CUSTOMER_KEY, ScoreColumns.CHURN_RISK, ScoreColumns.CHURN_BAND);
    scored = scored.join(buyers, new String[] {FeatureColumns.CUSTOMER_KEY}, "left");
    ChurnTraining.Outcome outcome = churn.outcome();
    if (outcome.model().isEmpty()) {
      warnings.add("churn model not trained: " + outcome.note());
    }
    progress.step("score", "churn", outcome.positives() + outcome.negatives(), scorableCount, 0, seconds(t1));
    progress.info("           churn model " + outcome.version() + ": " + outcome.note()
        + (outcome.metrics().isEmpty() ? "" : String.format(java.util.Locale.ROOT,
        "; holdout AUC %.3f (1 - p_alive: %.3f), Brier %.3f, calibration error %.3f (before calibration %.3f)",
        outcome.metrics().get("auc_roc"), outcome.baselineMetrics().getOrDefault("auc_roc", Double.NaN),
        outcome.metrics().get("brier"), outcome.metrics().get("ece"),
        outcome.uncalibratedMetrics().getOrDefault("ece", Double.NaN))));

    // RFM, influence, advocacy, value quadrant.
    long t2 = System.nanoTime();
    scored = new RfmScoring(settings.rfm()).apply(scored);
    Dataset<Row> followEdges = ReachFeatures.followEdges(
        Tables.bronze(spark, settings, SourceContracts.FOLLOWS_CONTRACT), Tables.identityMap(spark, settings));
    Dataset<Row> pageRank = FollowGraph.pageRank(followEdges, settings.pageRank().resetProbability(),
        settings.pageRank().iterations());
    scored = scored.join(pageRank, new String[] {FeatureColumns.CUSTOMER_KEY}, "left");
    scored = new Advocacy(settings.advocacy()).apply(scored);
    InfluenceRun influence = influenceModel == null ? fitInfluence(spark, settings, ctx, scorable)
        : loadInfluence(spark, settings, influenceModel);
    progress.info("           influence weights " + influence.version() + ": " + influence.note());
    scored = new InfluenceScoring(influence.settings()).apply(scored);
    scored = new ValueQuadrant(settings.value()).apply(scored)
        .withColumn(ScoreColumns.RUN_ID, lit(ctx.runId()))
        .withColumn(ScoreColumns.CLV_MODEL_VERSION, lit(models.version() + "@" + ctx.asOfDate() + "/" + ctx.runId()))
        .withColumn(ScoreColumns.CLV_STATUS, coalesce(col(ScoreColumns.CLV_STATUS), lit(ClvModels.NO_PURCHASE)))
        .withColumn(ScoreColumns.CHURN_MODEL_VERSION, lit(outcome.version()))
        .withColumn(ScoreColumns.INFLUENCE_MODEL_VERSION, lit(influence.version()));

    String path = settings.paths().silver(TableNames.SCORES);
    DeltaTables.ensureTable(spark, path, scored.schema(), List.of(FeatureColumns.AS_OF_DATE), Map.of());
    DeltaTables.replaceSlice(scored, path, FeatureColumns.AS_OF_DATE + " = " + ctx.asOfLiteral());
    pageRank.unpersist();
    scorable.unpersist();
    progress.step("score", "rfm+influence", scorableCount, scorableCount, 0, seconds(t2));

    String unit = settings.timeUnit().name().toLowerCase(java.util.Locale.ROOT);
    List<ModelRuns.Entry> entries = new ArrayList<>(clvEntries(models, unit, ctx));
    entries.add(new ModelRuns.Entry("churn", outcome.version(), "days", null, null, outcome.model().isPresent(), null,
        churn.metricsJson()));
    entries.add(influence.entry());
    ModelRuns.write(spark, settings, ctx, entries);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("customers", customers);
    detail.put("scored", scorableCount);
    detail.put("not_scored_profiling_objection", customers - scorableCount);
    detail.put("clv_model", models.version());
    detail.put("clv_status", models.clvStatus());
    detail.put("churn_model", outcome.version());
    if (!warnings.isEmpty()) {
      detail.put("warnings", warnings);
    }
    return new JobResult(customers, scorableCount, 0, Json.write(detail), warnings);
  }

  /** model_runs.model of the run's CLV model choice (the candidate table and reasons). */
  static final String CLV_MODEL_CHOICE = "clv_model_choice";

  /**
   * The model_runs rows of the CLV models: one per transaction model (every kind, so a re-run that
   * chooses differently replaces them all; status not_fitted for those not tried), one per spend
   * model, and the {@value #CLV_MODEL_CHOICE} row with the candidate table and the reasons.
   */
  static List<ModelRuns.Entry> clvEntries(ClvModels models, String unit, RunContext ctx) {
    List<ModelRuns.Entry> entries = new ArrayList<>();
    String chosenTx = models.transactionModel().map(FitResult::modelName).orElse("");
    for (TransactionModelKind kind : TransactionModelKind.values()) {
      Optional<TransactionModelSelection.Candidate> c = models.transactions().candidate(kind);
      Optional<FitResult> fit = c.flatMap(TransactionModelSelection.Candidate::fit);
      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("role", "transaction_model");
      metrics.put("status", c.map(x -> x.status().label()).orElse(FitStatus.NOT_FITTED.label()));
      metrics.put("chosen", kind.modelName().equals(chosenTx));
      c.ifPresent(x -> {
        metrics.put("bic", Double.isFinite(x.bic()) ? x.bic() : null);
        metrics.put("params_at_end", x.namedParams());
        metrics.put("note", x.note());
      });
      entries.add(new ModelRuns.Entry(kind.modelName(), kind.modelName(), unit, fit.map(FitResult::toJson).orElse(null),
          c.map(x -> Double.isFinite(x.logLikelihood()) ? x.logLikelihood() : null).orElse(null),
          c.map(x -> x.status() == FitStatus.CONVERGED).orElse(false),
          fit.map(FitResult::iterations).orElse(null), Json.write(metrics)));
    }
    SpendModelSelection.Selection spend = models.spend();
    Map<String, Object> gg = new LinkedHashMap<>();
    gg.put("role", "spend_model");
    gg.put("status", spend.gammaGammaStatus().label());
    gg.put("chosen", !spend.fallback() && spend.chosen().isPresent());
    gg.put("note", spend.gammaGammaNote());
    gg.put("frequency_spend_correlation", Double.isFinite(spend.frequencySpendCorrelation())
        ? spend.frequencySpendCorrelation() : null);
    Optional<FitResult> ggFit = spend.gammaGamma();
    entries.add(new ModelRuns.Entry(GammaGammaModel.NAME, GammaGammaModel.NAME, unit,
        ggFit.map(FitResult::toJson).orElse(null), ggFit.map(FitResult::logLikelihood).orElse(null),
        spend.gammaGammaStatus() == FitStatus.CONVERGED, ggFit.map(FitResult::iterations).orElse(null),
        Json.write(gg)));
    Map<String, Object> shrunk = new LinkedHashMap<>();
    shrunk.put("role", "spend_model");
    shrunk.put("status", spend.fallback() ? "fallback" : FitStatus.NOT_FITTED.label());
    shrunk.put("chosen", spend.fallback());
    shrunk.put("note", spend.reason());
    Optional<FitResult> fallback = spend.chosen().filter(f -> spend.fallback());
    entries.add(new ModelRuns.Entry(ShrunkMeanSpendModel.NAME, ShrunkMeanSpendModel.NAME, unit,
        fallback.map(FitResult::toJson).orElse(null), null, fallback.isPresent(), null, Json.write(shrunk)));
    entries.add(new ModelRuns.Entry(CLV_MODEL_CHOICE, models.version() + "@" + ctx.asOfDate(), unit, null, null,
        models.transactionModel().isPresent(), null, models.toJson()));
    return entries;
  }

  static ChurnTraining.Settings churnSettings(CentraalSettings settings) {
    CentraalSettings.Churn c = settings.churn();
    return new ChurnTraining.Settings(c.windowDays(), c.minClassExamples(), c.maxIter(), c.regParam(),
        CHURN_HOLDOUT_SHARE, c.calibrationShare(), c.balancedClassWeights(), c.bandMedium(), c.bandHigh(), CHURN_SEED);
  }

  /** The churn model of this run (trained now or loaded) and what model_runs records about it. */
  record ChurnRun(ChurnTraining.Outcome outcome, String metricsJson) {}

  /** The influence weights of this run, where they came from, and their model_runs row. */
  record InfluenceRun(InfluenceSettings settings, String version, String note, ModelRuns.Entry entry) {}

  /**
   * Influence weights fitted at the cut-off as-of minus {@code score.influence.training.window-days}
   * against an outcome in the window after it ({@link InfluenceTraining}); the configured weights
   * when training is off, no source that can hold an outcome (reviews, clickstream referrals,
   * follows) is enabled, or the fit does not beat them on its holdout. Fitted weights are saved
   * under models/influence/&lt;version&gt;. Features at the cut-off leave out PageRank: follow edges
   * are undated, so today's graph would leak the future into them.
   */
  static InfluenceRun fitInfluence(SparkSession spark, CentraalSettings settings, RunContext ctx,
                                   Dataset<Row> atAsOf) {
    InfluenceTraining.Settings ts = settings.influenceTraining();
    String version = "influence-nnls-" + ctx.asOfDate() + "-" + ctx.runId();
    boolean outcomeSource = List.of(SourceContracts.REVIEWS, SourceContracts.CLICKSTREAM, SourceContracts.FOLLOWS)
        .stream().anyMatch(name -> settings.sources().get(name).enabled());
    InfluenceTraining.Result fit;
    if (!ts.enabled() || !outcomeSource) {
      fit = InfluenceTraining.configured(settings.influence(), ts, ts.enabled()
          ? "no reviews, clickstream or follows source enabled, so no outcome to learn from: configured weights"
          : "training disabled (score.influence.training.enabled = false)");
    } else {
      LocalDate cutoff = ctx.asOfDate().minusDays(ts.windowDays());
      FeatureInputs inputs = FeaturesJob.inputs(spark, settings);
      Dataset<Row> atCutoff = new Advocacy(settings.advocacy()).apply(FeaturesJob.features(inputs, settings, cutoff)
          .where(col(FeatureColumns.PROFILING_ALLOWED))).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        Map<String, Dataset<Row>> outcomes = new LinkedHashMap<>();
        outcomes.put(InfluenceTraining.HELPFUL_VOTES, InfluenceTraining.helpfulVotesOfReviewsWritten(
            ReviewFeatures.keyed(inputs.reviews(), inputs.identityMap()), cutoff, ctx.asOfDate()));
        outcomes.put(InfluenceTraining.REFERRED_CUSTOMERS,
            InfluenceTraining.gainedSince(atCutoff, atAsOf, FeatureColumns.REFERRED_CUSTOMERS));
        outcomes.put(InfluenceTraining.REFERRED_VISITORS,
            InfluenceTraining.gainedSince(atCutoff, atAsOf, FeatureColumns.REFERRED_VISITORS));
        outcomes.put(InfluenceTraining.FOLLOWERS,
            InfluenceTraining.gainedSince(atCutoff, atAsOf, FeatureColumns.FOLLOWERS));
        fit = InfluenceTraining.fit(atCutoff, outcomes, settings.influence(), ts, version);
        if (fit.fitted()) {
          InfluenceWeightsStore.save(spark, settings.paths().models("influence"), fit.version(),
              fit.savedMetadata(cutoff, ctx.asOfDate(), ctx.runId()));
        }
      } finally {
        atCutoff.unpersist();
      }
    }
    return new InfluenceRun(fit.settings(), fit.version(), fit.note(), new ModelRuns.Entry("influence",
        fit.version(), "days", fit.parametersJson(), null, fit.fitted(), null, fit.metricsJson()));
  }

  /** Saved influence weights, applied without refitting. */
  static InfluenceRun loadInfluence(SparkSession spark, CentraalSettings settings, String version) {
    InfluenceWeightsStore.Saved saved = InfluenceWeightsStore.load(spark, settings.paths().models("influence"),
        version);
    String note = "saved weights reused without refitting (trained at cut-off " + saved.metadata().get("trained_cutoff")
        + ")";
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("reused", true);
    metrics.put("note", note);
    metrics.put("weights", saved.weights());
    return new InfluenceRun(saved.settings(settings.influence()), saved.version(), note,
        new ModelRuns.Entry("influence", saved.version(), "days", Json.write(Map.of("weights", saved.weights())), null,
            true, null, Json.write(metrics)));
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
   * Labelled training rows at the cut-off and the name of their baseline P(alive) column (null when
   * no dropout model could be fitted at the cut-off). Persisted; the caller unpersists.
   */
  record LabelledRows(Dataset<Row> rows, String baselinePAlive) {}

  /**
   * Labelled training rows at the cut-off (as-of minus the churn window): features there, P(alive)
   * from the BTYD model chosen on the cut-off summary (a feature) and from MBG/NBD (the baseline),
   * and the label from what happened in the window. Customers who object to profiling at the as-of
   * date are left out even if they had not objected yet at the cut-off: an objection known now
   * covers the model trained now.
   */
  static LabelledRows labelledAtCutoff(SparkSession spark, CentraalSettings settings, LocalDate asOf,
                                       int windowDays) {
    LocalDate cutoff = asOf.minusDays(windowDays);
    FeatureInputs inputs = FeaturesJob.inputs(spark, settings);
    Dataset<Row> atCutoff = trainableAtCutoff(FeaturesJob.features(inputs, settings, cutoff),
        Tables.required(spark, settings.paths().silver(TableNames.CUSTOMER_FEATURES), "features"), asOf)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ClvModels atCutoffModels = fitClv(atCutoff, settings);
      Optional<FitResult> baseline = churnBaselineModel(atCutoffModels);
      Dataset<Row> withPAlive = withBaselinePAlive(atCutoff
          .join(clv(atCutoff, atCutoffModels, settings).select(FeatureColumns.CUSTOMER_KEY, ScoreColumns.P_ALIVE),
              FeatureColumns.CUSTOMER_KEY), atCutoff, baseline);
      Dataset<Row> daily = CustomerFeatures.dailyPurchases(inputs, asOf);
      Dataset<Row> labelled = ChurnModel.label(withPAlive, daily,
          TransactionFeatures.isPurchase(settings.features().purchaseRule()), cutoff, windowDays)
          .persist(StorageLevel.MEMORY_AND_DISK());
      labelled.count();
      return new LabelledRows(labelled, baseline.isPresent() ? ChurnBaseline.P_ALIVE_MBGNBD : null);
    } finally {
      atCutoff.unpersist();
    }
  }

  /**
   * The customers at the cut-off who may train the churn model: profiling allowed at the cut-off,
   * and no objection known at the as-of date ({@code featuresNow}: customer_features, any dates).
   */
  static Dataset<Row> trainableAtCutoff(Dataset<Row> featuresAtCutoff, Dataset<Row> featuresNow, LocalDate asOf) {
    Dataset<Row> objectingNow = featuresNow
        .where(col(FeatureColumns.AS_OF_DATE).equalTo(java.sql.Date.valueOf(asOf))
            .and(not(col(FeatureColumns.PROFILING_ALLOWED))))
        .select(FeatureColumns.CUSTOMER_KEY);
    return featuresAtCutoff.where(col(FeatureColumns.PROFILING_ALLOWED))
        .join(objectingNow, new String[] {FeatureColumns.CUSTOMER_KEY}, "left_anti");
  }

  /** The model's features: offline, online and the configured model's P(alive). */
  static List<String> churnFeatures(boolean withOnline) {
    return ChurnModel.features(withOnline);
  }

  static ChurnTraining.Outcome trainChurn(SparkSession spark, CentraalSettings settings, LocalDate asOf,
                                          ChurnTraining.Settings s, String version) {
    LabelledRows labelled = labelledAtCutoff(spark, settings, asOf, s.windowDays());
    try {
      return ChurnTraining.train(labelled.rows(), churnFeatures(true), s, version, labelled.baselinePAlive());
    } finally {
      labelled.rows().unpersist();
    }
  }
}
