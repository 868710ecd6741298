package io.centraal.jobs;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import picocli.CommandLine.Option;

/** The as-of date and run id every job needs: there is no implicit "today". */
final class DateOptions {
  @Option(names = {"--as-of", "--as-of-date"}, required = true, paramLabel = "DATE",
      description = "The date scored (yyyy-MM-dd); data up to and including this day is used.")
  LocalDate asOf;

  @Option(names = "--run-id", paramLabel = "ID",
      description = "Id stored with every row this run writes. Default: a new unique id.")
  String runId;

  String runIdOrNew() {
    if (runId == null) {
      runId = newRunId();
    }
    return runId;
  }

  /** A unique run id: UTC start time plus a random suffix. */
  static String newRunId() {
    return "run-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC)
        .format(java.time.Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
