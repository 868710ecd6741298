package io.centraal.scoring.model.drift;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.centraal.scoring.schema.DriftColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An earlier run's predictions held against what happened: its expected purchases over the CLV
 * horizon per customer against the purchase periods the customer actually made in (run date, run
 * date + horizon], counted as the features stage counts them ({@code TransactionFeatures.purchasesIn}).
 * Every customer of the earlier run who had a prediction counts, those who bought nothing with 0.
 */
public final class RollingBacktest {
  private RollingBacktest() {}

  /**
   * One earlier run's error.
   *
   * @param maeRatio MAE / mean actual purchases per customer: the error relative to what there was
   *     to predict, comparable across data sets and horizons (NaN when nobody bought)
   */
  public record Result(LocalDate runDate, LocalDate windowEnd, long customers, double predictedTotal,
                       double actualTotal, double mae, double maeRatio) {}

  /**
   * @param predictions the earlier run's gold slice: customer_key and {@code expectedColumn}
   * @param actual {@code customer_key, purchases} in the run's horizon window
   */
  public static Result evaluate(LocalDate runDate, LocalDate windowEnd, Dataset<Row> predictions, String expectedColumn,
                                Dataset<Row> actual) {
    Dataset<Row> predicted = predictions.where(col(expectedColumn).isNotNull())
        .select(col(ScoreColumns.CUSTOMER_KEY), col(expectedColumn).cast("double").as(DriftColumns.PREDICTED));
    Row r = predicted.join(actual, new String[] {ScoreColumns.CUSTOMER_KEY}, "left")
        .withColumn(DriftColumns.PURCHASES, coalesce(col(DriftColumns.PURCHASES).cast("double"), lit(0.0)))
        .agg(count(lit(1)), sum(col(DriftColumns.PREDICTED)), sum(col(DriftColumns.PURCHASES)),
            sum(abs(col(DriftColumns.PREDICTED).minus(col(DriftColumns.PURCHASES)))))
        .first();
    long customers = r.getLong(0);
    if (customers == 0) {
      return new Result(runDate, windowEnd, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double predictedTotal = r.getDouble(1);
    double actualTotal = r.getDouble(2);
    double mae = r.getDouble(3) / customers;
    double meanActual = actualTotal / customers;
    return new Result(runDate, windowEnd, customers, predictedTotal, actualTotal, mae,
        meanActual > 0 ? mae / meanActual : Double.NaN);
  }

  /** Last day of the horizon window of a run: the horizon in days, rounded down (a partial day is not over). */
  public static LocalDate windowEnd(LocalDate runDate, double horizonDays) {
    return runDate.plusDays((long) Math.floor(horizonDays));
  }
}
