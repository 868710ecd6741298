package io.centraal.scoring.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.features.CustomerFeatures;
import io.centraal.scoring.features.FeatureInputs;
import io.centraal.scoring.features.KeyedActivity;
import io.centraal.scoring.features.TransactionFeatures;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.model.btyd.ClvModels;
import io.centraal.scoring.model.btyd.FitResult;
import io.centraal.scoring.model.churn.ChurnBaseline;
import io.centraal.scoring.model.churn.ChurnModel;
import io.centraal.scoring.model.churn.ChurnModelStore;
import io.centraal.scoring.model.churn.ChurnTraining;
import io.centraal.scoring.run.LeafCache;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Churn risk: the model trained at a back-dated cut-off (or a saved one) and its application at the as-of date. */
public final class ChurnStep {
  private ChurnStep() {}

  /**
   * The churn model of this run and what model_runs records about it.
   *
   * @param toSave the metadata to save with a model trained now; empty for a reused model or none
   */
  public record ChurnRun(ChurnTraining.Outcome outcome, String metricsJson, Optional<Map<String, Object>> toSave) {}

  /**
   * Labelled training rows at the cut-off and the name of their baseline P(alive) column (null when
   * no dropout model could be fitted at the cut-off). Persisted; the caller unpersists.
   */
  public record LabelledRows(Dataset<Row> rows, String baselinePAlive) {}

  /** The version name of a model trained in this run. */
  public static String version(RunContext ctx) {
    return "churn-lr-" + ctx.asOfDate() + "-" + ctx.runId();
  }

  /**
   * Trains at the cut-off as-of minus the churn window on {@code inputs} and their {@code activity}
   * up to the as-of date; {@code featuresAtAsOf} (every customer as of the date, objecting ones
   * included) says who objects to profiling now.
   */
  public static ChurnRun train(FeatureInputs inputs, KeyedActivity activity, Dataset<Row> featuresAtAsOf,
                               CentraalSettings settings, RunContext ctx) {
    ChurnTraining.Settings s = settings.churn();
    String version = version(ctx);
    ChurnTraining.Outcome outcome;
    LabelledRows labelled = labelledAtCutoff(inputs, activity, featuresAtAsOf, settings, ctx.asOfDate(),
        s.windowDays());
    try {
      outcome = ChurnTraining.train(labelled.rows(), ChurnModel.features(true), s, version, labelled.baselinePAlive());
    } finally {
      labelled.rows().unpersist();
    }
    Map<String, Object> metrics = ChurnTraining.metrics(outcome);
    Optional<Map<String, Object>> toSave = Optional.empty();
    if (outcome.model().isPresent()) {
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("version", version);
      metadata.put("trained_at", java.time.Instant.now().toString());
      metadata.put("run_id", ctx.runId());
      metadata.put("as_of_date", ctx.asOfDate().toString());
      metadata.put("trained_cutoff", cutoff(ctx.asOfDate(), s.windowDays()).toString());
      metadata.put("window_days", s.windowDays());
      metadata.put("code_version", ctx.codeVersion());
      metadata.put("features", outcome.features());
      metadata.put("metrics", metrics);
      toSave = Optional.of(metadata);
    }
    return new ChurnRun(outcome, Json.write(metrics), toSave);
  }

  /** A saved model, applied without retraining. */
  public static ChurnRun fromSaved(ChurnModelStore.Saved saved) {
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
    return new ChurnRun(outcome, Json.write(metrics), Optional.empty());
  }

  /** The cut-off at which {@link #train} builds features: the as-of date minus the churn window. */
  public static LocalDate cutoff(LocalDate asOf, int windowDays) {
    return asOf.minusDays(windowDays);
  }

  /**
   * Labelled training rows at the cut-off (as-of minus the churn window): features there, P(alive)
   * from the BTYD model chosen on the cut-off summary (a feature) and from MBG/NBD (the baseline),
   * and the label from what happened in the window. Customers who object to profiling at the as-of
   * date are left out even if they had not objected yet at the cut-off: an objection known now
   * covers the model trained now.
   */
  public static LabelledRows labelledAtCutoff(FeatureInputs inputs, KeyedActivity activity,
                                              Dataset<Row> featuresAtAsOf, CentraalSettings settings, LocalDate asOf,
                                              int windowDays) {
    LocalDate cutoff = cutoff(asOf, windowDays);
    Dataset<Row> atCutoff;
    try (CustomerFeatures.Built built = FeatureStage.build(inputs, activity, settings, cutoff)) {
      atCutoff = LeafCache.of(trainableAtCutoff(built.rows(), featuresAtAsOf, asOf));
    }
    try {
      ClvModels atCutoffModels = ClvStep.fit(atCutoff, settings);
      Optional<FitResult> baseline = ClvStep.churnBaselineModel(atCutoffModels);
      Dataset<Row> withPAlive = ClvStep.withBaselinePAlive(atCutoff
          .join(ClvStep.scores(atCutoff, atCutoffModels, settings).select(FeatureColumns.CUSTOMER_KEY, ScoreColumns.P_ALIVE),
              FeatureColumns.CUSTOMER_KEY), atCutoff, baseline);
      Dataset<Row> daily = activity.dailyPurchases(asOf);
      Dataset<Row> labelled = LeafCache.of(ChurnModel.label(withPAlive, daily,
          TransactionFeatures.isPurchase(settings.features().purchaseRule()), cutoff, windowDays));
      return new LabelledRows(labelled, baseline.isPresent() ? ChurnBaseline.P_ALIVE_MBGNBD : null);
    } finally {
      atCutoff.unpersist();
    }
  }

  /**
   * The customers at the cut-off who may train the churn model: profiling allowed at the cut-off,
   * and no objection known at the as-of date ({@code featuresNow}: customer_features of any dates).
   */
  public static Dataset<Row> trainableAtCutoff(Dataset<Row> featuresAtCutoff, Dataset<Row> featuresNow,
                                               LocalDate asOf) {
    Dataset<Row> objectingNow = featuresNow
        .where(col(FeatureColumns.AS_OF_DATE).equalTo(java.sql.Date.valueOf(asOf))
            .and(not(col(FeatureColumns.PROFILING_ALLOWED))))
        .select(FeatureColumns.CUSTOMER_KEY);
    return featuresAtCutoff.where(col(FeatureColumns.PROFILING_ALLOWED))
        .join(objectingNow, new String[] {FeatureColumns.CUSTOMER_KEY}, "left_anti");
  }

  /**
   * customer_key with churn_risk and churn_band for the customers in {@code scored} who purchased:
   * the model's risk, or 1 - P(alive) of the baseline model when no model could be trained.
   */
  public static Dataset<Row> scores(Dataset<Row> scored, Dataset<Row> scorable, ChurnRun churn, ClvModels models,
                                    CentraalSettings settings) {
    Dataset<Row> purchasers = scored.where(col(FeatureColumns.PURCHASE_PERIODS).gt(0));
    Optional<FitResult> baseline = ClvStep.churnBaselineModel(models);
    if (churn.outcome().model().isEmpty()) {
      purchasers = ClvStep.withBaselinePAlive(purchasers, scorable, baseline);
    }
    return ChurnTraining.apply(churn.outcome(), purchasers, settings.churn(),
            baseline.isPresent() ? ChurnBaseline.P_ALIVE_MBGNBD : null)
        .select(FeatureColumns.CUSTOMER_KEY, ScoreColumns.CHURN_RISK, ScoreColumns.CHURN_BAND);
  }
}
