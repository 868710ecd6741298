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
