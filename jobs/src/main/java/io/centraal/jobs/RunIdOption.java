package io.centraal.jobs;

import io.centraal.scoring.run.InvalidConfigException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import picocli.CommandLine.Option;

/** The id stored with every row a run writes ({@code run_log}, {@code model_runs}, the tables). */
final class RunIdOption {
  @Option(names = "--run-id", paramLabel = "ID",
      description = "Id stored with every row this run writes (a backfill appends -<date>). Default: a new unique id.")
  String runId;

  /** What a run id may contain: it goes into file names (drops, temporary folders) and table rows. */
  static final java.util.regex.Pattern VALID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]+");

  /** The given id, or a new one (kept, so every later call returns the same id); a bad id fails (exit 2). */
  String runIdOrNew() {
    if (runId == null) {
      runId = newRunId();
    }
    if (!VALID.matcher(runId).matches() || runId.equals(".") || runId.equals("..")) {
      throw new InvalidConfigException("--run-id '" + runId + "' may hold only letters, digits, '.', '_' and '-' "
          + "(it becomes part of file and folder names)");
    }
    return runId;
  }

  /** A unique run id: UTC start time plus a random suffix. */
  static String newRunId() {
    return "run-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC)
        .format(java.time.Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
