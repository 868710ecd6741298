package io.centraal.scoring.model.btyd;

import java.util.List;

/** Argument checks shared by the models; each failure message names the offending values. */
final class Checks {
  private Checks() {}

  /** Every parameter finite and &gt; 0. */
  static void positiveParameters(String model, List<String> names, double... values) {
    for (double v : values) {
      if (!(v > 0) || Double.isInfinite(v)) {
        StringBuilder got = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
          got.append(i == 0 ? "" : " ").append(names.get(i)).append('=').append(values[i]);
        }
        throw new IllegalArgumentException(
            model + " parameters must be finite and > 0, got " + got);
      }
    }
  }

  /** A transaction summary row: finite, x &gt;= 0, 0 &lt;= t_x &lt;= T, and t_x = 0 when x = 0. */
  static void summaryRow(double x, double tx, double t) {
    if (!(x >= 0) || !(tx >= 0) || !(t >= tx) || !Double.isFinite(t) || !Double.isFinite(x)
        || (x == 0 && tx != 0)) {
      throw new IllegalArgumentException(String.format(
          "invalid summary row: frequency=%s recency=%s T=%s (need finite frequency >= 0, "
              + "0 <= recency <= T, recency = 0 when frequency = 0)", x, tx, t));
    }
  }

  /** A prediction horizon: finite and &gt;= 0. */
  static void horizon(double t) {
    if (!(t >= 0) || Double.isInfinite(t)) {
      throw new IllegalArgumentException("horizon t must be finite and >= 0, got " + t);
    }
  }

  /** A Gamma-Gamma row: a repeat buyer with finite x &gt; 0 and mean repeat spend m_x &gt; 0. */
  static void spendRow(double x, double mx) {
    if (!(x > 0) || !(mx > 0) || Double.isInfinite(x) || Double.isInfinite(mx)) {
      throw new IllegalArgumentException(String.format("Gamma-Gamma needs a repeat buyer with "
          + "finite frequency > 0 and monetary value > 0, got frequency=%s monetary_value=%s", x, mx));
    }
  }
}
