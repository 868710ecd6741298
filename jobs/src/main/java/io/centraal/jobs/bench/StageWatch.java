package io.centraal.jobs.bench;

import java.nio.file.Path;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Polls a data directory (every few milliseconds, on its own thread) for the files of one {@link
 * FaultStage}: records when the first new file of the stage appeared and when the last new commit
 * file did. A file is new when the previous poll did not see it, so a marker deleted and written
 * again (the _SUCCESS of a re-published drop) counts.
 */
final class StageWatch implements AutoCloseable {
  private final Path dataDir;
  private final Set<String> before;
  private final Predicate<String> started;
  private final Predicate<String> committed;
  private final Thread thread;
  private final long t0 = System.nanoTime();
  private volatile long startedNanos = -1;
  private volatile long lastCommitNanos = -1;
  private volatile boolean stop;

  StageWatch(Path dataDir, FaultStage stage, String date) {
    this.dataDir = dataDir;
    this.before = DataDirectoryState.files(dataDir);
    this.started = stage.started(date);
    this.committed = stage.committed(date);
    this.thread = new Thread(this::poll, "centraal-stage-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void poll() {
    Set<String> previous = before;
    while (!stop) {
      Set<String> current = DataDirectoryState.files(dataDir);
      for (String f : current) {
        if (!previous.contains(f)) {
          long now = System.nanoTime();
          if (startedNanos < 0 && started.test(f)) {
            startedNanos = now;
          }
          if (startedNanos >= 0 && committed.test(f)) {
            lastCommitNanos = now;
          }
        }
      }
      previous = current;
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Nanotime when the stage's first file appeared, or -1. */
  long startedNanos() {
    return startedNanos;
  }

  /** Milliseconds from the stage's first file to its last commit, or -1 when either was not seen. */
  long windowMillis() {
    return startedNanos < 0 || lastCommitNanos < 0 ? -1 : (lastCommitNanos - startedNanos) / 1_000_000;
  }

  /** Milliseconds since the watch began. */
  long elapsedMillis() {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  @Override
  public void close() {
    stop = true;
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
