package io.centraal.scoring.run;

/** An input that cannot be read or mapped at all: missing file, missing column, unreadable format. */
public final class InvalidInputException extends ScoringException {
  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
