package io.centraal.scoring.model.btyd;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.centraal.scoring.schema.FeatureColumns;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
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
    List<PartitionRows> parts = collapsePartitions(summary, asDouble(FeatureColumns.RECENCY),
        asDouble(FeatureColumns.T), lit(null).cast(DataTypes.DoubleType));
    return transactions(parts);
  }

  /** Both fits' inputs, collected together. */
  public record Summaries(TransactionSummary transactions, SpendSummary spend) {}

  /**
   * {@link #collectTransactionSummary} and {@link #collectSpendSummary} in one pass over the
   * summary: each partition collapses its customers into distinct (x, t_x, T) rows and, for repeat
   * buyers with positive spend, distinct (x, m_x) rows, as primitive columns with counts; the
   * driver merges the few partition results. Why not a groupBy: on a million customers nearly
   * every summary is distinct, so a Spark aggregation shuffles and collects about as many rows as
   * it reads, one object per row, which cost more than both fits together.
   */
  public static Summaries collectSummaries(Dataset<Row> summary) {
    requireNumeric(summary.schema(), FeatureColumns.FREQUENCY, FeatureColumns.RECENCY,
        FeatureColumns.T, FeatureColumns.MONETARY_VALUE);
    List<PartitionRows> parts = collapsePartitions(summary, asDouble(FeatureColumns.RECENCY),
        asDouble(FeatureColumns.T), asDouble(FeatureColumns.MONETARY_VALUE));
    return new Summaries(transactions(parts), spend(parts));
  }

  /** Runs {@link CollapsePartition} over (frequency, recency, t, monetary_value) and collects the parts. */
  private static List<PartitionRows> collapsePartitions(Dataset<Row> summary, Column recency, Column t,
      Column monetaryValue) {
    return summary
        .select(asDouble(FeatureColumns.FREQUENCY), recency, t, monetaryValue)
        .javaRDD()
        .mapPartitions(new CollapsePartition())
        .collect();
  }

  /** The merged (x, t_x, T) rows; fails naming the column when a customer has a null x, t_x or T. */
  private static TransactionSummary transactions(List<PartitionRows> parts) {
    String[] names = {FeatureColumns.FREQUENCY, FeatureColumns.RECENCY, FeatureColumns.T};
    for (int c = 0; c < names.length; c++) {
      final int column = c;
      long nulls = parts.stream().mapToLong(p -> p.nulls()[column]).sum();
      if (nulls > 0) {
        throw new IllegalArgumentException("column '" + names[c] + "' is null for " + nulls
            + " customers; BTYD fits need frequency, recency and t on every row");
      }
    }
    double[][] tr = DistinctRows.mergeCounts(parts.stream().map(PartitionRows::transactions).toList(), 4);
    return TransactionSummary.ofDistinctRows(tr[0], tr[1], tr[2], tr[3]);
  }

  /** The merged (x, m_x) rows of repeat buyers with positive spend. */
  private static SpendSummary spend(List<PartitionRows> parts) {
    double[][] sp = DistinctRows.mergeCounts(parts.stream().map(PartitionRows::spend).toList(), 3);
    return SpendSummary.ofDistinctRows(sp[0], sp[1], sp[2]);
  }

  /**
   * One partition's distinct rows with counts, sorted: (x, t_x, T, customers), (x, m_x, customers), and
   * how many customers had a null frequency, recency or T (reported by the driver).
   */
  record PartitionRows(double[][] transactions, double[][] spend, long[] nulls) implements Serializable {}

  /** Collapses a partition of (frequency, recency, t, monetary_value) doubles into {@link PartitionRows}. */
  private static final class CollapsePartition implements FlatMapFunction<Iterator<Row>, PartitionRows> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<PartitionRows> call(Iterator<Row> rows) {
      DoubleColumns transactions = new DoubleColumns(3);
      DoubleColumns spend = new DoubleColumns(2);
      long[] nulls = new long[3];
      while (rows.hasNext()) {
        Row row = rows.next();
        boolean complete = true;
        for (int c = 0; c < 3; c++) {
          if (row.isNullAt(c)) {
            nulls[c]++;
            complete = false;
          }
        }
        if (!complete) {
          continue;
        }
        double x = row.getDouble(0);
        transactions.add(x, row.getDouble(1), row.getDouble(2));
        if (!row.isNullAt(3) && SpendSummary.isModelled(x, row.getDouble(3))) {
          spend.add(x, row.getDouble(3));
        }
      }
      return List.of(new PartitionRows(transactions.count(), spend.count(), nulls)).iterator();
    }
  }

  /** Growable parallel double columns. */
  private static final class DoubleColumns {
    private double[][] columns;
    private int size;

    DoubleColumns(int width) {
      columns = new double[width][1024];
    }

    void add(double... values) {
      if (size == columns[0].length) {
        for (int c = 0; c < columns.length; c++) {
          columns[c] = Arrays.copyOf(columns[c], size * 2);
        }
      }
      for (int c = 0; c < values.length; c++) {
        columns[c][size] = values[c];
      }
      size++;
    }

    /** The distinct rows with their counts ({@link DistinctRows#count}). */
    double[][] count() {
      double[][] exact = new double[columns.length][];
      for (int c = 0; c < columns.length; c++) {
        exact[c] = Arrays.copyOf(columns[c], size);
      }
      return DistinctRows.count(exact);
    }
  }

  /** Distinct (frequency, monetary_value) rows of repeat buyers with positive spend. */
  public static SpendSummary collectSpendSummary(Dataset<Row> summary) {
    requireNumeric(summary.schema(), FeatureColumns.FREQUENCY, FeatureColumns.MONETARY_VALUE);
    // Recency and T play no part: constants, so the (x, t_x, T) side stays a few rows.
    Column zero = lit(0.0);
    return spend(collapsePartitions(summary, zero, zero, asDouble(FeatureColumns.MONETARY_VALUE)));
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
