package io.centraal.scoring.model.influence;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.run.InvalidConfigException;
import io.centraal.scoring.run.LeafCache;
import io.centraal.scoring.run.ConfigValues;
import com.typesafe.config.Config;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.model.CustomerHash;
import io.centraal.scoring.model.PercentRanks;
import io.centraal.scoring.schema.StageSchema;
import io.centraal.scoring.schema.StageSchema.Kind;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Reviews;
import io.centraal.scoring.schema.ScoreColumns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.mllib.optimization.NNLS;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Influence weights learned from an outcome in the user's own data, the way churn is trained: the
 * influence signals at a back-dated cut-off, the outcome in the window after it, weights fitted on
 * a training share of the customers and measured on the rest against the configured (hand-set)
 * weights. The configured weights stay the fallback when the data hold no usable outcome.
 *
 * <p><b>Outcomes</b> (what "influence" is trained to predict; {@code centraal.score.influence.training.outcomes}
 * lists them in order of preference, and the first with at least {@code min-active-outcomes}
 * customers with a positive value is used):
 * <ul>
 *   <li>{@value #HELPFUL_VOTES}: helpful votes on the reviews a customer writes in the window
 *       ({@link #helpfulVotesOfReviewsWritten}). Vote counts carry no timestamp (they are a snapshot
 *       taken at export), so "votes received after the cut-off" cannot be told apart from votes on
 *       old reviews; votes on reviews <em>written</em> after the cut-off can, and they are
 *       disjoint from anything the cut-off features saw.</li>
 *   <li>{@value #REFERRED_CUSTOMERS}, {@value #REFERRED_VISITORS}, {@value #FOLLOWERS}: growth of
 *       the cumulative feature between the cut-off and the as-of date ({@link #gainedSince}).</li>
 * </ul>
 *
 * <p><b>The fit</b> is non-negative least squares on percentile ranks: the outcome's percent rank
 * regressed (with an intercept, i.e. on centred data) on the signals' percent ranks exactly as
 * {@link InfluenceScoring} computes them ({@link InfluenceScoring#signalRanks}), with every weight
 * constrained to be &gt;= 0. Ranks make the fit robust to heavy tails and make the fitted score
 * a weighted mean of the same quantities the hand-set score averages, so the weights stay
 * interpretable ("share of the score"), and the non-negativity keeps the score monotone (more of
 * any signal never lowers it). A signal with no or negative association gets weight 0. The
 * normal equations are aggregated in Spark (a 14 x 14 Gram matrix, one pass) and solved with
 * MLlib's NNLS solver ({@code org.apache.spark.mllib.optimization.NNLS}, the projected-gradient
 * solver ALS uses for non-negative factors; commons-math3 has no NNLS). Spearman correlations use
 * MLlib's {@code Correlation.corr(..., "spearman")} ({@link RankMetrics}).
 *
 * <p><b>Holdout.</b> Customers are split by a seeded hash of {@code customer_key} (stable across
 * reruns and Spark partitioning). On the holdout, the fitted and the hand-set score are compared by
 * Spearman and precision@k with the outcome. The fitted weights are adopted only when their holdout
 * Spearman is at least the hand-set's plus {@code min-holdout-gain}; otherwise the result is a
 * fallback to the configured weights, with the reason in {@link Result#note()}.
 *
 * <p><b>Limits.</b> Only signals measurable at the cut-off can earn a weight: a signal absent there
 * (e.g. PageRank, left out because follow edges are undated) gets 0 and so drops out of the fitted
 * score. Follower and audience counts at the cut-off come from undated sources too (the same holds
 * for the churn cut-off features), so they see some of the future. Holdout metrics on a few hundred
 * customers are noisy; {@code min-holdout-gain} can demand a margin before the fit replaces the
 * configured weights.
 *
 * <p>{@code io.centraal.scoring.pipeline.InfluenceStep} shows the whole use: features at the cut-off
 * (without PageRank: follow edges carry no date, so today's graph would leak the future), the
 * outcome candidates in the window after it, the fit or the fallback, and its model_runs row.
 */
public final class InfluenceTraining {
  private InfluenceTraining() {}

  public static final String HELPFUL_VOTES = "helpful-votes";
  public static final String REFERRED_CUSTOMERS = "referred-customers";
  public static final String REFERRED_VISITORS = "referred-visitors";
  public static final String FOLLOWERS = "followers";
  /** An outcome the caller computes itself, e.g. a held-back trust network in a validation. */
  public static final String EXTERNAL = "external";
  /** The outcome names {@link Settings#outcomes()} may list. */
  public static final List<String> OUTCOMES =
      List.of(HELPFUL_VOTES, REFERRED_CUSTOMERS, REFERRED_VISITORS, FOLLOWERS, EXTERNAL);
  /** Version of a result that keeps the configured weights. */
  public static final String FALLBACK_VERSION = "influence-configured-weights";

  private static final String STAGE = "InfluenceTraining";
  private static final String TMP = StageSchema.TMP_PREFIX + "inft_";
  private static final String HOLDOUT = TMP + "holdout";
  private static final String OUTCOME_RANK = TMP + "outcome_rank";
  private static final String HAND_SCORE = TMP + "hand_score";
  private static final String FITTED_SCORE = TMP + "fitted_score";
  private static final int HASH_BUCKETS = 10_000;

  /**
   * Settings of the training ({@code centraal.score.influence.training}). No defaults in Java.
   *
   * @param enabled           train at the cut-off (false: always the configured weights)
   * @param outcomes          outcome names ({@link #OUTCOMES}) in order of preference
   * @param windowDays        the outcome window; the cut-off is as-of minus this
   * @param holdoutShare      share of customers kept aside to compare fitted with hand-set weights, in (0, 1)
   * @param minTrainingRows   fewer training customers than this: keep the configured weights
   * @param minActiveOutcomes an outcome needs at least this many customers with a positive value
   * @param minHoldoutGain    fitted holdout Spearman must reach hand-set's + this, else the configured weights
   * @param minSignalZ        a signal enters the fit only when its training Spearman with the outcome is at
   *                          least this many null standard errors (1 / sqrt(n - 1)) above zero
   * @param precisionAtK      k of the precision@k reported on the holdout
   * @param seed              seed of the customer split
   */
  public record Settings(boolean enabled, List<String> outcomes, int windowDays, double holdoutShare,
                         long minTrainingRows, long minActiveOutcomes, double minHoldoutGain, double minSignalZ,
                         int precisionAtK, long seed) {
    /** {@code centraal.score.influence.training}; {@code c} is the centraal block; a bad value names its key. */
    public static Settings from(Config c) {
      String k = "score.influence.training.";
      try {
        return new Settings(c.getBoolean(k + "enabled"), c.getStringList(k + "outcomes"),
            (int) ConfigValues.positive(c, k + "window-days"), ConfigValues.fraction(c, k + "holdout-share"),
            c.getLong(k + "min-training-rows"), c.getLong(k + "min-active-outcomes"), c.getDouble(k + "min-holdout-gain"),
            c.getDouble(k + "min-signal-z"), c.getInt(k + "precision-at-k"), c.getLong(k + "seed"));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException("centraal." + k + "*: " + e.getMessage(), e);
      }
    }

    public Settings {
      outcomes = List.copyOf(outcomes);
      for (String o : outcomes) {
        if (!OUTCOMES.contains(o)) {
          throw new IllegalArgumentException("InfluenceTraining: unknown outcome '" + o + "', known: " + OUTCOMES);
        }
      }
      if (windowDays < 1 || !(holdoutShare > 0 && holdoutShare < 1) || minTrainingRows < 1
          || minActiveOutcomes < 1 || precisionAtK < 1 || Double.isNaN(minHoldoutGain) || !(minSignalZ >= 0)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "InfluenceTraining: need window-days >= 1, 0 < holdout-share < 1, min-training-rows >= 1, "
                + "min-active-outcomes >= 1, min-signal-z >= 0, precision-at-k >= 1; got %d, %s, %d, %d, %s, %d",
            windowDays, holdoutShare, minTrainingRows, minActiveOutcomes, minSignalZ, precisionAtK));
      }
    }
  }

  /**
   * The weights a run uses and how they were measured.
   *
   * @param version               the weights' version ({@value #FALLBACK_VERSION} when configured weights are kept)
   * @param fitted                true when the fitted weights are adopted
   * @param outcome               the outcome trained on (null when none was usable)
   * @param settings              scoring settings with the adopted weights (hand-set ones on fallback)
   * @param signalWeights         fitted weight per signal, summing to 1 (empty when nothing was fitted)
   * @param componentWeights      fitted weight per component (sum of its signals' weights)
   * @param signalSpearman        Spearman of each signal's rank with the outcome, training customers
   *                              (NaN: the signal is absent or the outcome constant)
   * @param componentSpearman     the same for each hand-set component
   * @param holdoutFitted         spearman and precision_at_k of the fitted score on the holdout
   * @param holdoutHandSet        the same for the configured weights
   */
  public record Result(String version, boolean fitted, String outcome, InfluenceSettings settings,
                       Map<String, Double> signalWeights, Map<String, Double> componentWeights,
                       Map<String, Double> signalSpearman, Map<String, Double> componentSpearman,
                       Map<String, Double> holdoutFitted, Map<String, Double> holdoutHandSet, int windowDays,
                       int precisionAtK,
                       long trainingRows, long holdoutRows, long activeOutcomes, String note) {

    /** {@code model_runs.parameters}: the fitted weights (what the scores used is {@code fitted}). */
    public Map<String, Object> parameters() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("fitted", fitted);
      p.put("signal_weights", jsonSafe(signalWeights));
      p.put("component_weights", jsonSafe(componentWeights));
      return p;
    }

    /** {@code model_runs.metrics}: correlations, holdout comparison, outcome and fallback note. */
    public Map<String, Object> metrics() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("outcome", outcome);
      m.put("window_days", windowDays);
      m.put("signal_spearman", jsonSafe(signalSpearman));
      m.put("component_spearman", jsonSafe(componentSpearman));
      m.put("holdout_fitted", jsonSafe(holdoutFitted));
      m.put("holdout_hand_set", jsonSafe(holdoutHandSet));
      m.put("precision_at_k", precisionAtK);
      m.put("training_rows", trainingRows);
      m.put("holdout_rows", holdoutRows);
      m.put("active_outcomes", activeOutcomes);
      m.put("fallback", !fitted);
      m.put("note", note);
      return m;
    }

    public String parametersJson() {
      return Json.write(parameters());
    }

    public String metricsJson() {
      return Json.write(metrics());
    }

    /** What {@link InfluenceWeightsStore#save} writes for this result. */
    public Map<String, Object> savedMetadata(LocalDate cutoff, LocalDate asOf, String runId) {
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("version", version);
      meta.put("trained_at", java.time.Instant.now().toString());
      meta.put("run_id", runId);
      meta.put("as_of_date", asOf.toString());
      meta.put("trained_cutoff", cutoff.toString());
      meta.put(InfluenceWeightsStore.WEIGHTS, jsonSafe(signalWeights));
      meta.put("metrics", metrics());
      return meta;
    }
  }

  /**
   * Helpful votes on the reviews each customer wrote in the window {@code (cutoff, asOf]}.
   *
   * <p><b>Input</b>: {@code customer_key} (integral), {@code ts} (timestamp), {@code helpful_votes}
   * (numeric, null = 0). <b>Output</b>: {@code customer_key}, {@code influence_outcome} (double);
   * customers without a review in the window are absent (the fit treats absent as 0).
   */
  public static Dataset<Row> helpfulVotesOfReviewsWritten(Dataset<Row> keyedReviews, LocalDate cutoff, LocalDate asOf) {
    String stage = STAGE + ".helpfulVotesOfReviewsWritten";
    StageSchema.require(keyedReviews.schema(), stage, FeatureColumns.CUSTOMER_KEY, Kind.INTEGRAL);
    StageSchema.require(keyedReviews.schema(), stage, Reviews.HELPFUL_VOTES, Kind.NUMERIC);
    if (!cutoff.isBefore(asOf)) {
      throw new IllegalArgumentException(stage + ": cut-off " + cutoff + " must be before as-of " + asOf);
    }
    Column day = to_date(col(Reviews.TS));
    return keyedReviews
        .where(day.gt(lit(Date.valueOf(cutoff))).and(day.leq(lit(Date.valueOf(asOf)))))
        .groupBy(FeatureColumns.CUSTOMER_KEY)
        .agg(sum(coalesce(col(Reviews.HELPFUL_VOTES).cast("double"), lit(0.0))).as(ScoreColumns.INFLUENCE_OUTCOME));
  }

  /**
   * Growth of a cumulative per-customer feature (e.g. {@code referred_customers}, {@code followers})
   * from the cut-off to the as-of date, floored at 0 (a lost follower is not negative influence).
   * Both inputs need {@code customer_key} and the column (null = 0). Output: {@code customer_key},
   * {@code influence_outcome} for every customer of {@code atAsOf}.
   */
  public static Dataset<Row> gainedSince(Dataset<Row> atCutoff, Dataset<Row> atAsOf, String featureColumn) {
    String stage = STAGE + ".gainedSince";
    for (Dataset<Row> d : List.of(atCutoff, atAsOf)) {
      StageSchema.require(d.schema(), stage, FeatureColumns.CUSTOMER_KEY, Kind.INTEGRAL);
      StageSchema.require(d.schema(), stage, featureColumn, Kind.NUMERIC);
    }
    String before = TMP + "before";
    Dataset<Row> then = atCutoff.select(col(FeatureColumns.CUSTOMER_KEY), col(featureColumn).cast("double").as(before));
    return atAsOf.select(col(FeatureColumns.CUSTOMER_KEY), col(featureColumn).cast("double").as(featureColumn))
        .join(then, new String[] {FeatureColumns.CUSTOMER_KEY}, "left")
        .select(col(FeatureColumns.CUSTOMER_KEY), greatest(lit(0.0),
            coalesce(col(featureColumn), lit(0.0)).minus(coalesce(col(before), lit(0.0))))
            .as(ScoreColumns.INFLUENCE_OUTCOME));
  }

  /**
   * The configured weights, unchanged: what a run uses when training is disabled or impossible.
   */
  public static Result configured(InfluenceSettings handSet, Settings s, String note) {
    return new Result(FALLBACK_VERSION, false, null, handSet, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(),
        Map.of(), s.windowDays(), s.precisionAtK(), 0, 0, 0, note);
  }

  /**
   * Fits the weights on the first usable outcome and measures them on the holdout (see the class doc).
   *
   * @param featuresAtCutoff one row per customer at the cut-off: {@code customer_key} and the
   *                         signals' input columns (a signal whose columns are missing is absent)
   * @param outcomes         outcome name -> table of {@code customer_key}, {@code influence_outcome};
   *                         customers missing from it count 0
   * @param handSet          the configured scoring settings (weights, tiers, Wilson z)
   * @param version          version of the fitted weights when adopted
   */
  public static Result fit(Dataset<Row> featuresAtCutoff, Map<String, Dataset<Row>> outcomes,
                           InfluenceSettings handSet, Settings s, String version) {
    Objects.requireNonNull(handSet, "handSet");
    if (!s.enabled()) {
      return configured(handSet, s, "training disabled (score.influence.training.enabled = false)");
    }
    StageSchema.require(featuresAtCutoff.schema(), STAGE, FeatureColumns.CUSTOMER_KEY, Kind.INTEGRAL);
    StageSchema.rejectReservedPrefix(featuresAtCutoff.schema(), STAGE);
    List<String> signals = new ArrayList<>(InfluenceScoring.signalInputs().keySet());
    Dataset<Row> features = withMissingSignalsAbsent(featuresAtCutoff);
    List<String> tried = new ArrayList<>();
    for (String name : s.outcomes()) {
      Dataset<Row> outcome = outcomes.get(name);
      if (outcome == null) {
        tried.add(name + ": not provided");
        continue;
      }
      StageSchema.require(outcome.schema(), STAGE, ScoreColumns.INFLUENCE_OUTCOME, Kind.NUMERIC);
      Dataset<Row> joined = LeafCache.of(features.join(
              outcome.select(col(FeatureColumns.CUSTOMER_KEY), col(ScoreColumns.INFLUENCE_OUTCOME).cast("double")
                  .as(ScoreColumns.INFLUENCE_OUTCOME)), new String[] {FeatureColumns.CUSTOMER_KEY}, "left")
          .withColumn(ScoreColumns.INFLUENCE_OUTCOME, coalesce(col(ScoreColumns.INFLUENCE_OUTCOME), lit(0.0))));
      try {
        long active = joined.where(col(ScoreColumns.INFLUENCE_OUTCOME).gt(0.0)).count();
        if (active < s.minActiveOutcomes()) {
          tried.add(String.format(Locale.ROOT, "%s: %d customers with a positive outcome (< %d)", name, active,
              s.minActiveOutcomes()));
          continue;
        }
        return fitOn(joined, name, active, signals, handSet, s, version);
      } finally {
        joined.unpersist();
      }
    }
    return configured(handSet, s, "no usable outcome, configured weights kept (" + String.join("; ", tried) + ")");
  }

  /**
   * Whether a customer is in the holdout: a seeded hash of the key, so the split is the same on
   * every rerun and partitioning, and a validation can evaluate baselines on exactly these customers.
   */
  public static Column isHoldout(Column customerKey, Settings s) {
    return CustomerHash.bucket(customerKey, s.seed(), HASH_BUCKETS).lt(Math.round(s.holdoutShare() * HASH_BUCKETS));
  }

  /**
   * The features plus a null column for every signal input they lack (a source that is not
   * configured, e.g. no follow graph): such signals are absent, so {@link InfluenceScoring} drops
   * them from the weighted means instead of failing on the missing column.
   */
  public static Dataset<Row> withMissingSignalsAbsent(Dataset<Row> features) {
    Dataset<Row> out = features;
    for (List<String> columns : InfluenceScoring.signalInputs().values()) {
      for (String c : columns) {
        if (!StageSchema.has(out.schema(), c)) {
          out = out.withColumn(c, lit(null).cast("double"));
        }
      }
    }
    return out;
  }

  private static Result fitOn(Dataset<Row> joined, String outcomeName, long active, List<String> signals,
                              InfluenceSettings handSet, Settings s, String version) {
    InfluenceScoring hand = new InfluenceScoring(handSet);
    // One ranking pass for everything: the windows are the expensive part of the plan.
    Dataset<Row> signalRanks = hand.signalRanks(joined, signals);
    List<Column> keep = new ArrayList<>();
    keep.add(col(FeatureColumns.CUSTOMER_KEY));
    keep.add(col(ScoreColumns.INFLUENCE_OUTCOME));
    for (String n : signals) {
      keep.add(col(ScoreColumns.influenceSignal(n)));
      keep.add(col(ScoreColumns.influencePresent(n)));
    }
    keep.add(isHoldout(col(FeatureColumns.CUSTOMER_KEY), s).as(HOLDOUT));
    keep.add(PercentRanks.of(signalRanks.schema(), col(ScoreColumns.INFLUENCE_OUTCOME).asc()).as(OUTCOME_RANK));
    Dataset<Row> ranked = LeafCache.of(hand.applyToSignalRanks(signalRanks.select(keep.toArray(new Column[0])))
        .withColumnRenamed(ScoreColumns.INFLUENCE_SCORE, HAND_SCORE)
        .drop(ScoreColumns.INFLUENCE_TIER));
    try {
      Dataset<Row> train = ranked.where(org.apache.spark.sql.functions.not(col(HOLDOUT)));
      Dataset<Row> holdout = ranked.where(col(HOLDOUT));
      long trainRows = train.count();
      long holdoutRows = ranked.count() - trainRows;
      List<String> present = presentSignals(ranked, signals);

      List<String> signalCols = signals.stream().map(ScoreColumns::influenceSignal).toList();
      // Signals and components in one pass over the training rows.
      List<String> trainScores = new ArrayList<>(signalCols);
      trainScores.addAll(InfluenceScoring.COMPONENT_COLUMNS);
      Map<String, Double> trainSpearman = RankMetrics.spearman(train, ScoreColumns.INFLUENCE_OUTCOME, trainScores);
      Map<String, Double> signalSpearman = rename(pick(trainSpearman, signalCols), signals);
      signals.stream().filter(n -> !present.contains(n)).forEach(n -> signalSpearman.put(n, Double.NaN));
      Map<String, Double> componentSpearman = rename(pick(trainSpearman, InfluenceScoring.COMPONENT_COLUMNS),
          InfluenceScoring.COMPONENTS);

      if (trainRows < s.minTrainingRows() || present.isEmpty()) {
        return new Result(FALLBACK_VERSION, false, outcomeName, handSet, Map.of(), Map.of(), signalSpearman,
            componentSpearman, Map.of(), Map.of(), s.windowDays(), s.precisionAtK(), trainRows, holdoutRows, active,
            String.format(Locale.ROOT, "configured weights kept: %d training customers (min %d), %d present signals",
                trainRows, s.minTrainingRows(), present.size()));
      }
      // Only signals with a positive association that is more than noise enter the fit: NNLS on a
      // few hundred customers otherwise gives weight to a signal whose small training correlation
      // does not carry over (on FilmTrust rating extremity, rho 0.026, took 0.29 of the weight and
      // the score fell behind the plain review count it was built on).
      double nullSe = 1 / Math.sqrt(Math.max(trainRows - 1, 1));
      List<String> associated = present.stream()
          .filter(n -> signalSpearman.get(n) != null && signalSpearman.get(n) >= s.minSignalZ() * nullSe).toList();
      Map<String, Double> weights = nonNegativeLeastSquares(train, associated, signals);
      if (weights.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
        return new Result(FALLBACK_VERSION, false, outcomeName, handSet, weights, Map.of(), signalSpearman,
            componentSpearman, Map.of(), Map.of(), s.windowDays(), s.precisionAtK(), trainRows, holdoutRows, active,
            String.format(Locale.ROOT, "configured weights kept: no signal's training Spearman with %s reaches "
                + "min-signal-z = %.2f standard errors (%.3f)", outcomeName, s.minSignalZ(), s.minSignalZ() * nullSe));
      }
      InfluenceSettings fittedSettings = withWeights(handSet, weights);
      Map<String, Double> componentWeights = componentWeights(weights);

      // Both scores on the full population's ranks (as in production), compared on the holdout.
      List<Column> signalColumns = new ArrayList<>();
      signalColumns.add(col(FeatureColumns.CUSTOMER_KEY));
      signals.forEach(n -> {
        signalColumns.add(col(ScoreColumns.influenceSignal(n)));
        signalColumns.add(col(ScoreColumns.influencePresent(n)));
      });
      signalColumns.add(col(ScoreColumns.INFLUENCE_OUTCOME));
      signalColumns.add(col(HAND_SCORE));
      Dataset<Row> evaluation = LeafCache.of(new InfluenceScoring(fittedSettings)
          .applyToSignalRanks(holdout.select(signalColumns.toArray(new Column[0])))
          .select(col(FeatureColumns.CUSTOMER_KEY), col(ScoreColumns.INFLUENCE_OUTCOME), col(HAND_SCORE),
              col(ScoreColumns.INFLUENCE_SCORE).as(FITTED_SCORE)));
      try {
        Map<String, Double> rho = RankMetrics.spearman(evaluation, ScoreColumns.INFLUENCE_OUTCOME,
            List.of(HAND_SCORE, FITTED_SCORE));
        Map<String, Double> handMetrics = holdoutMetrics(rho.get(HAND_SCORE),
            RankMetrics.precisionAtK(evaluation, HAND_SCORE, ScoreColumns.INFLUENCE_OUTCOME, s.precisionAtK()));
        Map<String, Double> fittedMetrics = holdoutMetrics(rho.get(FITTED_SCORE),
            RankMetrics.precisionAtK(evaluation, FITTED_SCORE, ScoreColumns.INFLUENCE_OUTCOME, s.precisionAtK()));
        double fittedRho = fittedMetrics.get("spearman");
        double handRho = handMetrics.get("spearman");
        double required = s.minHoldoutGain();
        boolean better = fittedRho >= (Double.isNaN(handRho) ? 0.0 : handRho) + required;
        String note = String.format(Locale.ROOT,
            "outcome %s: holdout Spearman fitted %.3f vs configured %.3f (%d training, %d holdout "
                + "customers, %d with a positive outcome); %s",
            outcomeName, fittedRho, handRho, trainRows, holdoutRows, active,
            better ? "fitted weights adopted" : String.format(Locale.ROOT, "configured weights kept (fitted does not "
                + "beat them by min-holdout-gain = %.3f)", required));
        return new Result(better ? version : FALLBACK_VERSION, better, outcomeName,
            better ? fittedSettings : handSet, weights, componentWeights, signalSpearman, componentSpearman,
            fittedMetrics, handMetrics, s.windowDays(), s.precisionAtK(), trainRows, holdoutRows, active, note);
      } finally {
        evaluation.unpersist();
      }
    } finally {
      ranked.unpersist();
    }
  }

  private static Map<String, Double> holdoutMetrics(double spearman, double precision) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("spearman", spearman);
    m.put("precision_at_k", precision);
    return m;
  }

  /** Signals some customer is active on (over the whole cut-off table). */
  private static List<String> presentSignals(Dataset<Row> ranked, List<String> signals) {
    if (signals.isEmpty()) {
      return List.of();
    }
    Column[] anyActive = signals.stream()
        .map(n -> max(col(ScoreColumns.influencePresent(n)).cast("int"))).toArray(Column[]::new);
    Row r = ranked.agg(anyActive[0], java.util.Arrays.copyOfRange(anyActive, 1, anyActive.length)).first();
    List<String> present = new ArrayList<>();
    for (int i = 0; i < signals.size(); i++) {
      if (!r.isNullAt(i) && r.getInt(i) == 1) {
        present.add(signals.get(i));
      }
    }
    return present;
  }

  /**
   * NNLS of the outcome's percent rank on the present signals' percent ranks, centred (so the
   * intercept is free), normalised to sum 1. Signals not in {@code present} get 0.
   */
  static Map<String, Double> nonNegativeLeastSquares(Dataset<Row> train, List<String> present, List<String> all) {
    int n = present.size();
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)));
    aggs.add(sum(col(OUTCOME_RANK)));
    for (int i = 0; i < n; i++) {
      Column xi = col(ScoreColumns.influenceSignal(present.get(i)));
      aggs.add(sum(xi));
      aggs.add(sum(xi.multiply(col(OUTCOME_RANK))));
      for (int j = i; j < n; j++) {
        aggs.add(sum(xi.multiply(col(ScoreColumns.influenceSignal(present.get(j))))));
      }
    }
    Row r = train.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    double rows = r.getLong(0);
    double sumY = r.getDouble(1);
    double[] sumX = new double[n];
    double[] xy = new double[n];
    double[][] xx = new double[n][n];
    int k = 2;
    for (int i = 0; i < n; i++) {
      sumX[i] = r.getDouble(k++);
      xy[i] = r.getDouble(k++);
      for (int j = i; j < n; j++) {
        xx[i][j] = r.getDouble(k++);
        xx[j][i] = xx[i][j];
      }
    }
    // Centred normal equations: A = X'X - n mean(x) mean(x)', b = X'y - n mean(x) mean(y).
    double[] ata = new double[n * n];
    double[] atb = new double[n];
    double trace = 0;
    for (int i = 0; i < n; i++) {
      atb[i] = xy[i] - sumX[i] * sumY / rows;
      for (int j = 0; j < n; j++) {
        ata[j * n + i] = xx[i][j] - sumX[i] * sumX[j] / rows;
      }
      trace += ata[i * n + i];
    }
    // A tiny ridge keeps collinear signals (e.g. followers and PageRank) from making A singular.
    for (int i = 0; i < n; i++) {
      ata[i * n + i] += 1e-9 * Math.max(trace, 1e-12);
    }
    double[] w = NNLS.solve(ata, atb, NNLS.createWorkspace(n));
    double total = 0;
    for (double v : w) {
      total += Math.max(v, 0);
    }
    Map<String, Double> weights = new LinkedHashMap<>();
    for (String name : all) {
      int i = present.indexOf(name);
      weights.put(name, i < 0 || total <= 0 ? 0.0 : Math.max(w[i], 0) / total);
    }
    return weights;
  }

  /** Fitted weight per component: the sum of its signals' weights. */
  public static Map<String, Double> componentWeights(Map<String, Double> signalWeights) {
    Map<String, Double> out = new LinkedHashMap<>();
    List<List<String>> groups = InfluenceScoring.signalNames();
    for (int i = 0; i < groups.size(); i++) {
      out.put(InfluenceScoring.COMPONENTS.get(i),
          groups.get(i).stream().mapToDouble(n -> signalWeights.getOrDefault(n, 0.0)).sum());
    }
    return out;
  }

  /**
   * Scoring settings whose effective per-signal weights are {@code signalWeights}: each component's
   * weight is the sum of its signals' weights and its sub-weights are the signals' weights, so
   * {@link InfluenceScoring}'s weighted mean of weighted means equals the flat weighted mean. A
   * component whose signals all have weight 0 keeps the configured sub-weights (they do not count).
   * Tiers and the Wilson z stay as configured.
   *
   * @param signalWeights weight per signal name ({@link InfluenceScoring#signalNames()}); missing = 0
   */
  public static InfluenceSettings withWeights(InfluenceSettings handSet, Map<String, Double> signalWeights) {
    Map<String, Double> c = componentWeights(signalWeights);
    java.util.function.ToDoubleFunction<String> w = n -> signalWeights.getOrDefault(n, 0.0);
    InfluenceSettings.ReviewWeights reviews = c.get("reviews") > 0
        ? new InfluenceSettings.ReviewWeights(w.applyAsDouble("frequency"), w.applyAsDouble("helpfulness"),
            w.applyAsDouble("substance"), w.applyAsDouble("extremity"), w.applyAsDouble("verified"),
            w.applyAsDouble("novelty"), w.applyAsDouble("earliness"))
        : handSet.reviews();
    InfluenceSettings.ReachWeights reach = c.get("reach") > 0
        ? new InfluenceSettings.ReachWeights(w.applyAsDouble("audience"), w.applyAsDouble("followers"),
            w.applyAsDouble("pagerank"))
        : handSet.reach();
    InfluenceSettings.ReferralWeights referrals = c.get("referrals") > 0
        ? new InfluenceSettings.ReferralWeights(w.applyAsDouble("visitors"), w.applyAsDouble("customers"),
            w.applyAsDouble("value"))
        : handSet.referrals();
    return new InfluenceSettings(new InfluenceSettings.ComponentWeights(c.get("reviews"), c.get("reach"),
        c.get("referrals"), c.get("advocacy")), reviews, reach, referrals, handSet.helpfulnessZ(),
        handSet.highTierMin(), handSet.mediumTierMin());
  }

  /** The entries of {@code columns}, in their order. */
  private static Map<String, Double> pick(Map<String, Double> byColumn, List<String> columns) {
    Map<String, Double> out = new LinkedHashMap<>();
    columns.forEach(c -> out.put(c, byColumn.get(c)));
    return out;
  }

  private static Map<String, Double> rename(Map<String, Double> byColumn, List<String> names) {
    Map<String, Double> out = new LinkedHashMap<>();
    List<Double> values = new ArrayList<>(byColumn.values());
    for (int i = 0; i < names.size(); i++) {
      out.put(names.get(i), values.get(i));
    }
    return out;
  }

  /** NaN and infinities become null: JSON has no NaN. */
  static Map<String, Double> jsonSafe(Map<String, Double> values) {
    Map<String, Double> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, v == null || v.isNaN() || v.isInfinite() ? null : v));
    return out;
  }
}
