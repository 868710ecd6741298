package io.centraal.scoring.model.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.testing.SparkExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ground truth: a seeded synthetic population of 2,000 customers with 20 planted influencers
 * (many helpful, long, positive reviews; a large audience; many followers, including each other;
 * many referrals; low spend) and 20 big spenders without influence. The whole chain — PageRank,
 * influence scoring, advocacy, value quadrant — must find the influencers and not the spenders.
 */
@ExtendWith(SparkExtension.class)
class InfluenceGroundTruthTest {
  private static final int N = 2000;
  private static final int PLANTED = 20;
  private static final long SEED = 20240531L;

  record Population(Dataset<Row> features, Dataset<Row> follows, Set<Long> influencers, Set<Long> spenders) {}

  static Population population(SparkSession spark) {
    Random rnd = new Random(SEED);
    Set<Long> influencers = new HashSet<>();
    Set<Long> spenders = new HashSet<>();
    List<Long> keys = new ArrayList<>();
    for (long k = 1; k <= N; k++) {
      keys.add(k);
    }
    java.util.Collections.shuffle(keys, rnd);
    influencers.addAll(keys.subList(0, PLANTED));
    spenders.addAll(keys.subList(PLANTED, 2 * PLANTED));

    // Follow edges: everyone follows ~2 random customers; each influencer is followed by ~150
    // random customers and by every other influencer.
    List<Row> edges = new ArrayList<>();
    Map<Long, Integer> followers = new HashMap<>();
    Set<Long> seen = new HashSet<>();
    java.util.function.BiConsumer<Long, Long> follow = (a, b) -> {
      if (!a.equals(b) && seen.add(a * 1_000_003L + b)) {
        edges.add(RowFactory.create(a, b));
        followers.merge(b, 1, Integer::sum);
      }
    };
    for (long a = 1; a <= N; a++) {
      int n = rnd.nextInt(5); // 0..4, mean 2
      for (int i = 0; i < n; i++) {
        follow.accept(a, 1L + rnd.nextInt(N));
      }
    }
    for (long inf : influencers) {
      int n = 100 + rnd.nextInt(100);
      for (int i = 0; i < n; i++) {
        follow.accept(1L + rnd.nextInt(N), inf);
      }
      for (long other : influencers) {
        follow.accept(other, inf);
      }
    }

    StructType schema = InfluenceFixtures.FEATURES
        .add(ScoreColumns.clv("12m"), DataTypes.DoubleType, true)
        .add(ScoreColumns.CHURN_RISK, DataTypes.DoubleType, true);
    List<Row> rows = new ArrayList<>();
    for (long k = 1; k <= N; k++) {
      InfluenceFixtures.Customer c = new InfluenceFixtures.Customer(k);
      double clv;
      if (influencers.contains(k)) {
        long reviews = 30 + rnd.nextInt(30);
        long votes = 100 + rnd.nextInt(200);
        c.set(FeatureColumns.REVIEW_COUNT, reviews)
            .set(FeatureColumns.REVIEW_COUNT_DECAYED, reviews * (0.6 + 0.3 * rnd.nextDouble()))
            .set(FeatureColumns.TOTAL_VOTES, votes)
            .set(FeatureColumns.HELPFUL_VOTES, (long) (votes * (0.85 + 0.1 * rnd.nextDouble())))
            .set(FeatureColumns.AVG_REVIEW_LENGTH, 400 + 500 * rnd.nextDouble())
            .set(FeatureColumns.AVG_SENTIMENT, 0.6 + 0.3 * rnd.nextDouble())
            .set(FeatureColumns.AVG_RATING, 4.6 + 0.4 * rnd.nextDouble())
            .set(FeatureColumns.RATING_EXTREMITY, 0.8 + 0.2 * rnd.nextDouble())
            .set(FeatureColumns.VERIFIED_SHARE, 0.8 + 0.2 * rnd.nextDouble())
            .set(FeatureColumns.PROMOTER_REVIEWS, (long) (reviews * 0.8))
            .set(FeatureColumns.DETRACTOR_REVIEWS, 1L)
            .set(FeatureColumns.AUDIENCE_SIZE, 5_000L + rnd.nextInt(45_000))
            .set(FeatureColumns.REFERRED_VISITORS, 50L + rnd.nextInt(150))
            .set(FeatureColumns.REFERRED_CUSTOMERS, 10L + rnd.nextInt(20))
            .set(FeatureColumns.REFERRAL_VALUE, 1_000 + 4_000 * rnd.nextDouble());
        clv = 20 + 80 * rnd.nextDouble(); // buys little
      } else if (spenders.contains(k)) {
        clv = 20_000 + 30_000 * rnd.nextDouble(); // no reviews, no audience, no referrals
      } else {
        if (rnd.nextDouble() < 0.35) { // ordinary reviewers
          long reviews = 1 + rnd.nextInt(5);
          long votes = rnd.nextInt(11);
          double rating = 1 + 4 * rnd.nextDouble();
          c.set(FeatureColumns.REVIEW_COUNT, reviews)
              .set(FeatureColumns.REVIEW_COUNT_DECAYED, reviews * (0.2 + 0.8 * rnd.nextDouble()))
              .set(FeatureColumns.TOTAL_VOTES, votes)
              .set(FeatureColumns.HELPFUL_VOTES, (long) rnd.nextInt((int) votes + 1))
              .set(FeatureColumns.AVG_REVIEW_LENGTH, 20 + 280 * rnd.nextDouble())
              .set(FeatureColumns.AVG_SENTIMENT, 0.6 * (2 * rnd.nextDouble() - 1))
              .set(FeatureColumns.AVG_RATING, rating)
              .set(FeatureColumns.RATING_EXTREMITY, Math.abs(rating - 3) / 2)
              .set(FeatureColumns.VERIFIED_SHARE, rnd.nextDouble())
              .set(FeatureColumns.PROMOTER_REVIEWS, rating >= 4.5 ? reviews : 0L)
              .set(FeatureColumns.DETRACTOR_REVIEWS, rating < 3.5 ? reviews : 0L);
        }
        if (rnd.nextDouble() < 0.10) {
          c.set(FeatureColumns.AUDIENCE_SIZE, 10L + rnd.nextInt(2_000));
        }
        if (rnd.nextDouble() < 0.08) {
          c.set(FeatureColumns.REFERRED_VISITORS, 1L + rnd.nextInt(10))
              .set(FeatureColumns.REFERRED_CUSTOMERS, (long) rnd.nextInt(3))
              .set(FeatureColumns.REFERRAL_VALUE, 200 * rnd.nextDouble());
        }
        clv = Math.exp(5 + rnd.nextGaussian());
      }
      c.set(FeatureColumns.FOLLOWERS, (long) followers.getOrDefault(k, 0));
      Object[] base = c.values();
      Object[] full = java.util.Arrays.copyOf(base, base.length + 2);
      full[base.length] = clv;
      full[base.length + 1] = rnd.nextDouble();
      rows.add(RowFactory.create(full));
    }
    return new Population(spark.createDataFrame(rows, schema).drop(ScoreColumns.FOLLOWER_PAGERANK),
        spark.createDataFrame(edges, InfluenceFixtures.FOLLOWS), influencers, spenders);
  }

