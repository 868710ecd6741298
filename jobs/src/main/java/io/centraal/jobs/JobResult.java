package io.centraal.jobs;

import java.util.List;

/**
 * What a job reports to the run log: rows read, written and quarantined, a short detail, the
 * warnings that make the run {@code degraded} (complete, but a model fell back or a score is null
 * for a stated reason), and the validity gates that failed without being accepted (the run's
 * scores are kept but not published; exit 3).
 */
record JobResult(long rowsIn, long rowsOut, long rowsQuarantined, String detail, List<String> warnings,
                 List<String> gateFailures) {
  /** run_log.status of a job whose validity gates failed. */
  static final String GATE_FAILED = "gate_failed";

  JobResult {
    warnings = List.copyOf(warnings);
    gateFailures = List.copyOf(gateFailures);
  }

  JobResult(long rowsIn, long rowsOut, long rowsQuarantined, String detail, List<String> warnings) {
    this(rowsIn, rowsOut, rowsQuarantined, detail, warnings, List.of());
  }

  JobResult(long rowsIn, long rowsOut, long rowsQuarantined, String detail) {
    this(rowsIn, rowsOut, rowsQuarantined, detail, List.of());
  }

  boolean degraded() {
    return !warnings.isEmpty();
  }

  /** run_log.status of a job that finished. */
  String status() {
    return !gateFailures.isEmpty() ? GATE_FAILED : degraded() ? "degraded" : "succeeded";
  }
}
