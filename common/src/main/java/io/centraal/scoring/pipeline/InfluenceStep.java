package io.centraal.scoring.pipeline;

import static org.apache.spark.sql.functions.col;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.features.CustomerFeatures;
import io.centraal.scoring.features.FeatureInputs;
import io.centraal.scoring.features.KeyedActivity;
import io.centraal.scoring.features.ReviewFeatures;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.io.ModelRuns;
import io.centraal.scoring.model.influence.AdvocacyScoring;
import io.centraal.scoring.model.influence.InfluenceSettings;
import io.centraal.scoring.model.influence.InfluenceTraining;
import io.centraal.scoring.model.influence.InfluenceWeightsStore;
import io.centraal.scoring.run.LeafCache;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.SourceContracts;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The influence weights of a run: fitted at a back-dated cut-off against a later outcome, or saved ones. */
public final class InfluenceStep {
  private InfluenceStep() {}

  /**
   * The influence weights of this run, where they came from, and their model_runs row.
   *
   * @param toSave metadata to save with weights fitted now; empty when the configured or saved weights are used
   */
  public record InfluenceRun(InfluenceSettings settings, String version, String note, ModelRuns.Entry entry,
                             Optional<Map<String, Object>> toSave) {}

  /**
   * The cut-off at which {@link #fit} builds features (as-of minus the training window), or empty
   * when it fits nothing: training off, or no source that can hold an outcome enabled.
   */
  public static Optional<LocalDate> cutoff(CentraalSettings settings, LocalDate asOf) {
    InfluenceTraining.Settings ts = settings.influenceTraining();
    boolean outcomeSource = List.of(SourceContracts.REVIEWS, SourceContracts.CLICKSTREAM, SourceContracts.FOLLOWS)
        .stream().anyMatch(name -> settings.sources().get(name).enabled());
    return ts.enabled() && outcomeSource ? Optional.of(asOf.minusDays(ts.windowDays())) : Optional.empty();
  }

  /**
   * Influence weights fitted at the cut-off as-of minus {@code score.influence.training.window-days}
   * against an outcome in the window after it ({@link InfluenceTraining}); the configured weights
   * when training is off, no source that can hold an outcome (reviews, clickstream referrals,
   * follows) is enabled, or the fit does not beat them on its holdout. Features at the cut-off
   * leave out PageRank: follow edges are undated, so today's graph would leak the future into them.
   *
   * @param activity the inputs' keyed activity up to the as-of date (or the cut-off, or later)
   * @param atAsOf   the scorable customers' features at the as-of date
   */
  public static InfluenceRun fit(FeatureInputs inputs, KeyedActivity activity, Dataset<Row> atAsOf,
                                 CentraalSettings settings, RunContext ctx) {
    InfluenceTraining.Settings ts = settings.influenceTraining();
    String version = "influence-nnls-" + ctx.asOfDate() + "-" + ctx.runId();
    InfluenceTraining.Result fit;
    Optional<Map<String, Object>> toSave = Optional.empty();
    Optional<LocalDate> fitCutoff = cutoff(settings, ctx.asOfDate());
    if (fitCutoff.isEmpty()) {
      fit = InfluenceTraining.configured(settings.influence(), ts, ts.enabled()
          ? "no reviews, clickstream or follows source enabled, so no outcome to learn from: configured weights"
          : "training disabled (score.influence.training.enabled = false)");
    } else {
      LocalDate cutoff = fitCutoff.get();
      Dataset<Row> atCutoff;
      try (CustomerFeatures.Built built = FeatureStage.build(inputs, activity, settings, cutoff)) {
        atCutoff = LeafCache.of(new AdvocacyScoring(settings.advocacy())
            .apply(built.rows().where(col(FeatureColumns.PROFILING_ALLOWED))));
      }
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
          toSave = Optional.of(fit.savedMetadata(cutoff, ctx.asOfDate(), ctx.runId()));
        }
      } finally {
        atCutoff.unpersist();
      }
    }
    return new InfluenceRun(fit.settings(), fit.version(), fit.note(), new ModelRuns.Entry("influence",
        fit.version(), "days", fit.parametersJson(), null, fit.fitted(), null, fit.metricsJson()), toSave);
  }

  /** Saved influence weights, applied without refitting. */
  public static InfluenceRun fromSaved(InfluenceWeightsStore.Saved saved, CentraalSettings settings) {
    String note = "saved weights reused without refitting (trained at cut-off " + saved.metadata().get("trained_cutoff")
        + ")";
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("reused", true);
    metrics.put("note", note);
    metrics.put("weights", saved.weights());
    return new InfluenceRun(saved.settings(settings.influence()), saved.version(), note,
        new ModelRuns.Entry("influence", saved.version(), "days", Json.write(Map.of("weights", saved.weights())), null,
            true, null, Json.write(metrics)), Optional.empty());
  }
}
