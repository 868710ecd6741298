package io.centraal.jobs.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What every {@code centraal bench} command shares: wall and process CPU time per stage, printed
 * as one aligned table, and its scratch directories. CPU time (all threads, JIT and GC included)
 * is the figure that holds when other jobs share the machine; wall time is what a user waits.
 */
final class BenchStages {
  private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final StringBuilder lines = new StringBuilder();
  private final long start = System.nanoTime();
  private final long startCpu = os.getProcessCpuTime();
  private final long startUptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();
  private long wall = start;
  private long cpu = startCpu;

  /** Ends the stage that began at the previous {@code end} (or at construction); returns its wall seconds. */
  double end(String stage) {
    long nowWall = System.nanoTime();
    long nowCpu = os.getProcessCpuTime();
    double seconds = (nowWall - wall) / 1e9;
    lines.append(String.format(Locale.ROOT, "  %-72s %6.1f s wall %6.1f s CPU%n", stage, seconds,
        (nowCpu - cpu) / 1e9));
    wall = nowWall;
    cpu = nowCpu;
    return seconds;
  }

  /** Prints the stages and the in-process total; the CPU spent before the first stage (JVM start, untimed set-up) apart. */
  void print() {
    System.out.print(lines);
    System.out.printf(Locale.ROOT, "  %-72s %6.1f s wall %6.1f s CPU (before the first stage: %.1f s wall, %.1f s CPU:"
            + " JVM start and untimed set-up)%n",
        "total in-process", (wall - start) / 1e9, (cpu - startCpu) / 1e9, startUptimeMillis / 1e3, startCpu / 1e9);
  }

  /** Seconds since {@code startNanos} (a System.nanoTime() reading). */
  public static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
