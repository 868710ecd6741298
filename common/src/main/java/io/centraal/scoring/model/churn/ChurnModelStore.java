package io.centraal.scoring.model.churn;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.run.ScoringException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
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
  public static final String LATEST = "latest";
  static final String PIPELINE = "pipeline";
  static final String METADATA = "metadata.json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ChurnModelStore() {}

  /** A saved model and its metadata. */
  public record Saved(String version, PipelineModel model, Map<String, Object> metadata) {}

  /** Saves a model under {@code dir/version}; metadata must contain "trained_at" (ISO instant). */
  public static void save(SparkSession spark, String dir, String version, PipelineModel model,
                          Map<String, Object> metadata) {
    if (!metadata.containsKey("trained_at")) {
      throw new IllegalArgumentException("churn model metadata needs trained_at");
    }
    Path root = new Path(dir, version);
    try {
      model.write().overwrite().save(new Path(root, PIPELINE).toString());
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(new Path(root, METADATA), true)) {
        out.write(Json.write(metadata).getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new ScoringException("cannot save churn model " + version + " under " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The versions saved under {@code dir} (complete saves only), oldest first by trained_at. */
  public static List<String> versions(SparkSession spark, String dir) {
    Path root = new Path(dir);
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        return List.of();
      }
      List<Map.Entry<String, String>> found = new ArrayList<>();
      for (FileStatus st : fs.listStatus(root)) {
        Path meta = new Path(st.getPath(), METADATA);
        if (st.isDirectory() && fs.exists(meta)) {
          found.add(Map.entry(st.getPath().getName(), String.valueOf(readMetadata(fs, meta).get("trained_at"))));
        }
      }
      found.sort(Map.Entry.<String, String>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
      return found.stream().map(Map.Entry::getKey).toList();
    } catch (IOException e) {
      throw new ScoringException("cannot list churn models under " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads {@code version}, or the most recently trained model for {@value #LATEST}.
   *
   * @throws IllegalArgumentException naming the directory and the versions there when there is none
   */
  public static Saved load(SparkSession spark, String dir, String version) {
    List<String> versions = versions(spark, dir);
    String chosen = LATEST.equals(version)
        ? versions.stream().reduce((a, b) -> b).orElse(null)
        : versions.contains(version) ? version : null;
    if (chosen == null) {
      throw new IllegalArgumentException(String.format("no saved churn model %s under %s (saved: %s)",
          version, dir, versions.isEmpty() ? "none" : String.join(", ", versions)));
    }
    Path root = new Path(dir, chosen);
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Map<String, Object> metadata = readMetadata(fs, new Path(root, METADATA));
      return new Saved(chosen, PipelineModel.load(new Path(root, PIPELINE).toString()), metadata);
    } catch (IOException e) {
      throw new ScoringException("cannot load churn model " + chosen + " from " + dir + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> readMetadata(FileSystem fs, Path meta) throws IOException {
    try (InputStream in = fs.open(meta)) {
      return MAPPER.readValue(in, new TypeReference<Map<String, Object>>() {});
    }
  }

  /** Features list from metadata, in order. */
  @SuppressWarnings("unchecked")
  public static List<String> features(Map<String, Object> metadata) {
    Object f = metadata.get("features");
    return f instanceof List<?> l ? (List<String>) l : List.of();
  }
}
