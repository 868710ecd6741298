package io.centraal.scoring.model.btyd;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Distinct (x, m_x) rows of repeat buyers with the number of customers on each, the input of the
 * Gamma-Gamma fit: x = number of repeat purchases (&gt; 0), m_x = mean spend of those repeat
 * purchases (&gt; 0). The first purchase is excluded, as in Fader, Hardie &amp; Lee (2005b).
 * Rows are kept sorted by x.
 */
public final class SpendSummary {
  private final double[] x;
  private final double[] mx;
  private final double[] weight;

  private SpendSummary(double[] x, double[] mx, double[] weight) {
    this.x = x;
    this.mx = mx;
    this.weight = weight;
  }

  /**
   * Groups one row per customer into distinct rows, keeping only repeat buyers with a positive mean
   * repeat spend (x &gt; 0 and m_x &gt; 0), the customers the Gamma-Gamma model is defined on.
   */
  public static SpendSummary ofCustomers(double[] x, double[] mx) {
    TransactionSummary.checkLengths(x.length, mx.length);
    Map<Row, double[]> counts = new LinkedHashMap<>();
    for (int i = 0; i < x.length; i++) {
      if (x[i] > 0 && mx[i] > 0) {
        counts.computeIfAbsent(new Row(x[i], mx[i]), k -> new double[1])[0] += 1;
      }
    }
    int n = counts.size();
    double[] dx = new double[n];
    double[] dm = new double[n];
    double[] w = new double[n];
    int i = 0;
    for (Map.Entry<Row, double[]> e : counts.entrySet()) {
      dx[i] = e.getKey().x();
      dm[i] = e.getKey().mx();
      w[i] = e.getValue()[0];
      i++;
    }
    return ofDistinctRows(dx, dm, w);
  }

  /** Rows that are already aggregated; every row needs x &gt; 0, m_x &gt; 0 and a count &gt; 0. */
  public static SpendSummary ofDistinctRows(double[] x, double[] mx, double[] customers) {
    TransactionSummary.checkLengths(x.length, mx.length, customers.length);
    for (int i = 0; i < x.length; i++) {
      GammaGammaModel.checkRow(x[i], mx[i]);
      if (!(customers[i] > 0) || Double.isInfinite(customers[i])) {
        throw new IllegalArgumentException("customer count must be finite and > 0, got "
            + customers[i] + " for frequency=" + x[i] + " monetary_value=" + mx[i]);
      }
    }
    Integer[] order = new Integer[x.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> x[i]).thenComparingDouble(i -> mx[i]));
    return new SpendSummary(TransactionSummary.permute(x, order),
        TransactionSummary.permute(mx, order), TransactionSummary.permute(customers, order));
  }

  public int distinctRows() {
    return x.length;
  }

  /** Number of customers (sum of the row weights). */
  public double customers() {
    return Arrays.stream(weight).sum();
  }

  double x(int i) {
    return x[i];
  }

  double mx(int i) {
    return mx[i];
  }

  double weight(int i) {
    return weight[i];
  }

  /** Customer-weighted mean of m_x, for starting values. */
  double meanSpend() {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += weight[i] * mx[i];
    }
    return s / customers();
  }

  private record Row(double x, double mx) {}
}
