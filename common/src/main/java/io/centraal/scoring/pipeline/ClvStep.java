package io.centraal.scoring.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.io.ModelRuns;
import io.centraal.scoring.model.btyd.BtydModels;
import io.centraal.scoring.model.btyd.ClvIntervalScoring;
import io.centraal.scoring.model.btyd.ClvModels;
import io.centraal.scoring.model.btyd.ClvScoring;
import io.centraal.scoring.model.btyd.ClvSettings;
import io.centraal.scoring.model.btyd.FitOptions;
import io.centraal.scoring.model.btyd.FitResult;
import io.centraal.scoring.model.btyd.FitStatus;
import io.centraal.scoring.model.btyd.GammaGammaModel;
import io.centraal.scoring.model.btyd.GroupFits;
import io.centraal.scoring.model.btyd.IntervalSettings;
import io.centraal.scoring.model.btyd.NewCustomerValue;
import io.centraal.scoring.model.btyd.SpendModel;
import io.centraal.scoring.model.btyd.TransactionModel;
import io.centraal.scoring.model.btyd.ParameterUncertainty;
import io.centraal.scoring.model.btyd.ShrunkMeanSpendModel;
import io.centraal.scoring.model.btyd.SpendModelSelection;
import io.centraal.scoring.model.btyd.TransactionModelKind;
import io.centraal.scoring.model.btyd.TransactionModelSelection;
import io.centraal.scoring.model.churn.ChurnBaseline;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Financial value: the CLV models chosen on a feature table, the customers' CLV columns, their model_runs rows. */
public final class ClvStep {
  /** model_runs.model of the run's CLV model choice (the candidate table and reasons). */
  public static final String CLV_MODEL_CHOICE = "clv_model_choice";
  /** model_runs.model of the value of a customer acquired on the as-of date ({@link NewCustomerValue}). */
  public static final String NEW_CUSTOMER_VALUE = "new_customer_value";
  /** model_runs.model of the per-group fits ({@link GroupFits#toMetrics()}). */
  public static final String CLV_FIT_BY = "clv_fit_by";

  private ClvStep() {}

  /**
   * The CLV models chosen on one feature table: every candidate transaction model and the spend
   * model fitted on the customers with a purchase, and the choice ({@link ClvModels}).
   */
  public static ClvModels fit(Dataset<Row> features, CentraalSettings settings) {
    FitOptions options = settings.clv().fitOptions(settings.timeUnit());
    Dataset<Row> buyers = features.where(col(FeatureColumns.FREQUENCY).isNotNull());
    return ClvModels.select(BtydModels.collectSummaries(buyers), options, settings.clv().model());
  }

  /** The value of a customer acquired today, when both CLV models could be trusted. */
  public static Optional<NewCustomerValue> newCustomerValue(ClvModels models, CentraalSettings settings) {
    if (models.transactionModel().isEmpty() || models.spendModel().isEmpty()) {
      return Optional.empty();
    }
    IntervalSettings intervals = settings.clv().intervals();
    FitResult tx = models.transactionModel().get();
    FitResult spend = models.spendModel().get();
    return Optional.of(NewCustomerValue.of(TransactionModel.fromFit(tx), SpendModel.fromFit(spend),
        settings.clv().toClvSettings(settings.timeUnit()),
        intervals.enabled() ? ParameterUncertainty.transactionModels(tx, intervals.replicates(), intervals.seed())
            : List.of(),
        intervals.enabled() ? ParameterUncertainty.spendModels(spend, intervals.replicates(), intervals.seed() + 1)
            : List.of(), intervals));
  }

