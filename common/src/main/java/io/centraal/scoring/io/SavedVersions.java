package io.centraal.scoring.io;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.apache.spark.sql.SparkSession;

/**
 * A directory of saved model versions, {@code dir/<version>/<metadata file>}, as the churn models
 * and the influence weights keep them: the JSON metadata file is written last, so a version counts
 * as saved only once it exists, and versions are ordered by their {@code trained_at}. Paths go
 * through Hadoop's file system, so the directory can live on an object store.
 */
public final class SavedVersions {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** "Latest": the most recently trained version. */
  public static final String LATEST = "latest";

  private final String dir;
  private final String metadataFile;
  private final String what;

  /**
   * @param dir the directory holding one folder per version
   * @param metadataFile the JSON file that completes a version, e.g. {@code metadata.json}
   * @param what what is saved, for messages (e.g. "churn model")
   */
  public SavedVersions(String dir, String metadataFile, String what) {
    this.dir = dir;
    this.metadataFile = metadataFile;
    this.what = what;
  }

  /** The folder of {@code version}. */
  public Path folder(String version) {
    return new Path(dir, version);
  }

  /** Writes the metadata of {@code version} (last, after whatever else the version holds); needs trained_at. */
  public void writeMetadata(SparkSession spark, String version, Map<String, Object> metadata) {
    if (!metadata.containsKey("trained_at")) {
      throw new IllegalArgumentException(what + " metadata needs trained_at");
    }
    Path file = new Path(folder(version), metadataFile);
    try {
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(file, true)) {
        out.write(Json.write(metadata).getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new ScoringException("cannot save " + what + " " + version + " under " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The metadata of a saved {@code version}. */
  public Map<String, Object> readMetadata(SparkSession spark, String version) {
    Path file = new Path(folder(version), metadataFile);
    try {
      return read(file.getFileSystem(spark.sparkContext().hadoopConfiguration()), file);
    } catch (IOException e) {
      throw new ScoringException("cannot load " + what + " " + version + " from " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The saved versions (complete saves only), oldest first by trained_at. */
  public List<String> versions(SparkSession spark) {
    Path root = new Path(dir);
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        return List.of();
      }
      List<Map.Entry<String, String>> found = new ArrayList<>();
      for (FileStatus st : fs.listStatus(root)) {
        Path file = new Path(st.getPath(), metadataFile);
        if (st.isDirectory() && fs.exists(file)) {
          found.add(Map.entry(st.getPath().getName(), String.valueOf(read(fs, file).get("trained_at"))));
        }
      }
      found.sort(Map.Entry.<String, String>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
      return found.stream().map(Map.Entry::getKey).toList();
    } catch (IOException e) {
      throw new ScoringException("cannot list " + what + " versions under " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code version} if saved, or the most recently trained for {@value #LATEST}.
   *
   * @throws IllegalArgumentException naming the directory and the saved versions when there is none
   */
  public String resolve(SparkSession spark, String version) {
    List<String> versions = versions(spark);
    String chosen = LATEST.equals(version)
        ? versions.stream().reduce((a, b) -> b).orElse(null)
        : versions.contains(version) ? version : null;
    if (chosen == null) {
      throw new IllegalArgumentException(String.format("no saved %s %s under %s (saved: %s)", what, version, dir,
          versions.isEmpty() ? "none" : String.join(", ", versions)));
    }
    return chosen;
  }

  private static Map<String, Object> read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return MAPPER.readValue(in, new TypeReference<Map<String, Object>>() {});
    }
  }
}
