package io.centraal.scoring.model.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.testing.Frames;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.testing.SparkExtension;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class InfluenceScoringTest {
  private static final double EPS = 1e-9;

  private static double d(Row r, String c) {
    return r.getDouble(r.fieldIndex(c));
  }

  private static String s(Row r, String c) {
    return r.getString(r.fieldIndex(c));
  }

  @Test
  void percentileComponentsScoreAndTier(SparkSession spark) {
    Dataset<Row> out = new InfluenceScoring(InfluenceFixtures.recommended())
        .apply(InfluenceFixtures.fiveCustomers(spark));
    assertEquals(InfluenceFixtures.FEATURES.size() + 6, out.schema().size());
    assertEquals(DataTypes.DoubleType, out.schema().apply(ScoreColumns.INFLUENCE_SCORE).dataType());
    Map<Long, Row> rows = Frames.byKey(out);

    // Over 5 customers percent_rank is (rank - 1) / 4; inactive customers tie at the bottom.
    Row none = rows.get(1L);
    for (String c : new String[] {ScoreColumns.INF_REVIEWS, ScoreColumns.INF_REACH,
        ScoreColumns.INF_REFERRALS, ScoreColumns.INF_ADVOCACY, ScoreColumns.INFLUENCE_SCORE}) {
      assertEquals(0.0, d(none, c), EPS, c);
    }
    assertEquals(InfluenceScoring.TIER_LOW, s(none, ScoreColumns.INFLUENCE_TIER));

    Row light = rows.get(2L);
    assertEquals(0.75, d(light, ScoreColumns.INF_REVIEWS), EPS);   // every signal second best
    assertEquals(0.0, d(light, ScoreColumns.INF_REACH), EPS);
    assertEquals(0.75, d(light, ScoreColumns.INF_ADVOCACY), EPS);
    assertEquals(100 * (0.35 * 0.75 + 0.15 * 0.75), d(light, ScoreColumns.INFLUENCE_SCORE), EPS);

    Row star = rows.get(3L);
    // Best on all review signals except verified_share, tied with customer 2 (shared rank 0.75).
    assertEquals(0.30 + 0.25 + 0.15 + 0.10 + 0.20 * 0.75, d(star, ScoreColumns.INF_REVIEWS), EPS);
    assertEquals(1.0, d(star, ScoreColumns.INF_REACH), EPS);
    assertEquals(1.0, d(star, ScoreColumns.INF_REFERRALS), EPS);
    assertEquals(100 * (0.35 * 0.95 + 0.25 + 0.25 + 0.15), d(star, ScoreColumns.INFLUENCE_SCORE), EPS);
    assertEquals(InfluenceScoring.TIER_HIGH, s(star, ScoreColumns.INFLUENCE_TIER));

    assertEquals(0.75, d(rows.get(4L), ScoreColumns.INF_REACH), EPS);
    // In the follow graph but nobody follows customer 5: the PageRank floor is no influence.
    assertEquals(0.0, d(rows.get(5L), ScoreColumns.INF_REACH), EPS);
  }

  @Test
  void tierCutOffsComeFromSettings(SparkSession spark) {
    InfluenceSettings r = InfluenceFixtures.recommended();
    InfluenceSettings lowBar = new InfluenceSettings(r.components(), r.reviews(), r.reach(), r.referrals(),
        r.helpfulnessZ(), 90.0, 30.0);
    Map<Long, Row> rows = Frames.byKey(new InfluenceScoring(lowBar).apply(InfluenceFixtures.fiveCustomers(spark)));
    assertEquals(InfluenceScoring.TIER_MEDIUM, s(rows.get(2L), ScoreColumns.INFLUENCE_TIER)); // 37.5
    assertEquals(InfluenceScoring.TIER_HIGH, s(rows.get(3L), ScoreColumns.INFLUENCE_TIER));   // 98.25
  }

  @Test
  void missingColumnIsNamedUnlessItsWeightIsZero(SparkSession spark) {
    Dataset<Row> noPagerank = InfluenceFixtures.fiveCustomers(spark).drop(ScoreColumns.FOLLOWER_PAGERANK);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new InfluenceScoring(InfluenceFixtures.recommended()).apply(noPagerank));
    assertTrue(e.getMessage().contains("'follower_pagerank'") && e.getMessage().contains("missing"),
        e.getMessage());

    InfluenceSettings r = InfluenceFixtures.recommended();
    InfluenceSettings noGraph = new InfluenceSettings(r.components(), r.reviews(),
        new InfluenceSettings.ReachWeights(0.5, 0.5, 0.0), r.referrals(), r.helpfulnessZ(), 80, 50);
    Map<Long, Row> rows = Frames.byKey(new InfluenceScoring(noGraph).apply(noPagerank));
    assertEquals(0.75, d(rows.get(4L), ScoreColumns.INF_REACH), EPS);
  }

  @Test
  void wrongTypeCollisionAndBadWeightsAreRejected(SparkSession spark) {
    Dataset<Row> base = InfluenceFixtures.fiveCustomers(spark);
    InfluenceScoring scoring = new InfluenceScoring(InfluenceFixtures.recommended());
    Dataset<Row> textFollowers = base.withColumn(FeatureColumns.FOLLOWERS,
        base.col(FeatureColumns.FOLLOWERS).cast("string"));
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> scoring.apply(textFollowers));
    assertTrue(type.getMessage().contains("'followers' has type string"), type.getMessage());

    Dataset<Row> colliding = base.withColumn(ScoreColumns.INFLUENCE_SCORE, base.col(FeatureColumns.CUSTOMER_KEY));
    IllegalArgumentException clash = assertThrows(IllegalArgumentException.class, () -> scoring.apply(colliding));
    assertTrue(clash.getMessage().contains("'influence_score' is already present"), clash.getMessage());

    assertThrows(IllegalArgumentException.class, () -> new InfluenceSettings.ReachWeights(0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new InfluenceSettings.ReferralWeights(1, -1, 1));
    InfluenceSettings r = InfluenceFixtures.recommended();
    assertThrows(IllegalArgumentException.class, () -> new InfluenceSettings(r.components(), r.reviews(),
        r.reach(), r.referrals(), 1.96, 40, 60));
  }

  /**
   * No customer has vote counts or text (as in FilmTrust): helpfulness and substance are absent, so
   * they drop out of the reviews component and its weights are renormalised over the present
   * signals, instead of every customer sharing a 0 on them. A source nobody has (no reach at all)
   * drops out of the score the same way.
   */
  @Test
  void absentSignalsDropOutAndTheWeightsAreRenormalised(SparkSession spark) {
    Dataset<Row> base = InfluenceFixtures.fiveCustomers(spark);
    Dataset<Row> noVotesNoText = base
        .withColumn(FeatureColumns.HELPFUL_VOTES, org.apache.spark.sql.functions.lit(null).cast("long"))
        .withColumn(FeatureColumns.TOTAL_VOTES, org.apache.spark.sql.functions.lit(null).cast("long"))
        .withColumn(FeatureColumns.AVG_REVIEW_LENGTH, org.apache.spark.sql.functions.lit(0.0));
    Map<Long, Row> rows = Frames.byKey(new InfluenceScoring(InfluenceFixtures.recommended()).apply(noVotesNoText));
    // Review weights 0.30 frequency, 0.25 helpfulness, 0.15 substance, 0.10 extremity, 0.20 verified:
    // without helpfulness and substance the star's (best on frequency and extremity, tied 0.75 on
    // verified) reviews component is (0.30 + 0.10 + 0.20 * 0.75) / 0.60.
    assertEquals((0.30 + 0.10 + 0.20 * 0.75) / 0.60, d(rows.get(3L), ScoreColumns.INF_REVIEWS), EPS);
    assertEquals(0.75, d(rows.get(2L), ScoreColumns.INF_REVIEWS), EPS);

    Dataset<Row> noReach = base
        .withColumn(FeatureColumns.AUDIENCE_SIZE, org.apache.spark.sql.functions.lit(null).cast("long"))
        .withColumn(FeatureColumns.FOLLOWERS, org.apache.spark.sql.functions.lit(null).cast("long"))
        .withColumn(ScoreColumns.FOLLOWER_PAGERANK, org.apache.spark.sql.functions.lit(null).cast("double"));
    Map<Long, Row> noReachRows = Frames.byKey(new InfluenceScoring(InfluenceFixtures.recommended()).apply(noReach));
    // Components 0.35 reviews, 0.25 reach (absent), 0.25 referrals, 0.15 advocacy: light reviewer 2
    // scores 100 (0.35 x 0.75 + 0.15 x 0.75) / 0.75, not / 1.
    assertEquals(0.0, d(noReachRows.get(2L), ScoreColumns.INF_REACH), EPS);
    assertEquals(100 * (0.35 * 0.75 + 0.15 * 0.75) / 0.75, d(noReachRows.get(2L), ScoreColumns.INFLUENCE_SCORE), EPS);
    assertEquals(0.0, d(noReachRows.get(1L), ScoreColumns.INFLUENCE_SCORE), EPS);
  }
}
