package io.centraal.scoring.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lease on a data directory: one holder, stale locks taken over, released locks re-acquirable. */
class DataDirectoryLeaseTest {
  @Test
  void aSecondHolderIsRefusedWithAMessageNamingTheFirst(@TempDir Path dir) {
    try (DataDirectoryLease first = DataDirectoryLease.acquire(dir.toString(), "run", "nightly-1")) {
      assertTrue(first.held());
      DataDirectoryLockedException refused = assertThrows(DataDirectoryLockedException.class,
          () -> DataDirectoryLease.acquire(dir.toString(), "erase", "erase-2"));
      String message = refused.getMessage();
      assertTrue(message.contains("pid " + ProcessHandle.current().pid()) && message.contains("command 'run'")
          && message.contains("run id nightly-1") && message.contains("on host " + DataDirectoryLease.thisHost())
          && message.contains("since ") && message.contains(DataDirectoryLease.LOCK_FILE), message);
      assertFalse(message.contains("\n"), "one line");
      assertEquals("nightly-1", DataDirectoryLease.holderOf(dir.toString()).orElseThrow().runId(),
          "the refused attempt left the holder's lock alone");
    }
  }

  @Test
  void aReleasedLeaseCanBeTakenAgainAndLeavesNoFileBehind(@TempDir Path dir) throws Exception {
    DataDirectoryLease.acquire(dir.toString(), "ingest", "r1").close();
    assertEquals(List.of(), names(dir), "no lock or temporary file left");
    try (DataDirectoryLease again = DataDirectoryLease.acquire(dir.toString(), "score", "r2")) {
      assertEquals("r2", DataDirectoryLease.holderOf(dir.toString()).orElseThrow().runId());
    }
  }

  @Test
  void theStaleLockOfADeadProcessOnThisHostIsTakenOver(@TempDir Path dir) throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor(30, TimeUnit.SECONDS);
    Instant now = Instant.now();
    writeLock(dir, new DataDirectoryLease.Holder("t-dead", gone.pid(), DataDirectoryLease.thisHost(), "run",
        "killed-run", now.minusSeconds(60), now.plusSeconds(3600)));
    try (DataDirectoryLease lease = DataDirectoryLease.acquire(dir.toString(), "run", "after-kill")) {
      assertTrue(lease.held());
      assertEquals("after-kill", DataDirectoryLease.holderOf(dir.toString()).orElseThrow().runId());
    }
  }

  @Test
  void aLockFromAnotherHostHoldsUntilItsExpiryPasses(@TempDir Path dir) throws Exception {
    Instant now = Instant.now();
    writeLock(dir, new DataDirectoryLease.Holder("t-remote", 4242, "other-host.example", "run", "remote-run",
        now.minusSeconds(60), now.plusSeconds(60)));
    assertThrows(DataDirectoryLockedException.class, () -> DataDirectoryLease.acquire(dir.toString(), "run", "mine"),
        "a live pid elsewhere cannot be checked: its unexpired lease holds");

    Clock later = Clock.fixed(now.plusSeconds(120), java.time.ZoneOffset.UTC);
    try (DataDirectoryLease lease = DataDirectoryLease.acquire(dir.toString(), "run", "mine", Duration.ofMinutes(2),
        later)) {
      assertEquals("mine", DataDirectoryLease.holderOf(dir.toString()).orElseThrow().runId(), "expired: taken over");
    }
  }

  @Test
  void theHeartbeatKeepsTheLeaseAliveBeyondItsFirstExpiry(@TempDir Path dir) throws Exception {
    try (DataDirectoryLease lease = DataDirectoryLease.acquire(dir.toString(), "run", "long", Duration.ofMillis(400),
        Clock.systemUTC())) {
      Instant firstExpiry = DataDirectoryLease.holderOf(dir.toString()).orElseThrow().expires();
      Thread.sleep(1000);
      Instant renewed = DataDirectoryLease.holderOf(dir.toString()).orElseThrow().expires();
      assertTrue(renewed.isAfter(firstExpiry.plusMillis(300)), firstExpiry + " -> " + renewed);
      assertThrows(DataDirectoryLockedException.class, () -> DataDirectoryLease.acquire(dir.toString(), "run", "other"));
    }
  }

  @Test
  void ofManyProcessesStartingTogetherExactlyOneGetsTheLease(@TempDir Path dir) throws Exception {
    int n = 8;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch start = new CountDownLatch(1);
    ConcurrentLinkedQueue<DataDirectoryLease> winners = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> refused = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < n; i++) {
      String id = "r" + i;
      pool.submit(() -> {
        start.await();
        try {
          winners.add(DataDirectoryLease.acquire(dir.toString(), "run", id));
        } catch (DataDirectoryLockedException e) {
          refused.add(e);
        }
        return null;
      });
    }
    start.countDown();
    pool.shutdown();
    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    assertEquals(1, winners.size(), "winners " + winners.size() + ", refused " + refused);
    assertEquals(n - 1, refused.size());
    winners.forEach(DataDirectoryLease::close);
  }

  private static void writeLock(Path dir, DataDirectoryLease.Holder holder) throws Exception {
    Files.write(dir.resolve(DataDirectoryLease.LOCK_FILE), holder.bytes());
  }

  private static List<String> names(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
