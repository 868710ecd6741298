package io.centraal.scoring.model.influence;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.centraal.scoring.io.Json;
import io.centraal.scoring.run.ScoringException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
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
  public static final String LATEST = "latest";
  public static final String WEIGHTS = "weights";
  static final String FILE = "weights.json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

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
    Path file = new Path(new Path(dir, version), FILE);
    try {
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(file, true)) {
        out.write(Json.write(metadata).getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new ScoringException("cannot save influence weights " + version + " under " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Saved versions under {@code dir}, oldest first by trained_at. */
  public static List<String> versions(SparkSession spark, String dir) {
    Path root = new Path(dir);
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        return List.of();
      }
      List<Map.Entry<String, String>> found = new ArrayList<>();
      for (FileStatus st : fs.listStatus(root)) {
        Path file = new Path(st.getPath(), FILE);
        if (st.isDirectory() && fs.exists(file)) {
          found.add(Map.entry(st.getPath().getName(), String.valueOf(read(fs, file).get("trained_at"))));
        }
      }
      found.sort(Map.Entry.<String, String>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
      return found.stream().map(Map.Entry::getKey).toList();
    } catch (IOException e) {
      throw new ScoringException("cannot list influence weights under " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads {@code version}, or the most recently trained for {@value #LATEST}.
   *
   * @throws IllegalArgumentException naming the directory and the saved versions when there is none
   */
  public static Saved load(SparkSession spark, String dir, String version) {
    List<String> versions = versions(spark, dir);
    String chosen = LATEST.equals(version)
        ? versions.stream().reduce((a, b) -> b).orElse(null)
        : versions.contains(version) ? version : null;
    if (chosen == null) {
      throw new IllegalArgumentException(String.format("no saved influence weights %s under %s (saved: %s)",
          version, dir, versions.isEmpty() ? "none" : String.join(", ", versions)));
    }
    Path file = new Path(new Path(dir, chosen), FILE);
    try {
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Map<String, Object> metadata = read(fs, file);
      Map<String, Double> weights = new LinkedHashMap<>();
      ((Map<?, ?>) metadata.get(WEIGHTS)).forEach((k, v) ->
          weights.put(String.valueOf(k), v == null ? 0.0 : ((Number) v).doubleValue()));
      return new Saved(chosen, weights, metadata);
    } catch (IOException e) {
      throw new ScoringException("cannot load influence weights " + chosen + " from " + dir + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return MAPPER.readValue(in, new TypeReference<Map<String, Object>>() {});
    }
  }
}
