package io.centraal.scoring.model.btyd;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.schema.FeatureColumns;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Fits BTYD models on a Spark customer summary. The summary is grouped by its distinct
 * (frequency, recency, t) rows (Gamma-Gamma: (frequency, monetary_value) over repeat buyers) with
 * customer counts, and only those distinct rows are collected to the driver: a few thousand rows
 * for millions of customers when recency and t are in whole days, so the fit itself is a
 * driver-side computation of milliseconds to seconds (see {@link MaximumLikelihood}).
 *
 * <p>Input columns ({@link FeatureColumns}): {@code frequency} (repeat purchase periods),
 * {@code recency} and {@code t} (model time units), {@code monetary_value} (mean repeat spend), any
 * numeric type. Other columns are ignored. A null in frequency, recency or t is an error here,
 * because a fit silently dropping customers would misstate the population; filter or repair them
 * upstream. For Gamma-Gamma, rows with a null, zero or negative monetary value or frequency 0 are
 * not repeat buyers with spend and are left out by definition.
 */
public final class BtydModels {
  private BtydModels() {}

  /** BG/NBD fit, see {@link BgNbdModel#fit}. */
  public static FitResult fitBgNbd(Dataset<Row> summary, FitOptions options) {
    return BgNbdModel.fit(collectTransactionSummary(summary), options);
  }

  /** Pareto/NBD fit, see {@link ParetoNbdModel#fit}. */
  public static FitResult fitParetoNbd(Dataset<Row> summary, FitOptions options) {
    return ParetoNbdModel.fit(collectTransactionSummary(summary), options);
  }

  /** MBG/NBD fit, see {@link ModifiedBgNbdModel#fit}. */
  public static FitResult fitModifiedBgNbd(Dataset<Row> summary, FitOptions options) {
    return ModifiedBgNbdModel.fit(collectTransactionSummary(summary), options);
  }

  /** Gamma-Gamma fit on the repeat buyers with positive mean repeat spend. */
  public static FitResult fitGammaGamma(Dataset<Row> summary, FitOptions options) {
    return GammaGammaModel.fit(collectSpendSummary(summary), options);
  }

  /** Distinct (frequency, recency, t) rows with their customer counts. */
  public static TransactionSummary collectTransactionSummary(Dataset<Row> summary) {
    requireNumeric(summary.schema(), FeatureColumns.FREQUENCY, FeatureColumns.RECENCY,
        FeatureColumns.T);
    List<Row> rows = summary
        .groupBy(asDouble(FeatureColumns.FREQUENCY), asDouble(FeatureColumns.RECENCY),
            asDouble(FeatureColumns.T))
        .count()
        .collectAsList();
    int n = rows.size();
    double[] x = new double[n];
    double[] tx = new double[n];
    double[] t = new double[n];
    double[] customers = new double[n];
    String[] names = {FeatureColumns.FREQUENCY, FeatureColumns.RECENCY, FeatureColumns.T};
    for (int i = 0; i < n; i++) {
      Row row = rows.get(i);
      for (int c = 0; c < names.length; c++) {
        if (row.isNullAt(c)) {
          throw new IllegalArgumentException("column '" + names[c] + "' is null for "
              + row.getLong(3) + " customers; BTYD fits need frequency, recency and t on every row");
        }
      }
      x[i] = row.getDouble(0);
      tx[i] = row.getDouble(1);
      t[i] = row.getDouble(2);
      customers[i] = row.getLong(3);
    }
    return TransactionSummary.ofDistinctRows(x, tx, t, customers);
  }

  /** Both fits' inputs, collected together. */
  public record Summaries(TransactionSummary transactions, SpendSummary spend) {}

