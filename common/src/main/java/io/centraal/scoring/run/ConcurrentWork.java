package io.centraal.scoring.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Independent pieces of driver work (one source each, for ingest) run at most {@code parallelism}
 * at a time, each in a Spark job group of its own, handed back in the order given.
 *
 * <p>Why: a small source is a chain of short Spark jobs (read, validate, quarantine slice, MERGE),
 * each mostly driver time (planning, the Delta log, the commit) with the executors idle; two at once
 * fill some of those moments. On 2 local cores that saved 5-11% of a small ingest and nothing once
 * the rows dominate (docs/benchmarks.md); on a cluster, where executors wait on the driver, more.
 *
 * <p>Failure: when a piece fails, pieces not started yet are not started, the running ones finish
 * (each leaves its table committed or untouched, never half-written), and the first failure in the
 * given order is thrown, with any later ones suppressed in it. Pieces must not share mutable state;
 * writes to one Delta table are serialised by {@link io.centraal.scoring.io.DeltaTables}.
 */
public final class ConcurrentWork {
  private ConcurrentWork() {}

  /** A named piece of work; the name labels its thread and job group. */
  public record Piece<T>(String name, Supplier<T> work) {}

  /** A finished piece: its value and the Spark jobs and tasks it ran. */
  public record Done<T>(String name, T value, SparkWorkCounter.Reading sparkWork) {}

  /**
   * Runs {@code pieces}, at most {@code parallelism} at a time, and gives each finished piece to
   * {@code inOrder} in the order of {@code pieces} (on the calling thread, as soon as it and every
   * piece before it are done). {@code parallelism} 1 runs them one after another.
   */
  public static <T> void run(SparkSession spark, int parallelism, List<Piece<T>> pieces, Consumer<Done<T>> inOrder) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
    }
    SparkContext context = spark.sparkContext();
    SparkWorkCounter counter = SparkWorkCounter.of(context);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, pieces.size())), r -> {
      Thread t = new Thread(r, "centraal work " + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    List<Future<Done<T>>> running = new ArrayList<>();
    // Set by the first failure: pieces that have not started yet then do not start (they return null).
    AtomicBoolean failed = new AtomicBoolean();
    try {
      for (Piece<T> piece : pieces) {
        running.add(pool.submit(() -> failed.get() ? null : runInGroup(context, counter, piece, failed)));
      }
      RuntimeException failure = null;
      for (Future<Done<T>> f : running) {
        Done<T> done;
        try {
          done = awaitUninterruptibly(f);
        } catch (ExecutionException e) {
          RuntimeException cause = unchecked(e.getCause());
          if (failure == null) {
            failure = cause;
          } else if (cause != failure) {
            failure.addSuppressed(cause);
          }
          continue;
        }
        if (done != null && failure == null) {
          inOrder.accept(done);
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      pool.shutdown();
    }
  }

  private static <T> Done<T> runInGroup(SparkContext context, SparkWorkCounter counter, Piece<T> piece,
                                        AtomicBoolean failed) {
    String group = "centraal-" + piece.name() + "-" + java.util.UUID.randomUUID();
    counter.track(group);
    // A pool thread's Spark properties are its own copy: the group is this piece's alone.
    context.setJobGroup(group, piece.name(), true);
    T value;
    SparkWorkCounter.Reading work;
    try {
      value = piece.work().get();
    } catch (RuntimeException | Error e) {
      failed.set(true);
      throw e;
    } finally {
      context.clearJobGroup();
      work = counter.untrack(group);
    }
    return new Done<>(piece.name(), value, work);
  }

  private static <T> T awaitUninterruptibly(Future<T> f) throws ExecutionException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static RuntimeException unchecked(Throwable t) {
    if (t instanceof RuntimeException e) {
      return e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }
}
