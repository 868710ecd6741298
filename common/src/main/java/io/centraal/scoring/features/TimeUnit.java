package io.centraal.scoring.features;

/** Time unit of the BTYD summary (recency, frequency periods, T) and of the models fitted on it. */
public enum TimeUnit {
  DAYS(1.0), WEEKS(7.0);
  public final double days;

  TimeUnit(double days) {
    this.days = days;
  }
}
