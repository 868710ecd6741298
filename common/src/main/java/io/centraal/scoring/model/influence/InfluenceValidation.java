package io.centraal.scoring.model.influence;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.centraal.scoring.features.FeatureSettings;
import io.centraal.scoring.features.ReviewFeatures;
import io.centraal.scoring.features.ReviewProductSignals;
import io.centraal.scoring.run.UtcDays;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Reviews;
import io.centraal.scoring.schema.ScoreColumns;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Checks the influence score against influence measured outside its inputs, on two public review
 * data sets (see {@code docs/influence-validation.md}): FilmTrust (ratings; the trust network held
 * back as the outcome) and Amazon Fashion 5-core (reviews with text, verified flag and helpful
 * votes; the votes held back as the outcome). The readers map each file onto the canonical review
 * contract with {@code customer_key} already set, as the pipeline's identity stage would:
 * {@code customer_key, product_id, ts, rating, text, helpful_votes, total_votes, verified_purchase}. The same
 * mapping is written down for the pipeline in {@code conf/examples/filmtrust.conf} and
 * {@code conf/examples/amazon-fashion.conf}.
 *
 * <p>{@link #compare} scores every customer with the configured and the fitted weights and with the
 * simple baselines that use the same inputs (review count, time-decayed review count, mean rating,
 * a seeded random score), and reports Spearman and precision@k of each on the holdout customers of
 * the training split ({@link InfluenceTraining#isHoldout}), so the fitted weights are never scored
 * on the customers they were fitted on.
 */
public final class InfluenceValidation {
  private InfluenceValidation() {}

  public static final String HAND_SET = "influence_score (configured weights)";
  public static final String FITTED = "influence_score (fitted weights)";
  public static final String REVIEW_COUNT = "review count";
  public static final String REVIEW_COUNT_DECAYED = "time-decayed review count";
  public static final String MEAN_RATING = "mean rating";
  public static final String RANDOM = "random";

  /** FilmTrust has no dates: every rating is stamped with this day, the as-of date of its features. */
  public static final LocalDate FILMTRUST_AS_OF = LocalDate.parse("2013-01-01");

  private static final StructType FILMTRUST_RATINGS = new StructType()
      .add("user", DataTypes.LongType).add("item", DataTypes.LongType).add("stars", DataTypes.DoubleType);
  private static final StructType FILMTRUST_TRUST = new StructType()
      .add("truster", DataTypes.LongType).add("trustee", DataTypes.LongType).add("value", DataTypes.DoubleType);
  /** The Amazon 2018 fields the mapping reads (explicit, so nothing is inferred). */
  private static final StructType AMAZON = new StructType()
      .add("overall", DataTypes.DoubleType).add("verified", DataTypes.BooleanType)
      .add("reviewerID", DataTypes.StringType).add("asin", DataTypes.StringType)
      .add("reviewText", DataTypes.StringType).add("summary", DataTypes.StringType)
      .add("unixReviewTime", DataTypes.LongType).add("vote", DataTypes.StringType);

  /**
   * FilmTrust {@code ratings.txt} (user item stars, blank separated, 0.5..4 stars) as keyed reviews
   * (product_id = the film).
   * Stars map onto the contract's 1-5 scale by {@code round(1 + (stars - 0.5) * 8 / 7)} (0.5 -> 1,
   * 2 -> 3, 4 -> 5). No text, votes or verified flag (null: those signals are absent); every
   * rating is stamped {@link #FILMTRUST_AS_OF}.
   */
  public static Dataset<Row> filmTrustReviews(SparkSession spark, String ratingsPath) {
    return spark.read().option("sep", " ").schema(FILMTRUST_RATINGS).csv(ratingsPath)
        .where(col("user").isNotNull().and(col("stars").isNotNull()))
        .select(col("user").as(FeatureColumns.CUSTOMER_KEY),
            col("item").cast("string").as(Reviews.PRODUCT_ID),
            UtcDays.startOf(FILMTRUST_AS_OF).as(Reviews.TS),
            round(lit(1.0).plus(col("stars").minus(0.5).multiply(8.0 / 7.0))).cast("int").as(Reviews.RATING),
            lit(null).cast("string").as(Reviews.TEXT),
            lit(null).cast("long").as(Reviews.HELPFUL_VOTES),
            lit(null).cast("long").as(Reviews.TOTAL_VOTES),
            lit(null).cast("boolean").as(Reviews.VERIFIED_PURCHASE));
  }

  /**
   * FilmTrust {@code trust.txt} (truster trustee value): the outcome = how many users trust each
   * user (in-degree; self-trust and repeated edges ignored). Output: {@code customer_key},
   * {@code influence_outcome}.
   */
  public static Dataset<Row> filmTrustInDegree(SparkSession spark, String trustPath) {
    return spark.read().option("sep", " ").schema(FILMTRUST_TRUST).csv(trustPath)
        .where(col("truster").isNotNull().and(col("trustee").isNotNull())
            .and(col("truster").notEqual(col("trustee"))))
        .select("truster", "trustee").distinct()
        .groupBy(col("trustee").as(FeatureColumns.CUSTOMER_KEY))
        .agg(count(lit(1)).cast("double").as(ScoreColumns.INFLUENCE_OUTCOME));
  }

  /**
   * Amazon Review Data (2018) JSON array as keyed reviews: {@code customer_key} = xxhash64 of
   * reviewerID; product_id = asin; text = summary + review text; helpful_votes = {@code vote} without thousands
   * separators (missing = 0); total_votes = helpful_votes (the 2018 release counts helpful votes
   * only, so every counted vote is a helpful one); verified_purchase = {@code verified}. The
   * release repeats a review once per product variant: rows equal on reviewer, product, time and
   * text are kept once.
   */
  public static Dataset<Row> amazonReviews(SparkSession spark, String jsonPath) {
    Column votes = coalesce(regexp_replace(col("vote"), ",", "").cast("long"), lit(0L));
    return spark.read().option("multiLine", "true").schema(AMAZON).json(jsonPath)
        .where(col("reviewerID").isNotNull().and(col("unixReviewTime").isNotNull()))
        .dropDuplicates("reviewerID", "asin", "unixReviewTime", "reviewText")
        .select(xxhash64(col("reviewerID")).as(FeatureColumns.CUSTOMER_KEY),
            col("asin").as(Reviews.PRODUCT_ID),
            timestamp_seconds(col("unixReviewTime")).as(Reviews.TS),
            col("overall").cast("int").as(Reviews.RATING),
            concat_ws(". ", col("summary"), col("reviewText")).as(Reviews.TEXT),
            votes.as(Reviews.HELPFUL_VOTES), votes.as(Reviews.TOTAL_VOTES),
            col("verified").as(Reviews.VERIFIED_PURCHASE));
  }

  /** Helpful votes on each customer's reviews (all of them): {@code customer_key}, {@code influence_outcome}. */
  public static Dataset<Row> helpfulVotesReceived(Dataset<Row> keyedReviews) {
    return keyedReviews.groupBy(FeatureColumns.CUSTOMER_KEY)
        .agg(sum(coalesce(col(Reviews.HELPFUL_VOTES), lit(0L))).cast("double").as(ScoreColumns.INFLUENCE_OUTCOME));
  }

  /**
   * Review features without the vote counts (null): for an outcome made of the votes themselves,
   * the helpfulness signal would be the answer, not a predictor.
   */
  public static Dataset<Row> withoutVotes(Dataset<Row> keyedReviews) {
    return keyedReviews.withColumn(Reviews.HELPFUL_VOTES, lit(null).cast("long"))
        .withColumn(Reviews.TOTAL_VOTES, lit(null).cast("long"));
  }

  /**
   * Review features as of a date with the lexicon sentiment, on the 1-5 scale, plus the signals from
   * the other reviews of the same products ({@link ReviewProductSignals}).
   */
  public static Dataset<Row> features(Dataset<Row> keyedReviews, LocalDate asOf, FeatureSettings settings) {
    return InfluenceTraining.withMissingSignalsAbsent(
        ReviewFeatures.reviews(keyedReviews, asOf, settings, Sentiment::score, 1, 5)
            .join(ReviewProductSignals.perCustomer(keyedReviews, asOf), new String[] {FeatureColumns.CUSTOMER_KEY},
                "left"));
  }

  /** One score's agreement with the outcome on the holdout. */
  public record Measured(String score, double spearman, double precisionAtK) {}

  /**
   * Scores the holdout customers of {@code training}'s split with the configured weights, the
   * fitted ones (when {@code fit} adopted or at least produced weights) and the baselines, and
   * measures each against the outcome.
   *
   * @param features  one row per customer (review features; missing signal inputs are absent)
   * @param outcome   {@code customer_key}, {@code influence_outcome}; customers missing from it count 0
   * @param fitWeights fitted signal weights (empty: no fitted row)
   * @return in order: configured, fitted (if any), review count, decayed count, mean rating, random
   */
  public static List<Measured> compare(Dataset<Row> features, Dataset<Row> outcome, InfluenceSettings configured,
                                       Map<String, Double> fitWeights, InfluenceTraining.Settings training, int k) {
    InfluenceScoring hand = new InfluenceScoring(configured);
    // Persisted: both weightings read the same ranks, and the ranking windows are the costly part.
    Dataset<Row> ranked = hand.signalRanks(features, new ArrayList<>(InfluenceScoring.signalInputs().keySet()))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Column> scores = new LinkedHashMap<>();
    scores.put(HAND_SET, col(ScoreColumns.INFLUENCE_SCORE));
    Dataset<Row> scored = hand.applyToSignalRanks(ranked);
    if (!fitWeights.isEmpty()) {
      String fittedColumn = "fitted_score";
      Dataset<Row> fitted = new InfluenceScoring(InfluenceTraining.withWeights(configured, fitWeights))
          .applyToSignalRanks(ranked)
          .select(col(FeatureColumns.CUSTOMER_KEY), col(ScoreColumns.INFLUENCE_SCORE).as(fittedColumn));
      scored = scored.join(fitted, FeatureColumns.CUSTOMER_KEY);
      scores.put(FITTED, col(fittedColumn));
    }
    scores.put(REVIEW_COUNT, col(FeatureColumns.REVIEW_COUNT));
    scores.put(REVIEW_COUNT_DECAYED, col(FeatureColumns.REVIEW_COUNT_DECAYED));
    scores.put(MEAN_RATING, col(FeatureColumns.AVG_RATING));
    scores.put(RANDOM, rand(training.seed()));

    List<Column> select = new ArrayList<>();
    List<String> names = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, Column> e : scores.entrySet()) {
      String name = "score_" + i++;
      names.add(name);
      select.add(coalesce(e.getValue().cast("double"), lit(0.0)).as(name));
    }
    select.add(col(ScoreColumns.INFLUENCE_OUTCOME));
    Dataset<Row> holdout = scored
        .join(outcome.select(col(FeatureColumns.CUSTOMER_KEY), col(ScoreColumns.INFLUENCE_OUTCOME)),
            new String[] {FeatureColumns.CUSTOMER_KEY}, "left")
        .withColumn(ScoreColumns.INFLUENCE_OUTCOME, coalesce(col(ScoreColumns.INFLUENCE_OUTCOME), lit(0.0)))
        .where(InfluenceTraining.isHoldout(col(FeatureColumns.CUSTOMER_KEY), training))
        .select(select.toArray(new Column[0]))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, Double> rho = RankMetrics.spearman(holdout, ScoreColumns.INFLUENCE_OUTCOME, names);
      List<Measured> out = new ArrayList<>();
      int j = 0;
      for (String label : scores.keySet()) {
        String c = names.get(j++);
        out.add(new Measured(label, rho.get(c), RankMetrics.precisionAtK(holdout, c, ScoreColumns.INFLUENCE_OUTCOME, k)));
      }
      return out;
    } finally {
      holdout.unpersist();
      ranked.unpersist();
    }
  }

  /** Customers in the holdout and how many of them have a positive outcome. */
  public static long[] holdoutSize(Dataset<Row> features, Dataset<Row> outcome, InfluenceTraining.Settings training) {
    Row r = features.select(FeatureColumns.CUSTOMER_KEY)
        .join(outcome, new String[] {FeatureColumns.CUSTOMER_KEY}, "left")
        .where(InfluenceTraining.isHoldout(col(FeatureColumns.CUSTOMER_KEY), training))
        .agg(count(lit(1)), count(when(col(ScoreColumns.INFLUENCE_OUTCOME).gt(0), lit(1)))).first();
    return new long[] {r.getLong(0), r.getLong(1)};
  }
}
