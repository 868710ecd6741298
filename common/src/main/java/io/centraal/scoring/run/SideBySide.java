package io.centraal.scoring.run;

import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A piece of driver work run in its own thread beside the caller's, its Spark jobs in their own job
 * group.
 *
 * <p>Why: a model fit on a few hundred thousand rows is a chain of small Spark jobs, each waiting
 * on the driver (planning, the solver between passes) and the scheduler. Run one after another, two
 * such fits leave the executors idle for most of their time; side by side, one fit's jobs take the
 * slots the other leaves free. Spark runs jobs from several threads of one session (its scheduler
 * is thread-safe); the work must only share read-only Datasets with the caller.
 *
 * @param <T> what the work returns
 */
public final class SideBySide<T> {
  private final Thread thread;
  private final SparkContext context;
  private final String jobGroup;
  private volatile T value;
  private volatile Throwable failure;

  private SideBySide(SparkSession spark, String name, Supplier<T> work) {
    this.context = spark.sparkContext();
    this.jobGroup = "centraal-" + name + "-" + java.util.UUID.randomUUID();
    this.thread = new Thread(() -> {
      // The thread's own Spark properties (a child's copy of the caller's): the group is this
      // thread's alone, so cancel() stops only this work's jobs.
      context.setJobGroup(jobGroup, name, true);
      try {
        value = work.get();
      } catch (Throwable t) {
        failure = t;
      } finally {
        context.clearJobGroup();
      }
    }, "centraal " + name);
    thread.setDaemon(true);
  }

  /** Starts {@code work} in a new thread; {@link #join()} gives its result. */
  public static <T> SideBySide<T> start(SparkSession spark, String name, Supplier<T> work) {
    SideBySide<T> running = new SideBySide<>(spark, name, work);
    running.thread.start();
    return running;
  }

  /** Waits for the work and returns its result, or throws what it threw (unchecked as it was). */
  public T join() {
    awaitThread();
    Throwable t = failure;
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
    return value;
  }

  /**
   * Cancels the work's running Spark jobs and waits for its thread to end, so nothing is left
   * writing when the caller gives up (its own failure is what the caller reports).
   */
  public void cancel() {
    context.cancelJobGroup(jobGroup);
    awaitThread();
  }

  private void awaitThread() {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
