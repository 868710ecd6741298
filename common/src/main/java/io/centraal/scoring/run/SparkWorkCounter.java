package io.centraal.scoring.run;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>Work run side by side (several sources ingested at once) is told apart by its Spark job group:
 * {@link #track} a group before its work starts, {@link #untrack} it after to read that work alone.
 */
public final class SparkWorkCounter extends SparkListener {
  /** The local property that carries a job's group (SparkContext.SPARK_JOB_GROUP_ID, private to Spark). */
  private static final String JOB_GROUP_PROPERTY = "spark.jobGroup.id";

  private final AtomicLong jobs = new AtomicLong();
  private final AtomicLong tasks = new AtomicLong();
  /** Jobs and tasks of each tracked job group: {jobs, tasks}. */
  private final Map<String, AtomicLong[]> groups = new ConcurrentHashMap<>();
  /** The tracked group of each stage of a tracked group's jobs, for its tasks. */
  private final Map<Integer, String> stageGroups = new ConcurrentHashMap<>();

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

  /** Starts counting the jobs and tasks of Spark job group {@code group}. */
  public void track(String group) {
    groups.put(group, new AtomicLong[] {new AtomicLong(), new AtomicLong()});
  }

  /** Stops counting {@code group}; what it ran since {@link #track} (zero when it was not tracked). */
  public Reading untrack(String group) {
    AtomicLong[] counts = groups.remove(group);
    stageGroups.values().removeIf(group::equals);
    return counts == null ? new Reading(0, 0) : new Reading(counts[0].get(), counts[1].get());
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    jobs.incrementAndGet();
    String group = jobStart.properties() == null ? null : jobStart.properties().getProperty(JOB_GROUP_PROPERTY);
    AtomicLong[] counts = group == null ? null : groups.get(group);
    if (counts != null) {
      counts[0].incrementAndGet();
      for (Object stage : scala.collection.JavaConverters.seqAsJavaList(jobStart.stageIds())) {
        stageGroups.put((Integer) stage, group);
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    tasks.incrementAndGet();
    String group = stageGroups.get(taskEnd.stageId());
    AtomicLong[] counts = group == null ? null : groups.get(group);
    if (counts != null) {
      counts[1].incrementAndGet();
    }
  }
}
