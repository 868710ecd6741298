package io.centraal.scoring.model.btyd;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

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

  private TransactionSummary(double[] x, double[] tx, double[] t, double[] weight) {
    this.x = x;
    this.tx = tx;
    this.t = t;
    this.weight = weight;
  }

  /** Groups one row per customer into distinct rows. Rows are checked as in the models. */
  public static TransactionSummary ofCustomers(double[] x, double[] tx, double[] t) {
    checkLengths(x.length, tx.length, t.length, x.length);
    Map<Row, double[]> counts = new LinkedHashMap<>();
    for (int i = 0; i < x.length; i++) {
      counts.computeIfAbsent(new Row(x[i], tx[i], t[i]), k -> new double[1])[0] += 1;
    }
    int n = counts.size();
    double[] dx = new double[n];
    double[] dtx = new double[n];
    double[] dt = new double[n];
    double[] w = new double[n];
    int i = 0;
    for (Map.Entry<Row, double[]> e : counts.entrySet()) {
      dx[i] = e.getKey().x();
      dtx[i] = e.getKey().tx();
      dt[i] = e.getKey().t();
      w[i] = e.getValue()[0];
      i++;
    }
    return ofDistinctRows(dx, dtx, dt, w);
  }

  /** Rows that are already aggregated, with the number of customers on each (weight &gt; 0). */
  public static TransactionSummary ofDistinctRows(double[] x, double[] tx, double[] t,
      double[] customers) {
    checkLengths(x.length, tx.length, t.length, customers.length);
    for (int i = 0; i < x.length; i++) {
      BetaGeometricFamily.checkRow(x[i], tx[i], t[i]);
      if (!(customers[i] > 0) || Double.isInfinite(customers[i])) {
        throw new IllegalArgumentException("customer count must be finite and > 0, got "
            + customers[i] + " for frequency=" + x[i] + " recency=" + tx[i] + " T=" + t[i]);
      }
    }
    // Sorted by x so that likelihoods can compute the x-only terms once per distinct x.
    Integer[] order = new Integer[x.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> x[i])
        .thenComparingDouble(i -> tx[i]).thenComparingDouble(i -> t[i]));
    return new TransactionSummary(permute(x, order), permute(tx, order), permute(t, order),
        permute(customers, order));
  }

  static double[] permute(double[] values, Integer[] order) {
    double[] out = new double[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = values[order[i]];
    }
    return out;
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

  static void checkLengths(int... lengths) {
    for (int len : lengths) {
      if (len != lengths[0]) {
        throw new IllegalArgumentException("summary arrays differ in length: "
            + Arrays.toString(lengths));
      }
    }
  }

  private record Row(double x, double tx, double t) {}
}
