package io.centraal.scoring.model.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.features.ReviewFeatures;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Reviews;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.testing.SparkExtension;
import io.centraal.scoring.testing.TestSettings;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
class InfluenceTrainingTest {
  private static final InfluenceTraining.Settings TRAINING = new InfluenceTraining.Settings(true,
      InfluenceTraining.OUTCOMES, 180, 0.3, 200, 30, 0.0, 1.645, 100, 22);

  private static final StructType OUTCOME = new StructType()
      .add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType, false)
      .add(ScoreColumns.INFLUENCE_OUTCOME, DataTypes.DoubleType, false);

  /**
   * 2,000 generated customers, every signal active for ~60 % of them with heavy-tailed values,
   * independently. The outcome grows with rating extremity (a signal the configured weights give
   * 3.5 % of the score), a little with review frequency, and falls with the verified share.
   */
  private static Dataset<Row>[] underRatedExtremity(SparkSession spark) {
    Random rnd = new Random(7);
    List<InfluenceFixtures.Customer> customers = new ArrayList<>();
    List<Row> outcomes = new ArrayList<>();
    for (long key = 1; key <= 2000; key++) {
      InfluenceFixtures.Customer c = new InfluenceFixtures.Customer(key);
      double frequency = active(rnd) ? Math.exp(rnd.nextGaussian()) : 0;
      double extremity = active(rnd) ? rnd.nextDouble() : 0;
      double verified = active(rnd) ? rnd.nextDouble() : 0;
      long helpful = active(rnd) ? rnd.nextInt(20) : 0;
      c.set(FeatureColumns.REVIEW_COUNT_DECAYED, frequency)
          .set(FeatureColumns.RATING_EXTREMITY, extremity)
          .set(FeatureColumns.VERIFIED_SHARE, verified)
          .set(FeatureColumns.HELPFUL_VOTES, helpful).set(FeatureColumns.TOTAL_VOTES, helpful + rnd.nextInt(5))
          .set(FeatureColumns.AVG_REVIEW_LENGTH, active(rnd) ? 50 + 500 * rnd.nextDouble() : 0.0)
          .set(FeatureColumns.PROMOTER_REVIEWS, active(rnd) ? (long) rnd.nextInt(5) : 0L)
          .set(FeatureColumns.DETRACTOR_REVIEWS, (long) rnd.nextInt(2))
          .set(FeatureColumns.AUDIENCE_SIZE, active(rnd) ? (long) Math.exp(3 * rnd.nextDouble() * 3) : 0L)
          .set(FeatureColumns.FOLLOWERS, active(rnd) ? (long) (1 + rnd.nextInt(100)) : 0L)
          .set(ScoreColumns.FOLLOWER_PAGERANK, 0.2 + rnd.nextDouble())
          .set(FeatureColumns.REFERRED_VISITORS, active(rnd) ? (long) rnd.nextInt(30) : 0L)
          .set(FeatureColumns.REFERRED_CUSTOMERS, active(rnd) ? (long) rnd.nextInt(5) : 0L)
          .set(FeatureColumns.REFERRAL_VALUE, active(rnd) ? 1000 * rnd.nextDouble() : 0.0);
      customers.add(c);
      double expected = 12 * extremity * extremity + 0.3 * Math.log1p(frequency);
      double outcome = Math.max(0, Math.floor(expected * (1.5 - verified) * Math.exp(0.3 * rnd.nextGaussian())));
      outcomes.add(RowFactory.create(key, outcome));
    }
    @SuppressWarnings("unchecked")
    Dataset<Row>[] out = new Dataset[] {
        InfluenceFixtures.frame(spark, customers.toArray(new InfluenceFixtures.Customer[0])),
        spark.createDataFrame(outcomes, OUTCOME)};
    return out;
  }

  private static boolean active(Random rnd) {
    return rnd.nextDouble() < 0.6;
  }

  @Test
  void fittedWeightsRecoverAnUnderRatedSignalAndBeatTheConfiguredOnes(SparkSession spark) {
    Dataset<Row>[] data = underRatedExtremity(spark);
    InfluenceSettings configured = InfluenceFixtures.recommended();
    InfluenceTraining.Result fit = InfluenceTraining.fit(data[0],
        Map.of(InfluenceTraining.HELPFUL_VOTES, data[1]), configured, TRAINING, "influence-test");

    assertTrue(fit.fitted(), fit.note());
    assertEquals("influence-test", fit.version());
    assertEquals(InfluenceTraining.HELPFUL_VOTES, fit.outcome());
    double fittedRho = fit.holdoutFitted().get("spearman");
    double handRho = fit.holdoutHandSet().get("spearman");
    assertTrue(fittedRho > handRho + 0.2, "holdout Spearman fitted " + fittedRho + " vs configured " + handRho);
    assertTrue(fit.holdoutFitted().get("precision_at_k") > fit.holdoutHandSet().get("precision_at_k"),
        fit.holdoutFitted() + " vs " + fit.holdoutHandSet());

    Map<String, Double> w = fit.signalWeights();
    String largest = w.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    assertEquals("extremity", largest, w.toString());
    assertEquals(1.0, w.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
    w.values().forEach(v -> assertTrue(v >= 0, w.toString()));
    // Negative association: weight 0, and the correlation says why.
    assertEquals(0.0, w.get("verified"), 0.0, w.toString());
    assertTrue(fit.signalSpearman().get("verified") < 0, fit.signalSpearman().toString());
    assertEquals(w.get("frequency") + w.get("helpfulness") + w.get("substance") + w.get("extremity")
        + w.get("verified"), fit.componentWeights().get("reviews"), 1e-12);

    // The adopted settings score with those weights: extremity now moves the score most.
    InfluenceSettings s = fit.settings();
    assertEquals(w.get("extremity"), s.reviews().extremity(), 1e-12);
    Dataset<Row> scored = new InfluenceScoring(s).apply(data[0]);
    assertEquals(2000, scored.count());

    // model_runs row: parameters are the weights, metrics the correlations and holdout comparison.
    assertTrue(fit.parametersJson().contains("\"signal_weights\":{\"frequency\":"), fit.parametersJson());
    String metrics = fit.metricsJson();
    for (String key : new String[] {"\"outcome\":\"helpful-votes\"", "\"signal_spearman\"", "\"component_spearman\"",
        "\"holdout_fitted\"", "\"holdout_hand_set\"", "\"fallback\":false", "\"note\""}) {
      assertTrue(metrics.contains(key), key + " in " + metrics);
    }
  }

  @Test
  void withoutAnOutcomeTheConfiguredWeightsAreKept(SparkSession spark) {
    Dataset<Row>[] data = underRatedExtremity(spark);
    InfluenceSettings configured = InfluenceFixtures.recommended();
    Dataset<Row> noVotes = data[1].limit(0);
    InfluenceTraining.Result fit = InfluenceTraining.fit(data[0],
        Map.of(InfluenceTraining.HELPFUL_VOTES, noVotes), configured, TRAINING, "influence-test");
    assertFalse(fit.fitted());
    assertSame(configured, fit.settings());
    assertEquals(InfluenceTraining.FALLBACK_VERSION, fit.version());
    assertTrue(fit.note().contains("helpful-votes: 0 customers with a positive outcome")
        && fit.note().contains("referred-customers: not provided"), fit.note());
    assertTrue(fit.metricsJson().contains("\"fallback\":true"), fit.metricsJson());

    InfluenceTraining.Settings off = new InfluenceTraining.Settings(false, TRAINING.outcomes(), 180, 0.3, 200, 30,
        0.0, 1.645, 100, 22);
    assertSame(configured, InfluenceTraining.fit(data[0], Map.of(InfluenceTraining.HELPFUL_VOTES, data[1]),
        configured, off, "v").settings());
  }

  @Test
  void badSettingsAndMissingColumnsAreNamed(SparkSession spark) {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () ->
        new InfluenceTraining.Settings(true, List.of("likes"), 180, 0.3, 200, 30, 0.0, 1.645, 100, 22));
    assertTrue(unknown.getMessage().contains("unknown outcome 'likes'"), unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () ->
        new InfluenceTraining.Settings(true, List.of(), 180, 1.0, 200, 30, 0.0, 1.645, 100, 22));
    Dataset<Row>[] data = underRatedExtremity(spark);
    Dataset<Row> badOutcome = data[1].withColumnRenamed(ScoreColumns.INFLUENCE_OUTCOME, "votes");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> InfluenceTraining.fit(
        data[0], Map.of(InfluenceTraining.HELPFUL_VOTES, badOutcome), InfluenceFixtures.recommended(), TRAINING, "v"));
    assertTrue(missing.getMessage().contains("'influence_outcome'"), missing.getMessage());
  }

  private static final StructType KEYED_REVIEWS = new StructType()
      .add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType, false)
      .add(Reviews.TS, DataTypes.TimestampType, false)
      .add(Reviews.RATING, DataTypes.IntegerType, false)
      .add(Reviews.TEXT, DataTypes.StringType, true)
      .add(Reviews.HELPFUL_VOTES, DataTypes.LongType, true)
      .add(Reviews.TOTAL_VOTES, DataTypes.LongType, true)
      .add(Reviews.VERIFIED_PURCHASE, DataTypes.BooleanType, true);

  /**
   * End to end as the score job would run it: generated reviews, features at the cut-off
   * (ReviewFeatures), the outcome from the reviews written after it, fit, save, load, score.
   * Authors have a hidden "craft": long texts and helpful votes, now and later.
   */
  @Test
  void endToEndFromReviewsWithSaveAndLoad(SparkSession spark, @TempDir Path dir) {
    LocalDate asOf = LocalDate.parse("2024-12-31");
    LocalDate cutoff = asOf.minusDays(TRAINING.windowDays());
    Random rnd = new Random(11);
    List<Row> rows = new ArrayList<>();
    for (long key = 1; key <= 600; key++) {
      double craft = rnd.nextDouble();
      int reviews = 1 + rnd.nextInt(6);
      for (int i = 0; i < reviews; i++) {
        LocalDate day = asOf.minusDays(rnd.nextInt(720));
        int votes = (int) Math.floor(8 * craft * craft * rnd.nextDouble() * 2);
        String text = "good ".repeat(1 + (int) (80 * craft * rnd.nextDouble()));
        rows.add(RowFactory.create(key, Timestamp.valueOf(day.atTime(12, 0)), 1 + rnd.nextInt(5), text,
            (long) votes, (long) votes + rnd.nextInt(3), rnd.nextBoolean()));
      }
    }
    Dataset<Row> keyedReviews = spark.createDataFrame(rows, KEYED_REVIEWS);
    CentraalSettings settings = TestSettings.withDataDir(dir, Map.of());
    Dataset<Row> atCutoff = ReviewFeatures.reviews(keyedReviews, cutoff, settings.features(), Sentiment::score, 1, 5);
    Dataset<Row> outcome = InfluenceTraining.helpfulVotesOfReviewsWritten(keyedReviews, cutoff, asOf);

    InfluenceTraining.Settings noGraph = new InfluenceTraining.Settings(true, List.of(InfluenceTraining.HELPFUL_VOTES),
        180, 0.3, 100, 30, 0.0, 1.645, 50, 22);
    InfluenceSettings configured = settings.influence();
    InfluenceTraining.Result fit = InfluenceTraining.fit(atCutoff, Map.of(InfluenceTraining.HELPFUL_VOTES, outcome),
        configured, noGraph, "influence-nnls-" + asOf + "-r1");
    assertTrue(fit.fitted(), fit.note());
    // Reach and referral columns are not in the review features: those signals are absent, weight 0.
    for (String absent : List.of("audience", "followers", "pagerank", "visitors", "customers", "value")) {
      assertEquals(0.0, fit.signalWeights().get(absent), 0.0, absent);
    }
    assertTrue(fit.signalWeights().get("helpfulness") + fit.signalWeights().get("substance") > 0.5,
        fit.signalWeights().toString());

    String models = dir.resolve("models/influence").toString();
    InfluenceWeightsStore.save(spark, models, fit.version(), fit.savedMetadata(cutoff, asOf, "r1"));
    InfluenceWeightsStore.Saved saved = InfluenceWeightsStore.load(spark, models, InfluenceWeightsStore.LATEST);
    assertEquals(fit.version(), saved.version());
    assertEquals(fit.signalWeights(), saved.weights());
    assertEquals(fit.settings(), saved.settings(configured));
    assertTrue(dir.resolve("models/influence/" + fit.version() + "/weights.json").toFile().isFile());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> InfluenceWeightsStore.load(spark, models, "influence-nope"));
    assertTrue(none.getMessage().contains("saved: " + fit.version()), none.getMessage());

    // Score the as-of features with the saved weights (the columns the job writes).
    Dataset<Row> atAsOf = ReviewFeatures.reviews(keyedReviews, asOf, settings.features(), Sentiment::score, 1, 5);
    Dataset<Row> scored = new InfluenceScoring(saved.settings(configured))
        .apply(InfluenceTraining.withMissingSignalsAbsent(atAsOf));
    Row range = scored.agg(org.apache.spark.sql.functions.min(ScoreColumns.INFLUENCE_SCORE),
        org.apache.spark.sql.functions.max(ScoreColumns.INFLUENCE_SCORE)).first();
    assertEquals(600, scored.count());
    assertTrue(range.getDouble(0) >= 0 && range.getDouble(1) <= 100 && range.getDouble(1) > 90, range.toString());
  }
}
