package io.centraal.jobs;

import java.util.List;

/**
 * What a job reports to the run log: rows read, written and quarantined, a short detail, and the
 * warnings that make the run {@code degraded} (complete, but a model fell back or a score is null
 * for a stated reason).
 */
record JobResult(long rowsIn, long rowsOut, long rowsQuarantined, String detail, List<String> warnings) {
  JobResult {
    warnings = List.copyOf(warnings);
  }

  JobResult(long rowsIn, long rowsOut, long rowsQuarantined, String detail) {
    this(rowsIn, rowsOut, rowsQuarantined, detail, List.of());
  }

  boolean degraded() {
    return !warnings.isEmpty();
  }

  /** run_log.status of a job that finished. */
  String status() {
    return degraded() ? "degraded" : "succeeded";
  }
}
