package io.centraal.scoring.model.influence;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import java.util.Map;
import java.util.LinkedHashMap;
import io.centraal.scoring.schema.Stage;
import io.centraal.scoring.model.PercentRanks;
import io.centraal.scoring.schema.StageSchema;
import io.centraal.scoring.schema.StageSchema.Kind;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Influence score: how much a customer sways other (potential) customers, independent of what
 * they spend: a reviewer or vlogger who buys little may sway thousands.
 *
 * <p><b>Input</b> (one row per customer; silver {@code customer_features} left-joined with
 * {@link FollowGraph#pageRank}): {@code customer_key} (integral) and, for every signal whose
 * sub-weight is positive, its numeric column(s):
 * <ul>
 *   <li>reviews — frequency {@code review_count_decayed}; helpfulness {@code helpful_votes} and
 *       {@code total_votes} (Wilson lower bound, {@link Wilson}); substance
 *       {@code avg_review_length}; extremity {@code avg_sentiment} and {@code rating_extremity}
 *       (strength of opinion = the larger of |avg_sentiment| and rating_extremity, both expected
 *       in [0, 1]; either may be null); verified {@code verified_share}; novelty
 *       {@code review_novelty} and earliness {@code review_earliness} (from the other reviews of
 *       the same products, {@link io.centraal.scoring.features.ReviewProductSignals});</li>
 *   <li>reach — {@code audience_size}; {@code followers}; {@code follower_pagerank} (also needs
 *       {@code followers});</li>
 *   <li>referrals — {@code referred_visitors}; {@code referred_customers};
 *       {@code referral_value} (discounted margin of the referred customers; raw
 *       {@code referred_revenue} is kept as a feature but not scored);</li>
 *   <li>advocacy — {@code promoter_reviews} and {@code detractor_reviews}: net promoter reviews
 *       (promoter minus detractor), i.e. the volume of positive word of mouth.</li>
 * </ul>
 * An optional {@code as_of_date} makes the ranking per date.
 *
 * <p><b>Output</b>: the input plus {@code influence_reviews}, {@code influence_reach},
 * {@code influence_referrals}, {@code influence_advocacy} (double, [0, 1]), {@code influence_score}
 * (double, [0, 100]) and {@code influence_tier} (string: {@value #TIER_HIGH}, {@value #TIER_MEDIUM},
 * {@value #TIER_LOW}).
 *
 * <p><b>Normalisation.</b> Raw signals are counts and amounts with heavy tails (one vlogger with a
 * million followers), so min-max scaling would squash everyone else to ~0. Each signal is instead
 * replaced by its exact {@code percent_rank()} over <em>all</em> customers of the date (see
 * {@link PercentRanks}; ties share the lower rank), after setting zero-activity customers to the
 * bottom: a signal is <em>active</em> when its value is &gt; 0 (for {@code follower_pagerank}: when
 * {@code followers} &gt; 0, because everyone in the follow graph has the teleport floor), and an
 * inactive signal scores exactly 0. So a signal's value reads "share of all customers this one
 * beats". Edge case: if every customer is active and tied, all get 0. A component is the weighted
 * mean of its signals; the score is 100 x the weighted mean of the components; a component with
 * weight 0 is still output but does not count.
 *
 * <p><b>Absent signals.</b> A signal on which no customer of the date is active (its source is
 * disabled, the reviews carry no text or no vote counts, nobody follows anyone) is <em>absent</em>:
 * it drops out of its component's weighted mean and the remaining weights are renormalised, and a
 * component without a present signal drops out of the score the same way (it is output as 0).
 * Counting an absent signal as a tie at 0 would only dilute the signals the data do hold.
 *
 * <p><b>Null semantics.</b> Null inputs mean "no activity" and score 0 — influence must be
 * evidenced; the outputs are never null.
 */
public final class InfluenceScoring implements Stage {
  public static final String TIER_HIGH = "high";
  public static final String TIER_MEDIUM = "medium";
  public static final String TIER_LOW = "low";

  private static final String STAGE = "InfluenceScoring";
  private static final String TMP = StageSchema.TMP_PREFIX + "inf_";

  private final InfluenceSettings settings;

  public InfluenceScoring(InfluenceSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** One raw signal: its value expression, the columns it reads, and when it counts as active. */
  private record Signal(String name, double weight, Column value, Column active, List<String> columns) {}

  private List<Signal> reviewSignals() {
    InfluenceSettings.ReviewWeights w = settings.reviews();
    Column lb = Wilson.lowerBound(col(FeatureColumns.HELPFUL_VOTES), col(FeatureColumns.TOTAL_VOTES),
        settings.helpfulnessZ());
    Column extremity = greatest(coalesce(abs(col(FeatureColumns.AVG_SENTIMENT).cast("double")), lit(0.0)),
        coalesce(col(FeatureColumns.RATING_EXTREMITY).cast("double"), lit(0.0)));
    return List.of(
        simple("frequency", w.frequency(), FeatureColumns.REVIEW_COUNT_DECAYED),
        derived("helpfulness", w.helpfulness(), lb,
            List.of(FeatureColumns.HELPFUL_VOTES, FeatureColumns.TOTAL_VOTES)),
        simple("substance", w.substance(), FeatureColumns.AVG_REVIEW_LENGTH),
        derived("extremity", w.extremity(), extremity,
            List.of(FeatureColumns.AVG_SENTIMENT, FeatureColumns.RATING_EXTREMITY)),
        simple("verified", w.verified(), FeatureColumns.VERIFIED_SHARE),
        simple("novelty", w.novelty(), FeatureColumns.REVIEW_NOVELTY),
        simple("earliness", w.earliness(), FeatureColumns.REVIEW_EARLINESS));
  }

  private List<Signal> reachSignals() {
    InfluenceSettings.ReachWeights w = settings.reach();
    Column pr = col(ScoreColumns.FOLLOWER_PAGERANK).cast("double");
    Column followed = coalesce(col(FeatureColumns.FOLLOWERS).cast("double"), lit(0.0)).gt(0.0);
    return List.of(
        simple("audience", w.audience(), FeatureColumns.AUDIENCE_SIZE),
        simple("followers", w.followers(), FeatureColumns.FOLLOWERS),
        new Signal("pagerank", w.pagerank(), pr, followed.and(coalesce(pr, lit(0.0)).gt(0.0)),
            List.of(ScoreColumns.FOLLOWER_PAGERANK, FeatureColumns.FOLLOWERS)));
  }

  private List<Signal> referralSignals() {
    InfluenceSettings.ReferralWeights w = settings.referrals();
    return List.of(
        simple("visitors", w.visitors(), FeatureColumns.REFERRED_VISITORS),
        simple("customers", w.customers(), FeatureColumns.REFERRED_CUSTOMERS),
        simple("value", w.value(), FeatureColumns.REFERRAL_VALUE));
  }

  private List<Signal> advocacySignals() {
    Column net = coalesce(col(FeatureColumns.PROMOTER_REVIEWS).cast("double"), lit(0.0))
        .minus(coalesce(col(FeatureColumns.DETRACTOR_REVIEWS).cast("double"), lit(0.0)));
    return List.of(derived("net_promoter_reviews", 1.0, net,
        List.of(FeatureColumns.PROMOTER_REVIEWS, FeatureColumns.DETRACTOR_REVIEWS)));
  }

  private static Signal simple(String name, double weight, String column) {
    Column v = col(column).cast("double");
    return new Signal(name, weight, v, coalesce(v, lit(0.0)).gt(0.0), List.of(column));
  }

  private static Signal derived(String name, double weight, Column value, List<String> columns) {
    return new Signal(name, weight, value, coalesce(value, lit(0.0)).gt(0.0), columns);
  }

  /**
   * Every signal in scoring order, grouped by component, with its configured sub-weight (advocacy's
   * single signal has weight 1). The names are the keys of fitted weights ({@link InfluenceTraining}).
   */
  private List<List<Signal>> groups() {
    return List.of(reviewSignals(), reachSignals(), referralSignals(), advocacySignals());
  }

  /** Signal names per component, in order: reviews, reach, referrals, advocacy. */
  public static List<List<String>> signalNames() {
    return NAMES_ONLY.groups().stream().map(g -> g.stream().map(Signal::name).toList()).toList();
  }

  /**
   * A scorer used only to enumerate the signals: their names and input columns do not depend on
   * the weights, tiers or z, so these placeholder values are never used to score anything.
   */
  private static final InfluenceScoring NAMES_ONLY = new InfluenceScoring(new InfluenceSettings(
      new InfluenceSettings.ComponentWeights(1, 1, 1, 1), new InfluenceSettings.ReviewWeights(1, 1, 1, 1, 1, 1, 1),
      new InfluenceSettings.ReachWeights(1, 1, 1), new InfluenceSettings.ReferralWeights(1, 1, 1), 0, 100, 0));

  /** Each signal's input columns (all must be present to compute it), by signal name. */
  public static java.util.Map<String, List<String>> signalInputs() {
    java.util.Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    NAMES_ONLY.groups().forEach(g -> g.forEach(sig -> out.put(sig.name(), sig.columns())));
    return out;
  }

  /** Component names (the keys of fitted component weights), in the order of {@link #signalNames()}. */
  public static final List<String> COMPONENTS = List.of("reviews", "reach", "referrals", "advocacy");

  /** The component output columns, in the order of {@link #signalNames()}. */
  public static final List<String> COMPONENT_COLUMNS = List.of(
      ScoreColumns.INF_REVIEWS, ScoreColumns.INF_REACH, ScoreColumns.INF_REFERRALS, ScoreColumns.INF_ADVOCACY);

  /**
   * The percentile rank of each named signal, as the scorer computes it, without combining them:
   * the input plus {@code influence_signal_<name>} (double, [0, 1], never null; see
   * {@link ScoreColumns#influenceSignal}) for every signal in {@code names}, and
   * {@code influence_present_<name>} (boolean: some customer of the date is active on it). Used by
   * {@link InfluenceTraining} to fit weights on exactly the values the score combines.
   *
   * @param names signal names from {@link #signalNames()}; their input columns must be present
   */
  public Dataset<Row> signalRanks(Dataset<Row> features, List<String> names) {
    List<Signal> chosen = new ArrayList<>();
    groups().forEach(g -> g.stream().filter(s -> names.contains(s.name())).forEach(chosen::add));
    if (chosen.size() != names.size()) {
      throw new IllegalArgumentException(STAGE + ".signalRanks: unknown signal in " + names
          + "; known: " + signalNames());
    }
    StructType schema = features.schema();
    StageSchema.require(schema, STAGE, FeatureColumns.CUSTOMER_KEY, Kind.INTEGRAL);
    for (Signal s : chosen) {
      for (String c : s.columns()) {
        StageSchema.require(schema, STAGE, c, Kind.NUMERIC);
      }
      StageSchema.requireAbsent(schema, STAGE, ScoreColumns.influenceSignal(s.name()),
          ScoreColumns.influencePresent(s.name()));
    }
    StageSchema.rejectReservedPrefix(schema, STAGE);
    Dataset<Row> ranked = rank(features, chosen);
    List<Column> out = new ArrayList<>();
    for (String c : schema.fieldNames()) {
      out.add(col(c));
    }
    for (Signal s : chosen) {
      out.add(col(TMP + s.name()).as(ScoreColumns.influenceSignal(s.name())));
      out.add(col(TMP + "present_" + s.name()).as(ScoreColumns.influencePresent(s.name())));
    }
    return ranked.select(out.toArray(new Column[0]));
  }

  /**
   * Phases 1 and 2: the raw signal with inactive customers at 0 (the bottom), then its percent rank
   * (inactive -> 0) and whether any customer of the date is active on it. One select per phase:
   * chained withColumn calls re-analyse the growing plan each time.
   */
  private static Dataset<Row> rank(Dataset<Row> features, List<Signal> used) {
    List<Column> phase1 = new ArrayList<>();
    phase1.add(col("*"));
    for (Signal s : used) {
      phase1.add(when(s.active(), s.value()).otherwise(lit(0.0)).as(TMP + "raw_" + s.name()));
    }
    Dataset<Row> withRaw = features.select(phase1.toArray(new Column[0]));
    StructType rawSchema = withRaw.schema();
    List<Column> phase2 = new ArrayList<>();
    phase2.add(col("*"));
    for (Signal s : used) {
      Column raw = col(TMP + "raw_" + s.name());
      phase2.add(when(raw.gt(0.0), PercentRanks.of(rawSchema, raw.asc())).otherwise(lit(0.0))
          .as(TMP + s.name()));
      // A signal nobody of the date is active on (source disabled, no text, no votes) is absent:
      // it is left out of the weighted means instead of adding one big tie at 0 to every customer.
      phase2.add(max(raw.gt(0.0)).over(PercentRanks.partition(rawSchema)).as(TMP + "present_" + s.name()));
    }
    return withRaw.select(phase2.toArray(new Column[0]));
  }

  /**
   * The components, score and tier from per-signal ranks and presence flags: components are the
   * weighted means over the present signals; the score is the weighted mean over the components
   * that have a present signal, so weights are renormalised per date over what is present.
   * Returns the four component columns, {@code influence_score} and {@code influence_tier}.
   */
  private List<Column> combine(java.util.function.Function<String, Column> rank,
                               java.util.function.Function<String, Column> present) {
    List<List<Signal>> groups = groups();
    InfluenceSettings.ComponentWeights cw = settings.components();
    double[] componentWeights = {cw.reviews(), cw.reach(), cw.referrals(), cw.advocacy()};
    List<Column> out = new ArrayList<>();
    Column scoreSum = lit(0.0);
    Column scoreWeight = lit(0.0);
    for (int i = 0; i < groups.size(); i++) {
      Column sum = lit(0.0);
      Column weightSum = lit(0.0);
      for (Signal s : groups.get(i)) {
        if (s.weight() > 0) {
          Column isPresent = present.apply(s.name());
          sum = sum.plus(when(isPresent, rank.apply(s.name()).multiply(s.weight())).otherwise(lit(0.0)));
          weightSum = weightSum.plus(when(isPresent, lit(s.weight())).otherwise(lit(0.0)));
        }
      }
      Column componentPresent = weightSum.gt(0.0);
      Column component = when(componentPresent, sum.divide(weightSum)).otherwise(lit(0.0));
      out.add(component.as(COMPONENT_COLUMNS.get(i)));
      if (componentWeights[i] > 0) {
        scoreSum = scoreSum.plus(component.multiply(componentWeights[i]));
        scoreWeight = scoreWeight.plus(when(componentPresent, lit(componentWeights[i])).otherwise(lit(0.0)));
      }
    }
    Column score = when(scoreWeight.gt(0.0), scoreSum.multiply(100.0).divide(scoreWeight)).otherwise(lit(0.0));
    out.add(score.as(ScoreColumns.INFLUENCE_SCORE));
    out.add(when(score.geq(settings.highTierMin()), lit(TIER_HIGH))
        .when(score.geq(settings.mediumTierMin()), lit(TIER_MEDIUM))
        .otherwise(lit(TIER_LOW)).as(ScoreColumns.INFLUENCE_TIER));
    return out;
  }

  /**
   * The same components, score and tier as {@link #apply}, computed from the output of
   * {@link #signalRanks} (which must hold every signal with a positive weight): lets a caller
   * score several weightings on one ranking pass (the windows are the expensive part).
   */
  public Dataset<Row> applyToSignalRanks(Dataset<Row> ranked) {
    StructType schema = ranked.schema();
    for (List<Signal> g : groups()) {
      for (Signal s : g) {
        if (s.weight() > 0) {
          StageSchema.require(schema, STAGE, ScoreColumns.influenceSignal(s.name()), Kind.NUMERIC);
          StageSchema.require(schema, STAGE, ScoreColumns.influencePresent(s.name()), Kind.BOOLEAN);
        }
      }
    }
    StageSchema.requireAbsent(schema, STAGE, ScoreColumns.INF_REVIEWS, ScoreColumns.INF_REACH,
        ScoreColumns.INF_REFERRALS, ScoreColumns.INF_ADVOCACY, ScoreColumns.INFLUENCE_SCORE,
        ScoreColumns.INFLUENCE_TIER);
    List<Column> out = new ArrayList<>();
    out.add(col("*"));
    out.addAll(combine(name -> col(ScoreColumns.influenceSignal(name)), name -> col(ScoreColumns.influencePresent(name))));
    return ranked.select(out.toArray(new Column[0]));
  }

  /** customer_key and the columns of every signal with a positive weight. */
  @Override
  public Map<String, Kind> inputColumns() {
    Map<String, Kind> in = new LinkedHashMap<>();
    in.put(FeatureColumns.CUSTOMER_KEY, Kind.INTEGRAL);
    for (List<Signal> g : groups()) {
      for (Signal s : g) {
        if (s.weight() > 0) {
          s.columns().forEach(c -> in.putIfAbsent(c, Kind.NUMERIC));
        }
      }
    }
    return in;
  }

  @Override
  public List<String> outputColumns() {
    return List.of(ScoreColumns.INF_REVIEWS, ScoreColumns.INF_REACH, ScoreColumns.INF_REFERRALS,
        ScoreColumns.INF_ADVOCACY, ScoreColumns.INFLUENCE_SCORE, ScoreColumns.INFLUENCE_TIER);
  }

  /** Adds the influence components, score and tier; see the class doc. */
  @Override
  public Dataset<Row> transform(Dataset<Row> features) {
    List<List<Signal>> groups = groups();
    List<Signal> used = new ArrayList<>();
    groups.forEach(g -> g.stream().filter(s -> s.weight() > 0).forEach(used::add));
    Dataset<Row> ranked = rank(features, used);

    // 3. Components and score from the ranks (see combine).
    List<Column> out = new ArrayList<>();
    for (String c : features.schema().fieldNames()) {
      out.add(col(c));
    }
    out.addAll(combine(name -> col(TMP + name), name -> col(TMP + "present_" + name)));
    return ranked.select(out.toArray(new Column[0]));
  }
}
