package io.centraal.scoring.run;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Tells a command that failed because the machine ran out of disk or memory from one that failed
 * on its data or its code, and says what to change. Without it the user got Spark's
 * "Job aborted due to stage failure" with an executor's stack trace folded into one line.
 *
 * <p>Spark reports a task's failure to the driver as a {@code SparkException} whose message
 * carries the executor's error as text; on a cluster the original exception object stays on the
 * executor. So both the cause chain and every message in it are read.
 */
public final class OutOfResources {
  private OutOfResources() {}

  /** What ran out. */
  public enum Kind { DISK, MEMORY }

  /** What the file systems say when a write finds no room (ENOSPC, EDQUOT). */
  private static final List<String> DISK_SIGNS = List.of("No space left on device", "Disk quota exceeded");
  /**
   * A heap that ran out (a JVM's or Spark's own), or a container that a resource manager killed for
   * its memory: YARN's "Container killed by YARN for exceeding memory limits", Kubernetes'
   * "exit code 137(SIGKILL, possible container OOM)".
   */
  private static final List<String> MEMORY_SIGNS = List.of("java.lang.OutOfMemoryError", "SparkOutOfMemoryError",
      "exceeding memory limits", "possible container OOM");

  /** The kind of exhaustion behind {@code failure}, if any; disk is checked first (a full disk can starve memory). */
  public static Optional<Kind> of(Throwable failure) {
    StringBuilder text = new StringBuilder();
    boolean heap = false;
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = failure; t != null && !seen.containsKey(t); t = t.getCause()) {
      seen.put(t, true);
      heap |= t instanceof OutOfMemoryError;
      text.append(t.getMessage()).append('\n');
      for (Throwable s : t.getSuppressed()) {
        heap |= s instanceof OutOfMemoryError;
        text.append(s.getMessage()).append('\n');
      }
    }
    String all = text.toString();
    if (DISK_SIGNS.stream().anyMatch(all::contains)) {
      return Optional.of(Kind.DISK);
    }
    if (heap || MEMORY_SIGNS.stream().anyMatch(all::contains)) {
      return Optional.of(Kind.MEMORY);
    }
    return Optional.empty();
  }

  /**
   * One paragraph for the user: what ran out, where, and what to change.
   *
   * @param scratch Spark's scratch directories on this machine ({@link ScratchSpace#directories})
   * @param dataDir the data directory, when it is on this machine's file system
   * @param maxHeap this JVM's maximum heap in bytes
   */
  public static String explain(Kind kind, List<Path> scratch, Optional<Path> dataDir, long maxHeap) {
    if (kind == Kind.DISK) {
      StringBuilder where = new StringBuilder();
      for (ScratchSpace.Store store : ScratchSpace.stores(scratch, dataDir)) {
        where.append(where.length() == 0 ? "" : "; ").append(store.describe()).append(" for ")
            .append(store.holds(scratch, dataDir));
      }
      return "out of disk space (a write found no room on its device). Free now: "
          + (where.length() == 0 ? "unknown on this machine (the executors' disks, the data directory's store)" : where)
          + ". A run needs about its input's size free for Spark's spill and shuffle files, and a quarter of it"
          + " again for the tables. Free space, or point SPARK_LOCAL_DIRS (spark.local.dir; on a cluster the"
          + " executors' local disks) or centraal.paths.data-dir at a larger disk, and run the same command again:"
          + " a failed write leaves no partial table version (docs/cluster.md#what-matters-at-scale)";
    }
    return "out of memory (a task or the driver ran out of heap; this JVM's maximum heap is " + size(maxHeap) + ")."
        + " On this machine give the JVM more: CENTRAAL_JAVA_OPTS=\"-Xmx12g @conf/jvm-tuning.args\" (the launcher's"
        + " default is -Xmx6g). On a cluster raise spark.executor.memory and, where a container was killed,"
        + " spark.executor.memoryOverhead; more shuffle partitions (spark.sql.shuffle.partitions) give each task"
        + " less to hold. Then run the same command again (docs/cluster.md#what-matters-at-scale)";
  }

  /** Bytes in binary units, one decimal: "6.0 GiB". */
  public static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
