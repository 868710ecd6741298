package io.centraal.scoring.run;

/**
 * Root of centraal's own failures. Messages name the table, column, file and as-of date involved,
 * so the one-line reason printed by the CLI is enough to act on.
 */
public class ScoringException extends RuntimeException {
  public ScoringException(String message) {
    super(message);
  }

  public ScoringException(String message, Throwable cause) {
    super(message, cause);
  }
}
