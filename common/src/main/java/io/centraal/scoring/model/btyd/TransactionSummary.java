package io.centraal.scoring.model.btyd;

import java.util.Arrays;

/**
 * Distinct (x, t_x, T) rows with the number of customers on each, the input of the transaction
 * model fits. Fitting cost depends on the number of distinct rows, not on the number of customers
 * (CDNOW's 2,357 customers have 1,016 distinct rows). Rows are kept sorted by x.
 */
public final class TransactionSummary {
  private final double[] x;
  private final double[] tx;
  private final double[] t;
  private final double[] weight;
  /** Built on first use by a likelihood; see {@link #timeGrid()}. */
  private volatile TimeGrid timeGrid;

  private TransactionSummary(double[][] columns) {
    this.x = columns[0];
    this.tx = columns[1];
    this.t = columns[2];
    this.weight = columns[3];
  }

  /** Groups one row per customer into distinct rows. Rows are checked as in the models. */
  public static TransactionSummary ofCustomers(double[] x, double[] tx, double[] t) {
    double[][] d = DistinctRows.count(x, tx, t);
    return ofDistinctRows(d[0], d[1], d[2], d[3]);
  }

  /** Rows that are already aggregated, with the number of customers on each (weight &gt; 0). */
  public static TransactionSummary ofDistinctRows(double[] x, double[] tx, double[] t,
      double[] customers) {
    // Sorted by x so that likelihoods can compute the x-only terms once per distinct x.
    double[][] sorted = DistinctRows.sorted(x, tx, t, customers);
    for (int i = 0; i < sorted[0].length; i++) {
      Checks.summaryRow(sorted[0][i], sorted[1][i], sorted[2][i]);
      if (!(sorted[3][i] > 0) || Double.isInfinite(sorted[3][i])) {
        throw new IllegalArgumentException("customer count must be finite and > 0, got "
            + sorted[3][i] + " for frequency=" + sorted[0][i] + " recency=" + sorted[1][i]
            + " T=" + sorted[2][i]);
      }
    }
    return new TransactionSummary(sorted);
  }

  public int distinctRows() {
    return x.length;
  }

  /** Number of customers (sum of the row weights). */
  public double customers() {
    return Arrays.stream(weight).sum();
  }

  /** Number of customers with at least one repeat purchase. */
  public double repeatBuyers() {
    double n = 0;
    for (int i = 0; i < x.length; i++) {
      n += x[i] > 0 ? weight[i] : 0;
    }
    return n;
  }

  double x(int i) {
    return x[i];
  }

  double tx(int i) {
    return tx[i];
  }

  double t(int i) {
    return t[i];
  }

  double weight(int i) {
    return weight[i];
  }

  /**
   * The distinct values of t_x and T together, sorted, and each row's position among them: the
   * likelihood terms that depend on one time only (log(alpha + t), 1 / (alpha + t)) are computed
   * once per distinct time at each evaluation, not twice per row. At day or week grain there are
   * at most a few thousand distinct times however many rows; with continuous times there are up
   * to twice the rows, and the tables cost what the per-row terms did.
   */
  TimeGrid timeGrid() {
    TimeGrid grid = timeGrid;
    if (grid == null) {
      grid = TimeGrid.of(tx, t);
      timeGrid = grid;
    }
    return grid;
  }

  /** Distinct sorted {@code times}; row i has t_x = times[txAt[i]] and T = times[tAt[i]]. */
  record TimeGrid(double[] times, int[] txAt, int[] tAt) {
    static TimeGrid of(double[] tx, double[] t) {
      double[] all = new double[tx.length + t.length];
      System.arraycopy(tx, 0, all, 0, tx.length);
      System.arraycopy(t, 0, all, tx.length, t.length);
      Arrays.sort(all);
      int distinct = 0;
      for (int i = 0; i < all.length; i++) {
        if (i == 0 || all[i] != all[distinct - 1]) {
          all[distinct++] = all[i];
        }
      }
      double[] times = Arrays.copyOf(all, distinct);
      int[] txAt = new int[tx.length];
      int[] tAt = new int[t.length];
      for (int i = 0; i < tx.length; i++) {
        txAt[i] = Arrays.binarySearch(times, tx[i]);
        tAt[i] = Arrays.binarySearch(times, t[i]);
      }
      return new TimeGrid(times, txAt, tAt);
    }
  }

  /** Customer-weighted sum of x and of T, for moment-based starting values. */
  double[] totals() {
    double sx = 0;
    double st = 0;
    for (int i = 0; i < x.length; i++) {
      sx += weight[i] * x[i];
      st += weight[i] * t[i];
    }
    return new double[] {sx, st};
  }
}
