package io.centraal.scoring.features;

import static org.apache.spark.sql.functions.col;

import io.centraal.scoring.run.UtcDays;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.LogColumns;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Attaching customer keys to references, and the as-of cut. */
final class Keyed {
  private Keyed() {}

  /** Rows whose timestamp is on or before the as-of date (the as-of day is included). */
  static Column knownAt(String tsColumn, LocalDate asOf) {
    return UtcDays.onOrBefore(col(tsColumn), asOf);
  }

  /** Inner join on {@code refColumn = identity_map.ref}, adding {@code keyColumn}. */
  static Dataset<Row> withKey(Dataset<Row> rows, String refColumn, Dataset<Row> identityMap, String keyColumn) {
    Dataset<Row> map = identityMap.select(col(LogColumns.REF).as("_tmp_ref"),
        col(FeatureColumns.CUSTOMER_KEY).as(keyColumn));
    return rows.join(map, col(refColumn).equalTo(col("_tmp_ref"))).drop("_tmp_ref");
  }

  /** Left join variant: rows without a known reference keep a null key. */
  static Dataset<Row> withOptionalKey(Dataset<Row> rows, String refColumn, Dataset<Row> identityMap, String keyColumn) {
    Dataset<Row> map = identityMap.select(col(LogColumns.REF).as("_tmp_ref"),
        col(FeatureColumns.CUSTOMER_KEY).as(keyColumn));
    return rows.join(map, col(refColumn).equalTo(col("_tmp_ref")), "left").drop("_tmp_ref");
  }
}
