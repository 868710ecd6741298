package io.centraal.scoring.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.testing.SparkExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job that died because a task found no room on its disk or ran out of heap is told from other
 * failures, as Spark reports it to the driver; the user is told where and what to change.
 */
@ExtendWith(SparkExtension.class)
class OutOfResourcesTest {
  /** Runs one Spark job whose task fails with {@code failure} on its third row, and returns what the driver got. */
  private static Exception jobFailingWith(SparkSession spark, RuntimeException runtime, Error error) {
    MapFunction<Long, Long> task = id -> {
      if (id == 3L) {
        if (error != null) {
          throw error;
        }
        throw runtime;
      }
      return id;
    };
    return assertThrows(Exception.class, () -> spark.range(0, 10, 1, 2).map(task, Encoders.LONG()).count());
  }

  @Test
  void aTaskThatFindsNoRoomOnItsDiskFailsTheJobAsOutOfDisk(SparkSession spark) {
    Exception failure = jobFailingWith(spark,
        new UncheckedIOException(new IOException("No space left on device")), null);
    assertEquals(Optional.of(OutOfResources.Kind.DISK), OutOfResources.of(failure));
    // Wrapped again by a command (a backfill's ScoringException keeps its cause).
    assertEquals(Optional.of(OutOfResources.Kind.DISK),
        OutOfResources.of(new ScoringException("backfill stopped at 2024-12-31", failure)));
  }

  /**
   * In local mode the executor is this JVM: with Spark's default a task's OutOfMemoryError ends the
   * process (exit 52). The session's setting for local masters makes it the job's failure instead,
   * which the command line explains. (Without the setting this test ends the test JVM.)
   */
  @Test
  void aTaskThatRunsOutOfHeapFailsTheJobInsteadOfEndingTheProcess(SparkSession spark) {
    assertEquals("0", spark.sparkContext().getConf().get(SparkSessions.KILL_ON_FATAL_ERROR_KEY));
    Exception failure = jobFailingWith(spark, null, new OutOfMemoryError("Java heap space"));
    assertEquals(Optional.of(OutOfResources.Kind.MEMORY), OutOfResources.of(failure));
    // The session is still usable afterwards.
    assertEquals(10L, spark.range(10).count());
  }

  @Test
  void otherFailuresAreNotMistakenForAMachineRunningOut(SparkSession spark) {
    Exception failure = jobFailingWith(spark, new IllegalArgumentException("bad amount '12,5'"), null);
    assertEquals(Optional.empty(), OutOfResources.of(failure));
    assertEquals(Optional.empty(), OutOfResources.of(new InvalidInputException("source 'transactions': no rows")));
  }

  @Test
  void aClusterReportsTheExecutorsErrorAsTextOnly() {
    // On a cluster the driver gets the executor's failure as text, without the exception object.
    assertEquals(Optional.of(OutOfResources.Kind.DISK), OutOfResources.of(new RuntimeException(
        "Job aborted due to stage failure: Task 3 in stage 11.0 failed 4 times, most recent failure: Lost task 3.3"
            + " (executor 2): java.io.IOException: No space left on device\n\tat java.base/java.io.FileOutputStream")));
    assertEquals(Optional.of(OutOfResources.Kind.MEMORY), OutOfResources.of(new RuntimeException(
        "ExecutorLostFailure (executor 3 exited caused by one of the running tasks) Reason: Container killed by YARN"
            + " for exceeding memory limits. 5.5 GB of 5.5 GB physical memory used.")));
    assertEquals(Optional.of(OutOfResources.Kind.MEMORY), OutOfResources.of(new RuntimeException(
        "The executor with id 2 exited with exit code 137(SIGKILL, possible container OOM).")));
  }

  @Test
  void theExplanationSaysWhereAndWhatToChange(@TempDir Path scratch) {
    Path data = scratch.resolve("data");
    String disk = OutOfResources.explain(OutOfResources.Kind.DISK, List.of(scratch), Optional.of(data), 6L << 30);
    assertTrue(disk.startsWith("out of disk space"), disk);
    assertTrue(disk.contains(scratch + ", " + data + " ("), "names the directories with their space: " + disk);
    assertTrue(disk.contains("for Spark's scratch files and the tables"), disk);
    assertTrue(disk.contains("free of") && disk.contains("SPARK_LOCAL_DIRS"), disk);
    String memory = OutOfResources.explain(OutOfResources.Kind.MEMORY, List.of(scratch), Optional.empty(), 6L << 30);
    assertTrue(memory.contains("maximum heap is 6.0 GiB"), memory);
    assertTrue(memory.contains("CENTRAAL_JAVA_OPTS") && memory.contains("spark.executor.memory"), memory);
    assertFalse(memory.contains(scratch.toString()), memory);
  }

  @Test
  void sizesReadAsBinaryUnits() {
    assertEquals("512 B", OutOfResources.size(512));
    assertEquals("1.5 KiB", OutOfResources.size(1536));
    assertEquals("544.5 MiB", OutOfResources.size((long) (544.5 * 1024 * 1024)));
    assertEquals("6.0 GiB", OutOfResources.size(6L << 30));
  }
}
