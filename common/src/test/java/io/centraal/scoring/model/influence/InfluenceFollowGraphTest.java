package io.centraal.scoring.model.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.testing.CachedRdds;
import io.centraal.scoring.testing.SparkExtension;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
/** FollowGraph tests; named Influence* so the influence test filter picks them up. */
class InfluenceFollowGraphTest {
  private static Row edge(long follower, long followed) {
    return RowFactory.create(follower, followed);
  }

  @Test
  void followersWhoAreFollowedCountMore(SparkSession spark) {
    // 1, 2, 3 follow 4; 4 follows 5. 8 and 9 (followed by nobody) follow 7.
    // Duplicate edge 1->4 and self-follow 6->6 must not change anything.
    Dataset<Row> follows = spark.createDataFrame(List.of(
        edge(1, 4), edge(2, 4), edge(3, 4), edge(4, 5), edge(8, 7), edge(9, 7),
        edge(1, 4), edge(6, 6)), InfluenceFixtures.FOLLOWS);
    Dataset<Row> ranks = FollowGraph.pageRank(follows, 0.15, 10);

    assertEquals(FollowGraph.PAGERANK_SCHEMA.fieldNames().length, ranks.schema().size());
    Map<Long, Double> pr = new HashMap<>();
    for (Row r : ranks.collectAsList()) {
      pr.put(r.getLong(r.fieldIndex(ScoreColumns.CUSTOMER_KEY)),
          r.getDouble(r.fieldIndex(ScoreColumns.FOLLOWER_PAGERANK)));
    }
    assertEquals(8, pr.size(), "self-follow-only customer 6 is not in the graph: " + pr);
    assertEquals(1.0, pr.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow(), 1e-9);
    // One follower who is followed by three beats two followers nobody follows.
    assertTrue(pr.get(5L) > pr.get(7L), pr.toString());
    assertTrue(pr.get(4L) > pr.get(7L), pr.toString());
    // Customers nobody follows share the teleport floor.
    assertEquals(pr.get(1L), pr.get(8L), 1e-9);
    assertTrue(pr.get(1L) < 1.0);
    ranks.unpersist();
  }

  @Test
  void unpersistingTheRanksLeavesNothingCached(SparkSession spark) {
    java.util.Set<Integer> before = CachedRdds.now(spark);
    Dataset<Row> follows = spark.createDataFrame(List.of(
        edge(1, 4), edge(2, 4), edge(3, 4), edge(4, 5), edge(8, 7), edge(9, 7)), InfluenceFixtures.FOLLOWS);
    Dataset<Row> ranks = FollowGraph.pageRank(follows, 0.15, 5);
    assertEquals(8, ranks.count());
    ranks.unpersist(true);
    Map<Integer, String> left = CachedRdds.addedSince(spark, before);
    // The ranks are the caller's to release, and GraphX's graphs are released before they return:
    // at a million customers they hold the follow edges several times over.
    assertEquals(Map.of(), left, "still cached after the ranks were unpersisted");
  }

  @Test
  void noEdgesRankNobody(SparkSession spark) {
    // Only self-follows: no edge is left, and no customer is ranked (the run goes on without reach).
    Dataset<Row> follows = spark.createDataFrame(List.of(edge(6, 6), edge(7, 7)), InfluenceFixtures.FOLLOWS);
    Dataset<Row> ranks = FollowGraph.pageRank(follows, 0.15, 5);
    assertEquals(0, ranks.count());
    ranks.unpersist();
  }

  @Test
  void missingColumnAndBadParameters(SparkSession spark) {
    Dataset<Row> follows = spark.createDataFrame(List.of(edge(1, 2)), InfluenceFixtures.FOLLOWS);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FollowGraph.pageRank(follows.drop(FeatureColumns.FOLLOWED_KEY), 0.15, 10));
    assertTrue(e.getMessage().contains("'followed_key'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> FollowGraph.pageRank(follows, 1.0, 10));
    assertThrows(IllegalArgumentException.class, () -> FollowGraph.pageRank(follows, 0.15, 0));
  }
}