  @Test
  void plantedInfluencersAreFoundAndBigSpendersAreNot(SparkSession spark) {
    Population p = population(spark);

    // The whole chain, as the score job wires it (5 PageRank iterations to keep the test fast;
    // the ranking of this graph is settled by then).
    Dataset<Row> ranks = FollowGraph.pageRank(p.follows(), 0.15, 5);
    Dataset<Row> features = p.features().join(ranks, FeatureColumns.CUSTOMER_KEY, "left");
    Dataset<Row> influence = new InfluenceScoring(InfluenceFixtures.recommended()).apply(features);
    Dataset<Row> advocacy = new AdvocacyScoring(InfluenceFixtures.fiveStar()).apply(influence);
    Dataset<Row> scored = new ValueQuadrantScoring(InfluenceFixtures.quadrant()).apply(advocacy)
        .select(FeatureColumns.CUSTOMER_KEY, ScoreColumns.INFLUENCE_SCORE, ScoreColumns.INFLUENCE_TIER,
            ScoreColumns.VALUE_QUADRANT, ScoreColumns.CLV_TIER)
        .cache();

    List<Row> ranked = scored.orderBy(functions.col(ScoreColumns.INFLUENCE_SCORE).desc(),
        functions.col(FeatureColumns.CUSTOMER_KEY).asc()).collectAsList();
    assertEquals(N, ranked.size());
    int decile = N / 10;
    Set<Long> topK = new HashSet<>();
    Set<Long> topDecile = new HashSet<>();
    Map<Long, String> quadrant = new HashMap<>();
    for (int i = 0; i < ranked.size(); i++) {
      Row r = ranked.get(i);
      long key = r.getLong(0);
      if (i < PLANTED) {
        topK.add(key);
      }
      if (i < decile) {
        topDecile.add(key);
      }
      quadrant.put(key, r.getString(3));
    }
    long hitsAtK = topK.stream().filter(p.influencers()::contains).count();
    double precisionAtK = (double) hitsAtK / PLANTED;
    long influencersInDecile = p.influencers().stream().filter(topDecile::contains).count();
    long spendersInDecile = p.spenders().stream().filter(topDecile::contains).count();
    long hidden = p.influencers().stream().filter(k -> ValueQuadrantScoring.HIDDEN_INFLUENCER.equals(quadrant.get(k))).count();
    long spenderQuadrant = p.spenders().stream().filter(k -> ValueQuadrantScoring.SPENDER.equals(quadrant.get(k))).count();
    System.out.printf(Locale.ROOT,
        "influence ground truth: precision@%d = %.3f; planted in top decile %d/%d; big spenders in top"
            + " decile %d/%d; planted in 'Hidden influencer' %d/%d; spenders in 'Spender' %d/%d;"
            + " lowest planted score %.2f, highest spender score %.2f%n",
        PLANTED, precisionAtK, influencersInDecile, PLANTED, spendersInDecile, PLANTED, hidden, PLANTED,
        spenderQuadrant, PLANTED,
        ranked.stream().filter(r -> p.influencers().contains(r.getLong(0))).mapToDouble(r -> r.getDouble(1)).min().orElseThrow(),
        ranked.stream().filter(r -> p.spenders().contains(r.getLong(0))).mapToDouble(r -> r.getDouble(1)).max().orElseThrow());

    assertTrue(precisionAtK >= 0.9, "precision@20 = " + precisionAtK);
    assertEquals(PLANTED, influencersInDecile, "planted influencers outside the top decile");
    assertEquals(0, spendersInDecile, "big spenders in the influence top decile");
    assertEquals(PLANTED, hidden, "planted influencers not in the Hidden influencer quadrant");
    assertEquals(PLANTED, spenderQuadrant, "big spenders not in the Spender quadrant");

    List<Long> hiddenTop = ValueQuadrantScoring.topHiddenInfluencers(scored, PLANTED).collectAsList().stream()
        .map(r -> r.getLong(0)).toList();
    assertTrue(hiddenTop.stream().filter(p.influencers()::contains).count() >= 18, hiddenTop.toString());
    scored.unpersist();
    ranks.unpersist();
  }
}
