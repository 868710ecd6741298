package io.centraal.scoring.run;

/** A dataset-level quality gate failed (e.g. too many rejected rows): the run cannot be trusted. */
public final class DataQualityGateException extends ScoringException {
  public DataQualityGateException(String message) {
    super(message);
  }
}
