package io.centraal.scoring.run;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Counts the Spark jobs and tasks a session runs, so each stage of a run can say what it cost in
 * Spark's terms: on a cluster every job and task is a scheduling round trip, and a stage that runs
 * 150 jobs for 2,000 customers has fixed costs to cut, whatever its wall time on one machine.
 * Listener events arrive asynchronously, so a reading taken the moment a stage ends can miss the
 * last few tasks; the counts are for comparing stages and builds, not for accounting.
 */
public final class SparkWorkCounter extends SparkListener {
  private final AtomicLong jobs = new AtomicLong();
  private final AtomicLong tasks = new AtomicLong();

  private static SparkContext attachedTo;
  private static SparkWorkCounter attached;

  /**
   * The counter listening to {@code context}: one per context, so commands run one after another
   * in one JVM (a backfill, the tests) do not pile up listeners.
   */
  public static synchronized SparkWorkCounter of(SparkContext context) {
    if (attachedTo != context) {
      attached = new SparkWorkCounter();
      context.addSparkListener(attached);
      attachedTo = context;
    }
    return attached;
  }

  /** Jobs and tasks counted so far. */
  public record Reading(long jobs, long tasks) {
    /** The work done between {@code earlier} and this reading. */
    public Reading since(Reading earlier) {
      return new Reading(jobs - earlier.jobs, tasks - earlier.tasks);
    }
  }

  public Reading read() {
    return new Reading(jobs.get(), tasks.get());
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    jobs.incrementAndGet();
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    tasks.incrementAndGet();
  }
}
