package io.centraal.scoring.model.influence;

import io.centraal.scoring.io.SavedVersions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Versioned fitted influence weights on any Hadoop file system, next to the churn models:
 * {@code <data-dir>/models/influence/<version>/weights.json} holds version, trained_at, the
 * cut-off and as-of date, {@value #WEIGHTS} (signal name -> weight) and the training metrics
 * ({@link InfluenceTraining.Result#savedMetadata}). A JSON file, not an MLlib model: the weights
 * are a dozen numbers a reviewer should be able to read. {@code latest} is the most recent
 * {@code trained_at}.
 */
public final class InfluenceWeightsStore {
  public static final String LATEST = SavedVersions.LATEST;
  public static final String WEIGHTS = "weights";
  static final String FILE = "weights.json";

  private InfluenceWeightsStore() {}

  /** Saved weights and everything else in the file. */
  public record Saved(String version, Map<String, Double> weights, Map<String, Object> metadata) {
    /** Scoring settings with these weights and the configured tiers / Wilson z. */
    public InfluenceSettings settings(InfluenceSettings configured) {
      return InfluenceTraining.withWeights(configured, weights);
    }
  }

  /** Writes {@code dir/version/weights.json}; metadata needs "trained_at" and {@value #WEIGHTS}. */
  public static void save(SparkSession spark, String dir, String version, Map<String, Object> metadata) {
    if (!metadata.containsKey("trained_at") || !(metadata.get(WEIGHTS) instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("influence weights metadata needs trained_at and " + WEIGHTS);
    }
    store(dir).writeMetadata(spark, version, metadata);
  }

  /** Saved versions under {@code dir}, oldest first by trained_at. */
  public static List<String> versions(SparkSession spark, String dir) {
    return store(dir).versions(spark);
  }

  /**
   * Loads {@code version}, or the most recently trained for {@value #LATEST}.
   *
   * @throws IllegalArgumentException naming the directory and the saved versions when there is none
   */
  public static Saved load(SparkSession spark, String dir, String version) {
    SavedVersions store = store(dir);
    String chosen = store.resolve(spark, version);
    Map<String, Object> metadata = store.readMetadata(spark, chosen);
    Map<String, Double> weights = new LinkedHashMap<>();
    ((Map<?, ?>) metadata.get(WEIGHTS)).forEach((k, v) ->
        weights.put(String.valueOf(k), v == null ? 0.0 : ((Number) v).doubleValue()));
    return new Saved(chosen, weights, metadata);
  }

  private static SavedVersions store(String dir) {
    return new SavedVersions(dir, FILE, "influence weights");
  }
}
