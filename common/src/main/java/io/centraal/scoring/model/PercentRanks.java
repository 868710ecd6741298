package io.centraal.scoring.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.percent_rank;

import io.centraal.scoring.schema.FeatureColumns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.StructType;
import io.centraal.scoring.schema.StageSchema;

/**
 * Exact percentile ranks with {@code percent_rank()}: {@code (rank - 1) / (n - 1)} in [0, 1],
 * where tied values share the lowest rank of their group (SQL {@code RANK} semantics), and a
 * partition of one row gets 0. No approximation error.
 *
 * <p>Ranks are computed per {@code as_of_date} when the input has that column, otherwise over the
 * whole input. Each rank is a window without a customer-level partition key, so Spark sorts each
 * date's rows in one task: exact, and fine for tens of millions of customers per date, but it
 * does not parallelise within a date (Spark logs a "No Partition Defined" warning).
 */
public final class PercentRanks {
  private PercentRanks() {}

  /** The window spec: partitioned by as_of_date if present, ordered by {@code orderBy}. */
  public static WindowSpec window(StructType schema, Column orderBy) {
    return StageSchema.has(schema, FeatureColumns.AS_OF_DATE)
        ? Window.partitionBy(col(FeatureColumns.AS_OF_DATE)).orderBy(orderBy)
        : Window.orderBy(orderBy);
  }

  /** The unordered window over one date (or the whole input without as_of_date), for per-date aggregates. */
  public static WindowSpec partition(StructType schema) {
    return StageSchema.has(schema, FeatureColumns.AS_OF_DATE)
        ? Window.partitionBy(col(FeatureColumns.AS_OF_DATE))
        : Window.partitionBy();
  }

  /** The window spec with extra partition columns (e.g. a "has purchased" flag). */
  public static WindowSpec window(StructType schema, Column orderBy, Column... extraPartitions) {
    Column[] parts;
    if (StageSchema.has(schema, FeatureColumns.AS_OF_DATE)) {
      parts = new Column[extraPartitions.length + 1];
      parts[0] = col(FeatureColumns.AS_OF_DATE);
      System.arraycopy(extraPartitions, 0, parts, 1, extraPartitions.length);
    } else {
      parts = extraPartitions;
    }
    return Window.partitionBy(parts).orderBy(orderBy);
  }

  /** {@code percent_rank()} over {@code window(schema, orderBy)}. */
  public static Column of(StructType schema, Column orderBy) {
    return percent_rank().over(window(schema, orderBy));
  }
}
