package io.centraal.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.dq.ValidityGates;
import io.centraal.scoring.io.RunHistory;
import io.centraal.scoring.model.drift.RollingBacktest;
import io.centraal.scoring.pipeline.DriftStep;
import io.centraal.scoring.pipeline.GateStep;
import io.centraal.scoring.features.FeatureInputs;
import io.centraal.scoring.features.KeyedActivity;
import io.centraal.scoring.features.ReachFeatures;
import io.centraal.scoring.io.DeltaTables;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.io.ModelRuns;
import io.centraal.scoring.io.Tables;
import io.centraal.scoring.model.btyd.ClvModels;
import io.centraal.scoring.model.btyd.GroupFits;
import io.centraal.scoring.model.churn.ChurnModelStore;
import io.centraal.scoring.model.churn.ChurnTraining;
import io.centraal.scoring.model.influence.FollowGraph;
import io.centraal.scoring.model.influence.InfluenceWeightsStore;
import io.centraal.scoring.pipeline.ChurnStep;
import io.centraal.scoring.pipeline.ClvStep;
import io.centraal.scoring.pipeline.InfluenceStep;
import io.centraal.scoring.pipeline.ScoreStage;
import io.centraal.scoring.run.LeafCache;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.run.SideBySide;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.TableNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Step 4: customer features -> scores ({@link ScoreStage}): CLV from the BTYD models, churn risk
 * from a model trained at a back-dated cut-off, RFM, influence, advocacy and the value quadrant.
 * Customers who objected to profiling are not scored. This job reads the tables, calls the steps,
 * saves the fitted models and writes silver scores and model_runs.
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

  @Option(names = "--accept-gate", paramLabel = "GATE",
      description = "Accept a failed validity gate for this run (repeatable; names as in centraal.gates, e.g. max-psi).")
  List<String> acceptedGates = new java.util.ArrayList<>();

  /** Who accepted the gates, as recorded in the validity_gates row. */
  String acceptedBy = "score --accept-gate";

  /** The features stage's activity in a run; empty when the stage runs alone. */
  private ActivityHandOver handOver = new ActivityHandOver();

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

  /** This job, accepting {@code gates} for the run on behalf of {@code by} (e.g. {@code run --accept-gate}). */
  ScoreJob acceptingGates(List<String> gates, String by) {
    this.acceptedGates = List.copyOf(gates);
    this.acceptedBy = by;
    return this;
  }

  /** This job, taking the keyed activity the run's features stage left in {@code from}. */
  ScoreJob takingOver(ActivityHandOver from) {
    this.handOver = from;
    return this;
  }

  @Override
  String jobName() {
    return "score";
  }

  @Override
  JobResult execute(SparkSession spark, CentraalSettings settings, RunContext ctx, Progress progress) {
    long t0 = System.nanoTime();
    Dataset<Row> features = Tables.required(spark, settings.paths().silver(TableNames.CUSTOMER_FEATURES), "features")
        .where(col(FeatureColumns.AS_OF_DATE).equalTo(java.sql.Date.valueOf(ctx.asOfDate())));
    Dataset<Row> scorable = features.where(col(FeatureColumns.PROFILING_ALLOWED))
        .persist(StorageLevel.MEMORY_AND_DISK());
    // Both counts in one pass; the first use of scorable fills its cache.
    Row sizes = features.agg(count(lit(1)), count_if(col(FeatureColumns.PROFILING_ALLOWED))).first();
    long customers = sizes.getLong(0);
    long scorableCount = sizes.getLong(1);
    FeatureInputs inputs = Tables.featureInputs(spark, settings.paths());
    // The purchase days and visit rows up to the date, keyed once: the churn and influence cut-off
    // features, the churn labels and the drift backtests all read them (cached on first use; in a
    // run, the features stage built and filled them).
    try (KeyedActivity activity = handOver.take(inputs, ctx.asOfDate())) {
      return score(spark, settings, ctx, progress, t0, features, scorable, customers, scorableCount, inputs,
          activity);
    }
  }

  private JobResult score(SparkSession spark, CentraalSettings settings, RunContext ctx, Progress progress, long t0,
                          Dataset<Row> features, Dataset<Row> scorable, long customers, long scorableCount,
                          FeatureInputs inputs, KeyedActivity activity) {
    // Financial value: BTYD + Gamma-Gamma, chosen among the candidates; a model that cannot be
    // trusted leaves its columns null (clv_status says why) unless on-unidentified = fail.
    ClvModels models = ClvStep.fit(scorable, settings);
    List<String> warnings = ScoreStage.clvWarnings(models, settings, ctx);
    GroupFits groups = ClvStep.fitGroups(scorable, settings);
    Dataset<Row> clvScores = LeafCache.of(ClvStep.scoresByGroup(scorable, models, groups, settings));
    Dataset<Row> scored = ScoreStage.withClv(scorable, clvScores);
    progress.step("score", "clv", scorableCount, scorableCount, 0, seconds(t0));
    progress.info("           clv model " + models.version() + ": " + models.transactions().reason());
    for (String line : models.table()) {
      progress.info("             " + line);
    }
    for (Map.Entry<String, Long> group : groups.customers().entrySet()) {
      progress.info("           clv fit-by group " + group.getKey() + " (" + group.getValue() + " customers): "
          + groups.of(group.getKey()).map(m -> "own fit, " + m.version()).orElse(groups.note(group.getKey())));
    }

    // Churn and influence: trained at their cut-offs (or saved ones), side by side. Each fit is a
    // chain of small Spark jobs that mostly wait on the driver; the influence fit runs in its own
    // thread so one fit's jobs use the executors the other leaves idle.
    long t1 = System.nanoTime();
    SideBySide<InfluenceStep.InfluenceRun> influenceFit = SideBySide.start(spark, "influence-fit",
        () -> influenceModel == null
            ? InfluenceStep.fit(inputs, activity, scorable, settings, ctx)
            : InfluenceStep.fromSaved(InfluenceWeightsStore.load(spark, settings.paths().models("influence"),
                influenceModel), settings));
    ChurnStep.ChurnRun churn;
    try {
      churn = churnModel == null
          ? ChurnStep.train(inputs, activity, features, settings, ctx)
          : ChurnStep.fromSaved(ChurnModelStore.load(spark, settings.paths().models("churn"), churnModel));
    } catch (RuntimeException | Error e) {
      influenceFit.cancel();
      throw e;
    }
    InfluenceStep.InfluenceRun influence = influenceFit.join();
    churn.toSave().ifPresent(metadata -> ChurnModelStore.save(spark, settings.paths().models("churn"),
        churn.outcome().version(), churn.outcome().model().orElseThrow(), metadata));
    influence.toSave().ifPresent(metadata -> InfluenceWeightsStore.save(spark, settings.paths().models("influence"),
        influence.version(), metadata));
    scored = ScoreStage.withChurn(scored, scorable, churn, models, settings);
    ChurnTraining.Outcome outcome = churn.outcome();
    if (outcome.model().isEmpty()) {
      warnings.add("churn model not trained: " + outcome.note());
    }
    progress.step("score", "churn+influence", scorableCount, scorableCount, 0, seconds(t1));
    progress.info("           churn model " + outcome.version() + ": " + outcome.note()
        + (outcome.metrics().isEmpty() ? "" : String.format(Locale.ROOT,
        "; holdout AUC %.3f (1 - p_alive: %.3f), Brier %.3f, calibration error %.3f (before calibration %.3f)",
        outcome.metrics().get("auc_roc"), outcome.baselineMetrics().getOrDefault("auc_roc", Double.NaN),
        outcome.metrics().get("brier"), outcome.metrics().get("ece"),
        outcome.uncalibratedMetrics().getOrDefault("ece", Double.NaN))));
    progress.info("           influence weights " + influence.version() + ": " + influence.note());

    // RFM, reach, advocacy, influence, value quadrant.
    long t2 = System.nanoTime();
    Dataset<Row> pageRank = FollowGraph.pageRank(
        ReachFeatures.followEdges(inputs.follows(), inputs.identityMap()),
        settings.pageRank().resetProbability(), settings.pageRank().iterations());
    scored = ScoreStage.withValue(scored, pageRank, models, churn, influence, settings, ctx);

    String path = settings.paths().silver(TableNames.SCORES);
    DeltaTables.ensureTable(spark, path, scored.schema(), List.of(FeatureColumns.AS_OF_DATE), Map.of());
    DeltaTables.replaceSlice(scored, path, FeatureColumns.AS_OF_DATE + " = " + ctx.asOfLiteral());
    pageRank.unpersist();
    clvScores.unpersist();
    scorable.unpersist();
    progress.step("score", "rfm+scores", scorableCount, scorableCount, 0, seconds(t2));

    ModelRuns.write(spark, settings.paths(), ctx, ScoreStage.modelRunEntries(models, groups, churn, influence, settings, ctx));

    // Run-over-run drift against the previous date, then the validity gates (docs/drift-and-gates.md).
    long t3 = System.nanoTime();
    RunHistory history = new RunHistory(spark, settings.paths());
    DriftStep.RunDrift drift = drift(history, DeltaTables.read(spark, path)
        .where(col(FeatureColumns.AS_OF_DATE).equalTo(java.sql.Date.valueOf(ctx.asOfDate()))), models, activity,
        settings, ctx);
    ValidityGates.Outcome gates = GateStep.evaluate(models, history.ingestRejectShare(ctx.asOfDate()), drift, settings,
        acceptedGates, acceptedBy);
    ModelRuns.write(spark, settings.paths(), ctx, List.of(drift.entry(ctx), gates.entry(ctx)));
    progress.step("score", "drift+gates", scorableCount, scorableCount, 0, seconds(t3));
    drift.summary().forEach(line -> progress.info("           drift: " + line));
    progress.info("           validity gates: " + gates.status());
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
    detail.put("gate_status", gates.status());
    if (!acceptedGates.isEmpty()) {
      detail.put("accepted_gates", acceptedGates);
    }
    return new JobResult(customers, scorableCount, 0, Json.write(detail), warnings, gates.blockingLines());
  }

  /** Reads the previous date's run and the earlier runs whose horizon has passed, and compares. */
  private static DriftStep.RunDrift drift(RunHistory history, Dataset<Row> current, ClvModels models,
                                          KeyedActivity activity, CentraalSettings settings, RunContext ctx) {
    List<java.time.LocalDate> before = history.scoredDatesBefore(ctx.asOfDate());
    if (before.isEmpty()) {
      return DriftStep.firstRun();
    }
    DriftStep.Previous previous = new DriftStep.Previous(before.get(0), history.scores(before.get(0)),
        history.modelRuns(before.get(0)));
    List<DriftStep.EarlierRun> earlier = DriftStep.backtestDates(before, ctx.asOfDate(), settings).stream()
        .map(d -> new DriftStep.EarlierRun(d, RollingBacktest.windowEnd(d, DriftStep.horizonDays(settings)),
            history.scores(d))).toList();
    return DriftStep.compare(previous, current, models, earlier, activity.dailyPurchases(ctx.asOfDate()), settings);
  }
}
