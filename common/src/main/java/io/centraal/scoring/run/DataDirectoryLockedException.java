package io.centraal.scoring.run;

/**
 * Another live process holds the data directory's lease ({@link DataDirectoryLease}); the message
 * names the holder (pid, host, command, run id, since when) and the lock file.
 */
public class DataDirectoryLockedException extends ScoringException {
  public DataDirectoryLockedException(String message) {
    super(message);
  }
}