  /**
   * {@link #collectTransactionSummary} and {@link #collectSpendSummary} in one Spark job: each
   * customer becomes a (x, t_x, T) row and, if a repeat buyer with positive spend, a (x, m_x) row,
   * and one aggregation counts both kinds. Saves a pass over the summary, which matters when the
   * summary is computed from millions of transactions.
   */
  public static Summaries collectSummaries(Dataset<Row> summary) {
    requireNumeric(summary.schema(), FeatureColumns.FREQUENCY, FeatureColumns.RECENCY,
        FeatureColumns.T, FeatureColumns.MONETARY_VALUE);
    Column x = col(FeatureColumns.FREQUENCY).cast(DataTypes.DoubleType);
    Column mx = col(FeatureColumns.MONETARY_VALUE).cast(DataTypes.DoubleType);
    Column transactionRow = struct(lit(0).as("kind"), x.as("x"),
        col(FeatureColumns.RECENCY).cast(DataTypes.DoubleType).as("u"),
        col(FeatureColumns.T).cast(DataTypes.DoubleType).as("v"));
    Column spendRow = struct(lit(1).as("kind"), x.as("x"), mx.as("u"),
        lit(null).cast(DataTypes.DoubleType).as("v"));
    List<Row> rows = summary
        .select(explode(when(x.gt(0).and(mx.gt(0)), array(transactionRow, spendRow))
            .otherwise(array(transactionRow))).as("row"))
        .groupBy(col("row.kind"), col("row.x"), col("row.u"), col("row.v"))
        .count()
        .collectAsList();
    int spendRows = (int) rows.stream().filter(r -> r.getInt(0) == 1).count();
    int transactionRows = rows.size() - spendRows;
    double[][] tr = new double[4][transactionRows];
    double[][] sp = new double[3][spendRows];
    int i = 0;
    int j = 0;
    String[] names = {FeatureColumns.FREQUENCY, FeatureColumns.RECENCY, FeatureColumns.T};
    for (Row row : rows) {
      if (row.getInt(0) == 1) {
        sp[0][j] = row.getDouble(1);
        sp[1][j] = row.getDouble(2);
        sp[2][j++] = row.getLong(4);
        continue;
      }
      for (int c = 0; c < names.length; c++) {
        if (row.isNullAt(c + 1)) {
          throw new IllegalArgumentException("column '" + names[c] + "' is null for "
              + row.getLong(4) + " customers; BTYD fits need frequency, recency and t on every row");
        }
      }
      tr[0][i] = row.getDouble(1);
      tr[1][i] = row.getDouble(2);
      tr[2][i] = row.getDouble(3);
      tr[3][i++] = row.getLong(4);
    }
    return new Summaries(TransactionSummary.ofDistinctRows(tr[0], tr[1], tr[2], tr[3]),
        SpendSummary.ofDistinctRows(sp[0], sp[1], sp[2]));
  }

  /** Distinct (frequency, monetary_value) rows of repeat buyers with positive spend. */
  public static SpendSummary collectSpendSummary(Dataset<Row> summary) {
    requireNumeric(summary.schema(), FeatureColumns.FREQUENCY, FeatureColumns.MONETARY_VALUE);
    List<Row> rows = summary
        .where(col(FeatureColumns.FREQUENCY).gt(0).and(col(FeatureColumns.MONETARY_VALUE).gt(0)))
        .groupBy(asDouble(FeatureColumns.FREQUENCY), asDouble(FeatureColumns.MONETARY_VALUE))
        .count()
        .collectAsList();
    int n = rows.size();
    double[] x = new double[n];
    double[] mx = new double[n];
    double[] customers = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = rows.get(i).getDouble(0);
      mx[i] = rows.get(i).getDouble(1);
      customers[i] = rows.get(i).getLong(2);
    }
    return SpendSummary.ofDistinctRows(x, mx, customers);
  }

  private static Column asDouble(String name) {
    return col(name).cast(DataTypes.DoubleType).as(name);
  }

  /** Fails with a message naming the first missing or non-numeric column. */
  static void requireNumeric(StructType schema, String... names) {
    for (String name : names) {
      StructField field = Arrays.stream(schema.fields())
          .filter(f -> f.name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("input is missing required column '"
              + name + "'; it has " + Arrays.toString(schema.fieldNames())));
      if (!(field.dataType() instanceof NumericType)) {
        throw new IllegalArgumentException("column '" + name + "' must be numeric, is "
            + field.dataType().simpleString());
      }
    }
  }
}
