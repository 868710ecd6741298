package io.centraal.scoring.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import io.centraal.scoring.run.UtcDays;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.LogColumns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Collections;
import java.util.List;
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

  /** The as-of date column of a build over several dates ({@link CustomerFeatures#build}). */
  static final String AS_OF = FeatureColumns.AS_OF_DATE;

  /**
   * Timestamped rows at each of {@code dates}: a row once for every date on or after its UTC day,
   * with that date in {@link #AS_OF}. Grouping by {@link #AS_OF} then gives each date the rows it
   * would have had alone, in one query for all the dates.
   */
  static Dataset<Row> atDatesOfTs(Dataset<Row> rows, String tsColumn, List<LocalDate> dates) {
    return atDates(rows.where(knownAt(tsColumn, Collections.max(dates))), to_date(col(tsColumn)), dates);
  }

  /** {@link #atDatesOfTs} for rows dated by a date column (purchase days, visit days). */
  static Dataset<Row> atDatesOfDay(Dataset<Row> rows, String dayColumn, List<LocalDate> dates) {
    return atDates(rows.where(col(dayColumn).leq(lit(Date.valueOf(Collections.max(dates))))), col(dayColumn), dates);
  }

  /** Rows already on or before the last date, spread over the dates on or after {@code day}. */
  private static Dataset<Row> atDates(Dataset<Row> known, Column day, List<LocalDate> dates) {
    if (dates.size() == 1) {
      return onEachOf(known, dates);
    }
    return known.withColumn(AS_OF, explode(filter(dateArray(dates), d -> d.geq(day))));
  }

  /** Each row of {@code rows} once per date of {@code dates}, with that date in {@link #AS_OF}. */
  static Dataset<Row> onEachOf(Dataset<Row> rows, List<LocalDate> dates) {
    if (dates.size() == 1) {
      return rows.withColumn(AS_OF, lit(Date.valueOf(dates.get(0))));
    }
    return rows.withColumn(AS_OF, explode(dateArray(dates)));
  }

  private static Column dateArray(List<LocalDate> dates) {
    return array(dates.stream().map(d -> lit(Date.valueOf(d))).toArray(Column[]::new));
  }

  /** Whether a row of a build over several dates is of {@code asOf}. */
  static Column isAsOf(LocalDate asOf) {
    return col(AS_OF).equalTo(lit(Date.valueOf(asOf)));
  }

  /** The as-of date as a column in a part built by {@link #atDatesOfTs} or {@link #atDatesOfDay}. */
  static Column asOf() {
    return col(AS_OF);
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
