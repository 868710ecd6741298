package io.centraal.scoring.model.drift;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.centraal.scoring.schema.DriftColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.schema.StageSchema;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The RFM segment migration matrix between two dates: customers matched on customer_key, one row per
 * (from_segment, to_segment) with the number of customers and the sum of their current CLV. A
 * customer scored only on the current date comes from {@value DriftColumns#NEW_CUSTOMER}; one scored
 * only on the previous date (left, or now objecting to profiling) goes to
 * {@value DriftColumns#NOT_SCORED} with a null CLV. The diagonal is the customers who stayed.
 *
 * <p>Input: both frames need customer_key and rfm_segment (string), {@code current} also the CLV
 * column. Output: from_segment, to_segment, customers (long), current_clv (double, null when no
 * customer of the pair has a CLV).
 */
public final class SegmentMigration {
  private SegmentMigration() {}

  public static Dataset<Row> matrix(Dataset<Row> previous, Dataset<Row> current, String clvColumn) {
    StageSchema.require(previous.schema(), "SegmentMigration (previous)", ScoreColumns.RFM_SEGMENT,
        StageSchema.Kind.STRING);
    StageSchema.require(current.schema(), "SegmentMigration (current)", ScoreColumns.RFM_SEGMENT,
        StageSchema.Kind.STRING);
    StageSchema.require(current.schema(), "SegmentMigration (current)", clvColumn, StageSchema.Kind.NUMERIC);
    Dataset<Row> from = previous.select(col(ScoreColumns.CUSTOMER_KEY),
        col(ScoreColumns.RFM_SEGMENT).as(DriftColumns.FROM_SEGMENT));
    Dataset<Row> to = current.select(col(ScoreColumns.CUSTOMER_KEY),
        col(ScoreColumns.RFM_SEGMENT).as(DriftColumns.TO_SEGMENT), col(clvColumn).cast("double").as("_tmp_clv"));
    return from.join(to, new String[] {ScoreColumns.CUSTOMER_KEY}, "full_outer")
        .groupBy(coalesce(col(DriftColumns.FROM_SEGMENT), lit(DriftColumns.NEW_CUSTOMER)).as(DriftColumns.FROM_SEGMENT),
            coalesce(col(DriftColumns.TO_SEGMENT), lit(DriftColumns.NOT_SCORED)).as(DriftColumns.TO_SEGMENT))
        .agg(count(lit(1)).as(DriftColumns.CUSTOMERS), sum(col("_tmp_clv")).as(DriftColumns.CURRENT_CLV));
  }
}
