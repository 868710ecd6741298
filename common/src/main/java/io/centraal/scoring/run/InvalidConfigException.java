package io.centraal.scoring.run;

/** A configuration problem detected at start, before any data is read. */
public final class InvalidConfigException extends ScoringException {
  public InvalidConfigException(String message) {
    super(message);
  }

  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
