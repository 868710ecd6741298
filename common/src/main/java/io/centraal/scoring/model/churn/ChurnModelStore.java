package io.centraal.scoring.model.churn;

import io.centraal.scoring.io.SavedVersions;
import io.centraal.scoring.run.ScoringException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;

/**
 * Versioned churn models on any Hadoop file system (local, HDFS, S3, ABFS):
 * {@code <models-dir>/<version>/pipeline} is the fitted {@link PipelineModel} in MLlib's own
 * persistence format, {@code <models-dir>/<version>/metadata.json} says what it is (version,
 * trained_at, cut-off, as-of date, window, features and holdout metrics). A version is written
 * once: metadata.json is written last, so a directory without it is an incomplete save and is
 * ignored by {@code latest}.
 */
public final class ChurnModelStore {
  public static final String LATEST = SavedVersions.LATEST;
  static final String PIPELINE = "pipeline";
  static final String METADATA = "metadata.json";

  private ChurnModelStore() {}

  /** A saved model and its metadata. */
  public record Saved(String version, PipelineModel model, Map<String, Object> metadata) {}

  /** Saves a model under {@code dir/version}; metadata must contain "trained_at" (ISO instant). */
  public static void save(SparkSession spark, String dir, String version, PipelineModel model,
                          Map<String, Object> metadata) {
    SavedVersions store = store(dir);
    if (!metadata.containsKey("trained_at")) {
      throw new IllegalArgumentException("churn model metadata needs trained_at");
    }
    try {
      model.write().overwrite().save(new Path(store.folder(version), PIPELINE).toString());
    } catch (java.io.IOException e) {
      throw new ScoringException("cannot save churn model " + version + " under " + dir + ": " + e.getMessage(), e);
    }
    store.writeMetadata(spark, version, metadata); // last: only a complete save counts
  }

  /** The versions saved under {@code dir} (complete saves only), oldest first by trained_at. */
  public static List<String> versions(SparkSession spark, String dir) {
    return store(dir).versions(spark);
  }

  /**
   * Loads {@code version}, or the most recently trained model for {@value #LATEST}.
   *
   * @throws IllegalArgumentException naming the directory and the versions there when there is none
   */
  public static Saved load(SparkSession spark, String dir, String version) {
    SavedVersions store = store(dir);
    String chosen = store.resolve(spark, version);
    Map<String, Object> metadata = store.readMetadata(spark, chosen);
    return new Saved(chosen, PipelineModel.load(new Path(store.folder(chosen), PIPELINE).toString()), metadata);
  }

  private static SavedVersions store(String dir) {
    return new SavedVersions(dir, METADATA, "churn model");
  }

  /** Features list from metadata, in order. */
  @SuppressWarnings("unchecked")
  public static List<String> features(Map<String, Object> metadata) {
    Object f = metadata.get("features");
    return f instanceof List<?> l ? (List<String>) l : List.of();
  }
}
