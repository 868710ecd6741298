package io.centraal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.run.InvalidInputException;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.run.ScoringException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exit codes of the CLI, without starting Spark (argument and config errors fail before it). */
class CentraalCliTest {
  @Test
  void helpExitsZeroEverywhere() {
    for (String cmd : new String[] {"--help", "demo --help", "generate --help", "run --help", "ingest --help",
        "identity --help", "features --help", "score --help", "export --help", "status --help", "erase --help",
        "retention --help", "backtest --help", "bench clv --help", "bench clv-recovery --help",
        "bench influence-validation --help", "bench faults --help",
        "report --help"}) {
      assertEquals(0, CentraalCli.execute(cmd.split(" ")), cmd);
    }
  }

  @Test
  void badArgumentsExitTwo() {
    assertEquals(2, CentraalCli.execute("run"), "missing --as-of");
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-13-01"));
    assertEquals(2, CentraalCli.execute("report"), "report without --as-of");
    assertEquals(2, CentraalCli.execute("frobnicate"));
    assertEquals(2, CentraalCli.execute());
  }

  @Test
  void aMachineThatRanOutOfDiskOrMemoryExitsSixAndOtherFailuresOne() {
    RuntimeException sparkJob = new RuntimeException("Job aborted due to stage failure: Lost task 1.0 in stage 11.0:"
        + " java.io.IOException: No space left on device");
    assertEquals(CentraalCli.EXIT_RESOURCES, CentraalCli.exitCode(sparkJob));
    assertEquals(6, CentraalCli.exitCode(new ScoringException("backfill stopped at 2024-01-02",
        new IllegalStateException("task failed", new OutOfMemoryError("Java heap space")))));
    assertEquals(1, CentraalCli.exitCode(new IllegalStateException("a bug")));
    assertTrue(CentraalCli.explain(io.centraal.scoring.run.OutOfResources.Kind.DISK).contains("SPARK_LOCAL_DIRS"));
  }

  @Test
  void aBackfillRunsEveryDateOfTheRangeInOrderAndRejectsBadRanges() {
    assertEquals(List.of(LocalDate.of(2024, 2, 28), LocalDate.of(2024, 2, 29), LocalDate.of(2024, 3, 1)),
        RunCommand.dates(null, LocalDate.of(2024, 2, 28), LocalDate.of(2024, 3, 1)));
    assertEquals(List.of(LocalDate.of(2024, 1, 1)), RunCommand.dates(LocalDate.of(2024, 1, 1), null, null));
    assertEquals(2, CentraalCli.execute("run", "--from", "2024-01-02"), "missing --to");
    assertEquals(2, CentraalCli.execute("run", "--from", "2024-01-02", "--to", "2024-01-01"), "reversed range");
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-01-02", "--from", "2024-01-01", "--to", "2024-01-03"));
  }

  @Test
  void badConfigExitsTwoBeforeSparkStarts() {
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-01-01", "--set", "ingest.max-reject-shar=0.1"));
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-01-01", "--conf", "/no/such/file.conf"));
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-01-01", "--set", "time-unit=fortnights"));
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-01-01", "--set", "score.clv.model=bgnbd"));
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-01-01", "--set", "score.clv.candidates=[nbd, lnd]"));
    assertEquals(2, CentraalCli.execute("run", "--as-of", "2024-01-01", "--set", "score.clv.on-unidentified=ignore"));
  }

  @Test
  void eraseWithoutReferencesOrWithAnEmailAndNoHashingKeyExitsTwo() {
    assertEquals(2, CentraalCli.execute("erase"), "no --ref");
    assertEquals(2, CentraalCli.execute("erase", "--ref-file", "/no/such/refs.txt"));
    assertEquals(2, CentraalCli.execute("erase", "--ref", "jan@example.nl",
        "--set", "privacy.email-hash-key-env=CENTRAAL_TEST_KEY_THAT_IS_NOT_SET"));
  }

  @Test
  void aBackfillRunsTheDatesInOrderAndStopsAtTheFirstFailureNamingHowToResume() {
    List<LocalDate> dates = RunCommand.dates(null, LocalDate.of(2024, 3, 1), LocalDate.of(2024, 3, 4));
    List<String> ran = new ArrayList<>();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Progress progress = new Progress(new PrintStream(printed, true, StandardCharsets.UTF_8));
    RunCommand.backfill(dates, "nightly", ctx -> ran.add(ctx.runId() + "@" + ctx.asOfDate()), progress);
    assertEquals(List.of("nightly-2024-03-01@2024-03-01", "nightly-2024-03-02@2024-03-02",
        "nightly-2024-03-03@2024-03-03", "nightly-2024-03-04@2024-03-04"), ran);
    assertTrue(printed.toString(StandardCharsets.UTF_8).contains("backfill finished: 4 dates"));

    // The third date fails: the fourth is not run, and the message says where to resume.
    ran.clear();
    ScoringException stopped = assertThrows(ScoringException.class, () -> RunCommand.backfill(dates, "b",
        (RunContext ctx) -> {
          if (ctx.asOfDate().getDayOfMonth() == 3) {
            throw new InvalidInputException("no transactions file for " + ctx.asOfDate());
          }
          ran.add(ctx.asOfDate().toString());
        }, progress));
    assertEquals(List.of("2024-03-01", "2024-03-02"), ran);
    String message = stopped.getMessage();
    assertTrue(message.contains("backfill stopped at 2024-03-03") && message.contains("2 of 4 dates done")
        && message.contains("resume with --from 2024-03-03 --to 2024-03-04")
        && message.contains("no transactions file for 2024-03-03"), message);

    // A single date keeps its run id and its own error.
    assertThrows(InvalidInputException.class, () -> RunCommand.backfill(List.of(LocalDate.of(2024, 3, 3)), "one",
        ctx -> {
          assertEquals("one", ctx.runId());
          throw new InvalidInputException("bad");
        }, progress));
  }
}
