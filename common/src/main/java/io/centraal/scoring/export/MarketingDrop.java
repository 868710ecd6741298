package io.centraal.scoring.export;

import static org.apache.spark.sql.functions.col;

import io.centraal.scoring.schema.FeatureColumns;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The per-date file drop that marketing databases import: CSV (header, UTF-8, ISO dates, '.'
 * decimals) and/or Parquet, only customers whose consent allows marketing. Each format is written
 * to a temporary directory and renamed into place, so an importer never sees half a drop; a
 * re-run replaces the date's drop.
 */
public final class MarketingDrop {
  private MarketingDrop() {}

  /** Rows of the drop: consented customers, the given columns. */
  public static Dataset<Row> rows(Dataset<Row> scores, List<String> columns) {
    return scores.where(col(FeatureColumns.MARKETING_ALLOWED))
        .select(columns.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /** Writes the drop under {@code dir/<format>} for each format; returns the row count. */
  public static long write(SparkSession spark, Dataset<Row> rows, String dir, List<String> formats, String runId) {
    Dataset<Row> single = rows.coalesce(1).cache();
    long count = single.count();
    try {
      Path target = new Path(dir);
      FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
      for (String format : formats) {
        Path tmp = new Path(dir + "/_tmp_" + runId + "_" + format);
        Path out = new Path(dir + "/" + format);
        switch (format) {
          case "csv" -> single.write().mode(SaveMode.Overwrite).option("header", "true")
              .option("encoding", "UTF-8").option("dateFormat", "yyyy-MM-dd").csv(tmp.toString());
          case "parquet" -> single.write().mode(SaveMode.Overwrite).parquet(tmp.toString());
          default -> throw new IllegalArgumentException("unknown marketing drop format '" + format
              + "' (centraal.export.marketing-formats: csv, parquet)");
        }
        if (fs.exists(out)) {
          fs.delete(out, true);
        }
        if (!fs.rename(tmp, out)) {
          throw new IOException("cannot move " + tmp + " to " + out);
        }
      }
    } catch (IOException e) {
      throw new io.centraal.scoring.run.ScoringException("cannot write the marketing drop to " + dir + ": " + e.getMessage(), e);
    } finally {
      single.unpersist();
    }
    return count;
  }
}
