package io.centraal.scoring.testing;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** What a piece of code left cached: the session's persistent RDDs before it, and those added since. */
public final class CachedRdds {
  private CachedRdds() {}

  /** The ids of the RDDs persisted now. */
  public static Set<Integer> now(SparkSession spark) {
    return Set.copyOf(JavaSparkContext.fromSparkContext(spark.sparkContext()).getPersistentRDDs().keySet());
  }

  /** The RDDs persisted now that were not in {@code before}, by id, with their descriptions. */
  public static Map<Integer, String> addedSince(SparkSession spark, Set<Integer> before) {
    Map<Integer, String> added = new TreeMap<>();
    JavaSparkContext.fromSparkContext(spark.sparkContext()).getPersistentRDDs().forEach((id, rdd) -> {
      if (!before.contains(id)) {
        added.put(id, rdd.rdd().toString());
      }
    });
    return added;
  }
}
