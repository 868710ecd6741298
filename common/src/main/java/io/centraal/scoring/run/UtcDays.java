package io.centraal.scoring.run;

import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.spark.sql.Column;

/**
 * The calendar days of a run are UTC days, as the session reads timestamps
 * ({@code spark.sql.session.timeZone = UTC}, so {@code to_date(ts)} is the UTC day). A day's bounds
 * are built from the UTC instant, never from the JVM's own time zone: on a machine set to
 * Europe/Amsterdam, {@code Timestamp.valueOf(day.atStartOfDay())} is 23:00 UTC of the day before,
 * which left the as-of day's last hour out of the features and deferred its rows to a later run.
 */
public final class UtcDays {
  private UtcDays() {}

  /** Midnight UTC at the start of {@code day}, as a timestamp literal. */
  public static Column startOf(LocalDate day) {
    return lit(day.atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  /** Midnight UTC after {@code day} (the start of the next day), as a timestamp literal. */
  public static Column endOf(LocalDate day) {
    return startOf(day.plusDays(1));
  }

  /** Whether timestamp {@code ts} falls on or before {@code day} (the whole day included). */
  public static Column onOrBefore(Column ts, LocalDate day) {
    return ts.lt(endOf(day));
  }
}
