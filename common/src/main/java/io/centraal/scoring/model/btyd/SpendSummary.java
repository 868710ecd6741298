package io.centraal.scoring.model.btyd;

import java.util.Arrays;
import java.util.stream.IntStream;

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
  /** log m_x per row: the likelihood needs it at every evaluation, and it does not depend on the parameters. */
  private final double[] logMx;

  private SpendSummary(double[][] columns) {
    this.x = columns[0];
    this.mx = columns[1];
    this.weight = columns[2];
    this.logMx = new double[mx.length];
    for (int i = 0; i < mx.length; i++) {
      logMx[i] = Math.log(mx[i]);
    }
  }

  /**
   * Groups one row per customer into distinct rows, keeping only repeat buyers with a positive mean
   * repeat spend (x &gt; 0 and m_x &gt; 0), the customers the Gamma-Gamma model is defined on.
   */
  public static SpendSummary ofCustomers(double[] x, double[] mx) {
    if (x.length != mx.length) {
      throw new IllegalArgumentException(
          "frequency and monetary value differ in length: " + x.length + " vs " + mx.length);
    }
    int[] keep = IntStream.range(0, x.length)
        .filter(i -> isModelled(x[i], mx[i])).toArray();
    double[][] d = DistinctRows.count(Arrays.stream(keep).mapToDouble(i -> x[i]).toArray(),
        Arrays.stream(keep).mapToDouble(i -> mx[i]).toArray());
    return ofDistinctRows(d[0], d[1], d[2]);
  }

  /** Whether a customer with frequency x and mean repeat spend m_x is in the Gamma-Gamma population. */
  static boolean isModelled(double x, double mx) {
    return x > 0 && mx > 0;
  }

  /** Rows that are already aggregated; every row needs x &gt; 0, m_x &gt; 0 and a count &gt; 0. */
  public static SpendSummary ofDistinctRows(double[] x, double[] mx, double[] customers) {
    double[][] sorted = DistinctRows.sorted(x, mx, customers);
    for (int i = 0; i < sorted[0].length; i++) {
      Checks.spendRow(sorted[0][i], sorted[1][i]);
      if (!(sorted[2][i] > 0) || Double.isInfinite(sorted[2][i])) {
        throw new IllegalArgumentException("customer count must be finite and > 0, got "
            + sorted[2][i] + " for frequency=" + sorted[0][i] + " monetary_value=" + sorted[1][i]);
      }
    }
    return new SpendSummary(sorted);
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

  double logMx(int i) {
    return logMx[i];
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
}
