package io.centraal.scoring.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.centraal.scoring.testing.SparkExtension;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The settings centraal's sessions take unless the installation sets them (the tests' session is built the same way). */
@ExtendWith(SparkExtension.class)
class SparkSessionsTest {
  @Test
  void setsItsDefaultsWhereTheInstallationDoesNot(SparkSession spark) {
    assertEquals("false", spark.conf().get(SparkSessions.CACHE_COMPRESSED_KEY));
    // The test harness sets these two as an installation would (system properties): its values win.
    assertEquals("2", spark.conf().get(SparkSessions.SNAPSHOT_PARTITIONS_KEY));
    assertEquals("2", spark.conf().get(SparkSessions.LISTING_PARALLELISM_KEY));
    assertEquals("UTC", spark.conf().get("spark.sql.session.timeZone"));
    assertEquals(2L << 20, org.apache.spark.SparkEnv.get().memoryManager().pageSizeBytes());
  }

  @Test
  void aSmallAggregationTakesPagesOfMegabytesNotOfTheHeapsCeiling(SparkSession spark) throws Exception {
    // Spark's own page size would be 32 MB in this test JVM (4 GB heap, 2 tasks) and its 64 MB
    // ceiling in the launcher's: each task of a hash aggregation holds at least one page, whatever its rows.
    java.util.List<Long> peaks = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
          peaks.add(end.taskMetrics().peakExecutionMemory());
        }
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      spark.range(1_000).selectExpr("concat('ref-', id % 97) AS ref", "id").groupBy("ref").count().collectAsList();
      spark.sparkContext().listenerBus().waitUntilEmpty(); // task-end events arrive after the job
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    long largest = peaks.stream().mapToLong(Long::longValue).max().orElseThrow();
    org.junit.jupiter.api.Assertions.assertTrue(largest > 0, "the aggregation reported its memory");
    org.junit.jupiter.api.Assertions.assertTrue(largest <= 8L << 20,
        "a task aggregating 1,000 rows held " + largest / (1 << 20) + " MB");
  }

  @Test
  void aQueryPlannedAgainAfterMoreThanAHundredOthersIsNotCompiledAgain(SparkSession spark) {
    // Each query's generated class differs by its literal; with Spark's default of 100 cached classes
    // the first would be evicted by the 150 after it and compiled a second time.
    // (Whole-stage code generation compiles the class when the plan is turned into an RDD: no job needed.)
    java.util.function.IntConsumer query = k -> spark.range(3).selectExpr("id * " + k + " + 7 AS v")
        .queryExecution().executedPlan().execute();
    query.accept(1_000_000);
    for (int k = 1; k <= 150; k++) {
      query.accept(1_000_000 + k);
    }
    long compiled = org.apache.spark.metrics.source.CodegenMetrics.METRIC_COMPILATION_TIME().getCount();
    query.accept(1_000_000);
    assertEquals(compiled, org.apache.spark.metrics.source.CodegenMetrics.METRIC_COMPILATION_TIME().getCount(),
        "the first query's class is still compiled");
  }
}
