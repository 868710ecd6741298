package io.centraal.scoring.model.drift;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Population stability index of one score between two dates: how far this date's distribution has
 * moved from the previous date's, PSI = sum over bins of (a - e) ln(a / e), with e and a the
 * previous and current shares of the bin. Bins are the previous date's quantiles (deciles by
 * default), so each holds about 1 / bins of the previous customers; quantiles that coincide (a score
 * with many ties, e.g. influence 0) merge their bins. A bin that is empty on one side gets the share
 * epsilon, which keeps the logarithm finite. Null scores are left out on both sides.
 *
 * <p>Reading (the usual credit-scoring convention): below {@value #STABLE} stable, up to
 * {@value #SIGNIFICANT} a moderate shift worth a look, above it a significant shift.
 */
public final class PopulationStability {
  public static final double STABLE = 0.1;
  public static final double SIGNIFICANT = 0.25;
  /** Relative error of the quantiles: well below a bin's share, cheap on millions of rows. */
  private static final double QUANTILE_ERROR = 1e-4;

  private PopulationStability() {}

  /**
   * One score's PSI.
   *
   * @param edges the bin upper edges (bin i holds values in (edges[i-1], edges[i]], the last bin the rest)
   * @param previousCounts customers per bin on the previous date; {@code currentCounts} on this date
   */
  public record Result(String score, double psi, double[] edges, long[] previousCounts, long[] currentCounts) {
    /** stable, moderate shift, significant shift, or not computed (no values on one side). */
    public String reading() {
      return PopulationStability.reading(psi);
    }

    public long previousCustomers() {
      return Arrays.stream(previousCounts).sum();
    }

    public long currentCustomers() {
      return Arrays.stream(currentCounts).sum();
    }
  }

  /** The usual reading of a PSI value. */
  public static String reading(double psi) {
    if (Double.isNaN(psi)) {
      return "not computed";
    }
    return psi < STABLE ? "stable" : psi <= SIGNIFICANT ? "moderate shift" : "significant shift";
  }

  /**
   * The PSI of {@code column} (numeric) of {@code current} against {@code previous}, with bins from
   * the previous values' quantiles. NaN when either side has no non-null value.
   */
  public static Result compute(Dataset<Row> previous, Dataset<Row> current, String column, int bins, double epsilon) {
    return computeAll(previous, current, List.of(column), bins, epsilon).get(0);
  }

  /**
   * {@link #compute} for several columns at once: the quantiles of every column in one pass over
   * the previous rows, then every column's histogram in one pass over each side (three Spark
   * queries, not three per column).
   */
  public static List<Result> computeAll(Dataset<Row> previous, Dataset<Row> current, List<String> columns, int bins,
                                        double epsilon) {
    if (columns.isEmpty()) {
      return List.of();
    }
    Column[] asDoubles = columns.stream().map(c -> col(c).cast("double").as(c)).toArray(Column[]::new);
    Dataset<Row> before = previous.select(asDoubles);
    Dataset<Row> after = current.select(asDoubles);
    double[] probabilities = new double[bins - 1];
    for (int i = 1; i < bins; i++) {
      probabilities[i - 1] = (double) i / bins;
    }
    // Each column's quantiles leave out that column's nulls (and NaNs) only.
    double[][] quantiles = before.stat().approxQuantile(columns.toArray(String[]::new), probabilities, QUANTILE_ERROR);
    List<double[]> edges = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      TreeSet<Double> distinct = new TreeSet<>();
      double[] q = quantiles == null || quantiles[c] == null ? new double[0] : quantiles[c]; // empty: no previous values
      for (double v : q) {
        if (!Double.isNaN(v)) {
          distinct.add(v);
        }
      }
      edges.add(distinct.stream().mapToDouble(Double::doubleValue).toArray());
    }
    long[][] previousCounts = counts(before, columns, edges);
    long[][] currentCounts = counts(after, columns, edges);
    List<Result> out = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      out.add(new Result(columns.get(c), psi(previousCounts[c], currentCounts[c], epsilon), edges.get(c),
          previousCounts[c], currentCounts[c]));
    }
    return out;
  }

  /**
   * PSI of two histograms over the same bins: sum of (a - e) ln(a / e) over the shares, a share of 0
   * replaced by {@code epsilon}. NaN when either histogram is empty.
   */
  public static double psi(long[] expectedCounts, long[] actualCounts, double epsilon) {
    if (expectedCounts.length != actualCounts.length) {
      throw new IllegalArgumentException("histograms differ in bins: " + expectedCounts.length + " vs "
          + actualCounts.length);
    }
    double expectedTotal = Arrays.stream(expectedCounts).sum();
    double actualTotal = Arrays.stream(actualCounts).sum();
    if (expectedTotal == 0 || actualTotal == 0) {
      return Double.NaN;
    }
    double psi = 0;
    for (int i = 0; i < expectedCounts.length; i++) {
      double e = Math.max(expectedCounts[i] / expectedTotal, epsilon);
      double a = Math.max(actualCounts[i] / actualTotal, epsilon);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }

  /**
   * Non-null values per bin of each column, in one aggregation: bin = number of the column's edges
   * below the value, so bin i holds (edges[i-1], edges[i]].
   */
  private static long[][] counts(Dataset<Row> values, List<String> columns, List<double[]> edges) {
    List<Column> aggregates = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      Column value = col(columns.get(c));
      Column bin = lit(0);
      for (double edge : edges.get(c)) {
        bin = bin.plus(when(value.gt(lit(edge)), 1).otherwise(0));
      }
      for (int b = 0; b <= edges.get(c).length; b++) {
        aggregates.add(count_if(value.isNotNull().and(bin.equalTo(b))));
      }
    }
    Row r = values.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).first();
    long[][] counts = new long[columns.size()][];
    int i = 0;
    for (int c = 0; c < columns.size(); c++) {
      counts[c] = new long[edges.get(c).length + 1];
      for (int b = 0; b < counts[c].length; b++) {
        counts[c][b] = r.getLong(i++);
      }
    }
    return counts;
  }

  /** One line, e.g. {@code clv_12m: PSI 0.031 (stable)}. */
  public static String describe(Result r) {
    return String.format(Locale.ROOT, "%s: PSI %.3f (%s)", r.score(), r.psi(), r.reading());
  }

  /** The bin edges as a list (for JSON). */
  static List<Double> edgeList(double[] edges) {
    List<Double> out = new ArrayList<>();
    for (double e : edges) {
      out.add(e);
    }
    return out;
  }
}