  /**
   * {@code parameter_intervals: {lower_quantile, upper_quantile, <param>: [lower, upper], ...}} from
   * the fit's log-parameter covariance ({@link ParameterUncertainty#parameterIntervals}); nothing when
   * the fit has none.
   */
  private static void putParameterIntervals(Map<String, Object> metrics, FitResult fit, IntervalSettings intervals) {
    double[][] bounds = ParameterUncertainty.parameterIntervals(fit, intervals.lower(), intervals.upper());
    if (bounds == null) {
      return;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("lower_quantile", intervals.lower());
    out.put("upper_quantile", intervals.upper());
    for (int i = 0; i < bounds.length; i++) {
      out.put(fit.paramNames().get(i), List.of(bounds[i][0], bounds[i][1]));
    }
    metrics.put("parameter_intervals", out);
  }

  /**
   * customer_key with p_alive, expected purchases, expected spend, CLV and clv_status, for
   * customers who purchased (columns null where a model could not be trusted, clv_status says why).
   */
  public static Dataset<Row> scores(Dataset<Row> features, ClvModels models, CentraalSettings settings) {
    return scores(features, models, settings, false);
  }

  /** The per-group fits of {@code score.clv.fit-by} ({@link GroupFits#none()} when it is not set). */
  public static GroupFits fitGroups(Dataset<Row> features, CentraalSettings settings) {
    CentraalSettings.Clv clv = settings.clv();
    return GroupFits.fit(features.where(col(FeatureColumns.FREQUENCY).isNotNull()), clv.fitBy(),
        clv.fitByMinCustomers(), clv.fitOptions(settings.timeUnit()), clv.model());
  }

  /**
   * The CLV columns with intervals ({@link #scoresWithIntervals}) and {@link ScoreColumns#CLV_FIT_GROUP}:
   * each group with its own fit scored by it, every other customer by the pooled {@code models}.
   */
  public static Dataset<Row> scoresByGroup(Dataset<Row> features, ClvModels models, GroupFits groups,
                                           CentraalSettings settings) {
    if (!groups.enabled()) {
      return scoresWithIntervals(features, models, settings)
          .withColumn(ScoreColumns.CLV_FIT_GROUP, lit(null).cast("string"));
    }
    Dataset<Row> grouped = GroupFits.withGroup(features, groups.expression());
    List<String> own = new ArrayList<>(groups.fitted().keySet());
    Column pooled = own.isEmpty() ? lit(true) : GroupFits.group().isNull().or(not(GroupFits.group().isin(own.toArray())));
    Dataset<Row> out = scoresWithIntervals(grouped.where(pooled), models, settings)
        .withColumn(ScoreColumns.CLV_FIT_GROUP, lit(GroupFits.POOLED));
    for (String group : own) {
      out = out.unionByName(scoresWithIntervals(grouped.where(GroupFits.group().equalTo(group)),
          groups.fitted().get(group), settings).withColumn(ScoreColumns.CLV_FIT_GROUP, lit(group)));
    }
    return out;
  }

  /**
   * As {@link #scores(Dataset, ClvModels, CentraalSettings)}, plus the lower and upper bounds of
   * p_alive, expected purchases and CLV from parameter uncertainty ({@link ClvIntervalScoring},
   * {@code score.clv.intervals}).
   */
  public static Dataset<Row> scoresWithIntervals(Dataset<Row> features, ClvModels models, CentraalSettings settings) {
    return scores(features, models, settings, true);
  }

  private static Dataset<Row> scores(Dataset<Row> features, ClvModels models, CentraalSettings settings,
                                     boolean intervals) {
    Dataset<Row> summary = features.where(col(FeatureColumns.FREQUENCY).isNotNull())
        .select(col(FeatureColumns.CUSTOMER_KEY), col(FeatureColumns.FREQUENCY), col(FeatureColumns.RECENCY),
            col(FeatureColumns.T), col(FeatureColumns.MONETARY_VALUE),
            when(col(FeatureColumns.TOTAL_SPEND).gt(0), col(FeatureColumns.TOTAL_MARGIN)
                .divide(col(FeatureColumns.TOTAL_SPEND))).as(FeatureColumns.MARGIN_RATE));
    List<String> out = new ArrayList<>(List.of(FeatureColumns.CUSTOMER_KEY));
    ClvSettings clvSettings = settings.clv().toClvSettings(settings.timeUnit());
    out.addAll(ClvScoring.outputColumns(clvSettings));
    Dataset<Row> scored = ClvScoring.score(summary, models.transactionModel(), models.spendModel(), clvSettings);
    if (intervals) {
      scored = ClvIntervalScoring.score(scored, models.transactionModel(), models.spendModel(), clvSettings,
          settings.clv().intervals());
      out.addAll(ScoreColumns.clvIntervals(clvSettings.horizonLabel()));
    }
    return scored.selectExpr(out.toArray(String[]::new))
        .withColumn(ScoreColumns.CLV_STATUS, lit(models.clvStatus()));
  }

  /**
   * The P(alive) of the churn baseline and fallback: MBG/NBD's when it converged (see
   * {@link ChurnBaseline} for why MBG/NBD), else the chosen model's if it has a dropout process;
   * none when no dropout model could be trusted (P(alive) = 1 for everyone ranks nobody).
   */
  public static Optional<FitResult> churnBaselineModel(ClvModels models) {
    Optional<FitResult> mbg = models.transactions().candidate(TransactionModelKind.MBG_NBD)
        .filter(c -> c.status() == FitStatus.CONVERGED).flatMap(TransactionModelSelection.Candidate::fit);
    if (mbg.isPresent()) {
      return mbg;
    }
    return models.transactionModel()
        .filter(f -> TransactionModelKind.ofModelName(f.modelName()).hasDropout());
  }

  /** Adds {@link ChurnBaseline#P_ALIVE_MBGNBD} to {@code rows} (null when there is no baseline model). */
  public static Dataset<Row> withBaselinePAlive(Dataset<Row> rows, Dataset<Row> features, Optional<FitResult> baseline) {
    return baseline.isPresent()
        ? rows.join(ChurnBaseline.pAlive(features, baseline.get()), new String[] {FeatureColumns.CUSTOMER_KEY}, "left")
        : rows.withColumn(ChurnBaseline.P_ALIVE_MBGNBD, lit(null).cast("double"));
  }

  /**
   * The model_runs rows of the CLV models: one per transaction model (every kind, so a re-run that
   * chooses differently replaces them all; status not_fitted for those not tried), one per spend
   * model, the {@value #CLV_MODEL_CHOICE} row with the candidate table and the reasons, and the
   * {@value #NEW_CUSTOMER_VALUE} row (a note when it cannot be computed), and the {@value #CLV_FIT_BY} row
   * with each group's fit or why it is pooled ({@code fit_by} empty when fits are pooled). A fit with a covariance also
   * gets its parameters' intervals at the quantiles of {@code score.clv.intervals}.
   */
  public static List<ModelRuns.Entry> modelRunEntries(ClvModels models, GroupFits groups, CentraalSettings settings,
                                                      RunContext ctx) {
    String unit = settings.timeUnit().name().toLowerCase(java.util.Locale.ROOT);
    IntervalSettings intervals = settings.clv().intervals();
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
      fit.ifPresent(f -> putParameterIntervals(metrics, f, intervals));
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
    ggFit.ifPresent(f -> putParameterIntervals(gg, f, intervals));
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
    entries.add(new ModelRuns.Entry(CLV_FIT_BY, models.version() + "@" + ctx.asOfDate(), unit, null, null,
        true, null, Json.write(groups.toMetrics(group -> newCustomerValue(group, settings)
            .<Map<String, Object>>map(v -> Map.of("new_customer_value",
                v.toMetrics(settings.clv().toClvSettings(settings.timeUnit()), intervals)))
            .orElse(Map.of())))));
    // Written also when it cannot be computed, so that a re-run replaces an earlier date's value.
    Optional<NewCustomerValue> newCustomer = newCustomerValue(models, settings);
    entries.add(new ModelRuns.Entry(NEW_CUSTOMER_VALUE, models.version() + "@" + ctx.asOfDate(), unit, null, null,
        newCustomer.isPresent(), null, Json.write(newCustomer
            .map(value -> value.toMetrics(settings.clv().toClvSettings(settings.timeUnit()), intervals))
            .orElse(Map.of("note", "not computed: " + models.clvStatus())))));
    return entries;
  }
}
