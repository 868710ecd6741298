package io.centraal.scoring.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.testing.SparkExtension;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Work beside the caller returns its result or its failure, and cancelling it stops its Spark jobs. */
@ExtendWith(SparkExtension.class)
class SideBySideTest {
  @Test
  void returnsTheResultOfSparkJobsRunBesideTheCaller(SparkSession spark) {
    SideBySide<Long> beside = SideBySide.start(spark, "sum", () -> spark.range(0, 10_000).selectExpr("sum(id)")
        .first().getLong(0));
    long here = spark.range(0, 1_000).count();
    assertEquals(1_000, here);
    assertEquals(49_995_000L, beside.join());
  }

  @Test
  void rethrowsWhatTheWorkThrew(SparkSession spark) {
    IllegalArgumentException thrown = new IllegalArgumentException("no outcome to learn from");
    SideBySide<Long> beside = SideBySide.start(spark, "failing", () -> {
      throw thrown;
    });
    assertSame(thrown, assertThrows(IllegalArgumentException.class, beside::join));
  }

  // Without the job group the cancelled job would run for minutes: the timeout fails the test.
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void cancelStopsTheWorksSparkJobsAndWaitsForIt(SparkSession spark) throws Exception {
    // Spark's listeners hear of jobs asynchronously: let the events of earlier tests' jobs (in this
    // shared session) pass first, so that a late task of theirs cannot look like this work starting.
    spark.sparkContext().listenerBus().waitUntilEmpty(60_000L);
    AtomicBoolean started = new AtomicBoolean();
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onTaskStart(org.apache.spark.scheduler.SparkListenerTaskStart taskStart) {
        started.set(true);
      }
    };
    spark.sparkContext().addSparkListener(listener);
    SideBySide<Long> beside = SideBySide.start(spark, "slow", () -> spark.range(0, 600_000, 1, 2)
        .map((MapFunction<Long, Long>) x -> {
          Thread.sleep(1);
          return x;
        }, Encoders.LONG()).count());
    try {
      while (!started.get()) {
        Thread.sleep(50);
      }
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    beside.cancel();
    Exception failure = assertThrows(Exception.class, beside::join);
    assertTrue(String.valueOf(failure.getMessage()).contains("cancel"), String.valueOf(failure));
    // The status tracker reads what the listeners have heard, and Spark may wake the cancelled
    // caller before it posts the job's end: give the end a few seconds to arrive. A job the cancel
    // missed runs for minutes (600,000 rows at 1 ms on two tasks), so it is still running then.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (spark.sparkContext().statusTracker().getActiveJobIds().length > 0 && System.nanoTime() < deadline) {
      spark.sparkContext().listenerBus().waitUntilEmpty(60_000L);
      Thread.sleep(50);
    }
    assertFalse(spark.sparkContext().statusTracker().getActiveJobIds().length > 0, "no job left running");
  }
}
