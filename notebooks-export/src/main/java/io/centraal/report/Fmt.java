package io.centraal.report;

import java.util.Locale;

/** Number formats of the report (Locale.ROOT: '.' decimals, ',' thousands, whatever the machine's locale). */
public final class Fmt {
  private Fmt() {}

  private static final java.time.format.DateTimeFormatter TIMESTAMP =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(java.time.ZoneOffset.UTC);

  /** How a column's values are written. */
  public enum Kind {
    /** Whole number with thousands separators. */
    COUNT,
    /** Two decimals with thousands separators (money, durations). */
    DECIMAL2,
    /** Four decimals (model parameters, probabilities, metrics). */
    DECIMAL4,
    /** A 0..1 fraction shown as a percentage with one decimal. */
    PERCENT,
    /** As text. */
    TEXT
  }

  public static String format(Object value, Kind kind) {
    if (value == null) {
      return "";
    }
    if (value instanceof java.sql.Timestamp ts) {
      return TIMESTAMP.format(ts.toInstant()); // to the second, UTC: microseconds are noise in a report
    }
    if (value instanceof Number n && kind != Kind.TEXT) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return String.valueOf(d);
      }
      return switch (kind) {
        case COUNT -> count(n.longValue());
        case DECIMAL2 -> String.format(Locale.ROOT, "%,.2f", d);
        case DECIMAL4 -> String.format(Locale.ROOT, "%,.4f", d);
        case PERCENT -> percent(d);
        case TEXT -> String.valueOf(value);
      };
    }
    return String.valueOf(value);
  }

  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  public static String money(double d) {
    return String.format(Locale.ROOT, "%,.2f", d);
  }

  public static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f%%", 100.0 * fraction);
  }

  public static String seconds(double s) {
    return String.format(Locale.ROOT, "%,.1f s", s);
  }
}
