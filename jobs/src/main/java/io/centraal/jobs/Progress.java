package io.centraal.jobs;

import io.centraal.scoring.run.SparkWorkCounter;
import java.io.PrintStream;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/** Progress lines while a pipeline runs: stage, what, rows in/out, seconds, and the Spark jobs and tasks it took. */
final class Progress {
  private final PrintStream out;
  private final SparkWorkCounter work;
  private SparkWorkCounter.Reading last;

  /** Lines without Spark counts (messages after the run). */
  Progress(PrintStream out) {
    this.out = out;
    this.work = null;
  }

  /** Lines that also count the jobs and tasks {@code spark} ran since the previous line. */
  Progress(PrintStream out, SparkSession spark) {
    this.out = out;
    this.work = SparkWorkCounter.of(spark.sparkContext());
    this.last = work.read();
  }

  void step(String stage, String what, long rowsIn, long rowsOut, long quarantined, double seconds) {
    step(stage, what, rowsIn, rowsOut, quarantined, seconds, null);
  }

  /**
   * A line with the Spark work of {@code sparkWork} (counted by its job group, for work run beside
   * other work), or, when null, the work since the previous line. The next line counts from now.
   */
  void step(String stage, String what, long rowsIn, long rowsOut, long quarantined, double seconds,
            SparkWorkCounter.Reading sparkWork) {
    String spark = "";
    if (work != null) {
      SparkWorkCounter.Reading now = work.read();
      SparkWorkCounter.Reading done = sparkWork != null ? sparkWork : now.since(last);
      last = now;
      spark = String.format(Locale.ROOT, "  %4d jobs %6d tasks", done.jobs(), done.tasks());
    }
    out.println(String.format(Locale.ROOT, "[%-8s] %-16s in %,12d  out %,12d%s  %7.1f s%s", stage, what, rowsIn,
        rowsOut, quarantined > 0 ? String.format(Locale.ROOT, "  quarantined %,d", quarantined) : "", seconds, spark));
    out.flush();
  }

  void info(String line) {
    out.println(line);
    out.flush();
  }
}
