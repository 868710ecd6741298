package io.centraal.jobs;

/** What a job reports to the run log: rows read, written and quarantined, and a short detail. */
record JobResult(long rowsIn, long rowsOut, long rowsQuarantined, String detail) {}
