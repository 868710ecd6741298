package io.centraal.scoring.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.testing.SparkExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Pieces of work run at most N at a time, come back in order, and stop at a failure. */
@ExtendWith(SparkExtension.class)
class ConcurrentWorkTest {
  @Test
  void piecesComeBackInTheirOrderWithNoMoreThanTheBoundRunningAtOnce(SparkSession spark) {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    // The first two pieces wait for each other, so two run at once whatever the machine's load.
    java.util.concurrent.CountDownLatch firstTwo = new java.util.concurrent.CountDownLatch(2);
    List<ConcurrentWork.Piece<Integer>> pieces = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int index = i;
      pieces.add(new ConcurrentWork.Piece<>("piece-" + i, () -> {
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        if (index < 2) {
          firstTwo.countDown();
          await(firstTwo);
        }
        try {
          // The first piece is the slowest: later ones finish first but are handed back after it.
          sleep(index == 0 ? 400 : 100);
          return index;
        } finally {
          running.decrementAndGet();
        }
      }));
    }
    List<Integer> handedBack = new ArrayList<>();
    ConcurrentWork.run(spark, 2, pieces, done -> handedBack.add(done.value()));
    assertEquals(List.of(0, 1, 2, 3, 4, 5), handedBack);
    assertEquals(2, mostAtOnce.get(), "two at a time, never more");
  }

  @Test
  void eachPieceCountsItsOwnSparkJobsWhileOthersRun(SparkSession spark) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<ConcurrentWork.Piece<Integer>> pieces = List.of(3, 1).stream()
        .map(jobs -> new ConcurrentWork.Piece<>("jobs-" + jobs, () -> {
          for (int j = 0; j < jobs; j++) {
            sc.parallelize(List.of(1, 2, 3, 4), 2).count();
          }
          // Listener events arrive asynchronously; drained here so the reading is complete.
          drainListenerEvents(spark);
          return jobs;
        })).toList();
    List<ConcurrentWork.Done<Integer>> done = new ArrayList<>();
    ConcurrentWork.run(spark, 2, pieces, done::add);
    for (ConcurrentWork.Done<Integer> d : done) {
      assertEquals((long) d.value(), d.sparkWork().jobs(), d.name());
      assertEquals(2L * d.value(), d.sparkWork().tasks(), d.name());
    }
  }

  @Test
  void aFailureStopsPiecesNotStartedLetsRunningOnesFinishAndIsThrown(SparkSession spark) {
    IllegalStateException broken = new IllegalStateException("source 'reviews': no data");
    List<String> started = Collections.synchronizedList(new ArrayList<>());
    List<String> finished = Collections.synchronizedList(new ArrayList<>());
    List<ConcurrentWork.Piece<String>> pieces = new ArrayList<>();
    java.util.concurrent.CountDownLatch slowStarted = new java.util.concurrent.CountDownLatch(1);
    pieces.add(new ConcurrentWork.Piece<>("slow", () -> {
      started.add("slow");
      slowStarted.countDown();
      sleep(500);
      finished.add("slow");
      return "slow";
    }));
    pieces.add(new ConcurrentWork.Piece<>("failing", () -> {
      started.add("failing");
      // Fails only once the slow piece runs: a piece that has not started when a failure comes
      // never starts, so without the wait the slow one could be skipped too.
      await(slowStarted);
      throw broken;
    }));
    pieces.add(new ConcurrentWork.Piece<>("later", () -> {
      started.add("later");
      return "later";
    }));
    List<String> handedBack = new ArrayList<>();
    assertSame(broken, assertThrows(IllegalStateException.class,
        () -> ConcurrentWork.run(spark, 2, pieces, done -> handedBack.add(done.value()))));
    assertEquals(List.of("slow"), finished, "the running piece finished before the failure was thrown");
    assertFalse(started.contains("later"), "the piece not started when the failure came never starts");
    assertEquals(List.of("slow"), handedBack, "pieces before the failure are still handed back");
  }

  @Test
  void aParallelismBelowOneIsRefused(SparkSession spark) {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ConcurrentWork.run(spark, 0, List.of(), d -> { }))
        .getMessage().contains("at least 1"));
  }

  private static void drainListenerEvents(SparkSession spark) {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(java.util.concurrent.CountDownLatch latch) {
    try {
      latch.await(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
