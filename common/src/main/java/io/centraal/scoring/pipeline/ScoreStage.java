package io.centraal.scoring.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.ModelRuns;
import io.centraal.scoring.model.btyd.ClvModels;
import io.centraal.scoring.model.btyd.GroupFits;
import io.centraal.scoring.model.influence.AdvocacyScoring;
import io.centraal.scoring.model.influence.InfluenceScoring;
import io.centraal.scoring.model.influence.InfluenceTraining;
import io.centraal.scoring.model.influence.ValueQuadrantScoring;
import io.centraal.scoring.model.rfm.RfmScoring;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.run.ScoringException;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Scores every customer who allows profiling, as of a date: CLV from the chosen BTYD models, churn
 * risk, RFM, reach (PageRank), advocacy, influence and the value quadrant, with the version of each
 * model on every row. The steps in the order the score job calls them; each returns a new frame.
 */
public final class ScoreStage {
  private ScoreStage() {}

  /**
   * Why this run's scores are degraded (a model fell back or could not be trusted); fails instead
   * when {@code score.clv.on-unidentified = fail} and a CLV model could not be trusted.
   */
  public static List<String> clvWarnings(ClvModels models, CentraalSettings settings, RunContext ctx) {
    List<String> warnings = new ArrayList<>(models.warnings());
    if (!warnings.isEmpty() && settings.clv().onUnidentified() == CentraalSettings.OnUnidentified.FAIL) {
      throw new ScoringException("score as of " + ctx.asOfDate() + ": " + String.join("; ", warnings)
          + " (score.clv.on-unidentified = fail; set it to degrade to write every other score)");
    }
    return warnings;
  }

  /**
   * The scorable customers with their CLV columns (null for those who never purchased).
   *
   * @param clvScores {@link ClvStep#scoresByGroup} of {@code scorable}: the caller persists them,
   *                  since the scores are read twice (into the scores and, for purchasers, the churn
   *                  step) and their intervals are the costliest per-customer work of the run
   */
  public static Dataset<Row> withClv(Dataset<Row> scorable, Dataset<Row> clvScores) {
    return scorable.join(clvScores, new String[] {FeatureColumns.CUSTOMER_KEY}, "left");
  }

  /** Adds churn_risk and churn_band (null for customers who never purchased). */
  public static Dataset<Row> withChurn(Dataset<Row> scored, Dataset<Row> scorable, ChurnStep.ChurnRun churn,
                                       ClvModels models, CentraalSettings settings) {
    return scored.join(ChurnStep.scores(scored, scorable, churn, models, settings),
        new String[] {FeatureColumns.CUSTOMER_KEY}, "left");
  }

  /**
   * Adds RFM, PageRank (from {@code pageRank}: customer_key, pagerank), advocacy, influence, the value
   * quadrant, and the run id and model versions.
   */
  public static Dataset<Row> withValue(Dataset<Row> scored, Dataset<Row> pageRank, ClvModels models,
                                       ChurnStep.ChurnRun churn, InfluenceStep.InfluenceRun influence,
                                       CentraalSettings settings, RunContext ctx) {
    Dataset<Row> rows = new RfmScoring(settings.rfm()).apply(scored)
        .join(pageRank, new String[] {FeatureColumns.CUSTOMER_KEY}, "left");
    rows = new AdvocacyScoring(settings.advocacy()).apply(rows);
    // customer_features written by an earlier release, and not yet extended by the features job
    // (score run on its own after an upgrade), lacks the newer signal columns: the signal is then
    // absent for the date, as in training, instead of failing when fitted or saved weights use it.
    rows = new InfluenceScoring(influence.settings()).apply(InfluenceTraining.withMissingSignalsAbsent(rows));
    return new ValueQuadrantScoring(settings.value()).apply(rows)
        .withColumn(ScoreColumns.RUN_ID, lit(ctx.runId()))
        .withColumn(ScoreColumns.CLV_MODEL_VERSION, lit(models.version() + "@" + ctx.asOfDate() + "/" + ctx.runId()))
        .withColumn(ScoreColumns.CLV_STATUS, coalesce(col(ScoreColumns.CLV_STATUS), lit(ClvModels.NO_PURCHASE)))
        .withColumn(ScoreColumns.CHURN_MODEL_VERSION, lit(churn.outcome().version()))
        .withColumn(ScoreColumns.INFLUENCE_MODEL_VERSION, lit(influence.version()));
  }

  /** The model_runs rows of a scoring run: the CLV models and choice, the churn model, the influence weights. */
  public static List<ModelRuns.Entry> modelRunEntries(ClvModels models, GroupFits groups, ChurnStep.ChurnRun churn,
                                                      InfluenceStep.InfluenceRun influence,
                                                      CentraalSettings settings, RunContext ctx) {
    List<ModelRuns.Entry> entries = new ArrayList<>(ClvStep.modelRunEntries(models, groups, settings, ctx));
    entries.add(new ModelRuns.Entry("churn", churn.outcome().version(), "days", null, null,
        churn.outcome().model().isPresent(), null, churn.metricsJson()));
    entries.add(influence.entry());
    return entries;
  }
}
