package io.centraal.jobs.bench;

import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The writes that {@code bench faults} kills a process in, each seen from outside through the
 * files it creates in the data directory (paths relative to it): the stage has started when a
 * matching new file appears, and has committed when its last matching commit file appears.
 */
enum FaultStage {
  /** ingest: the MERGE of new rows into the bronze tables (and the quarantine slice). */
  BRONZE_MERGE("bronze MERGE", "ingest", "bronze/.*\\.parquet", "bronze/.*/_delta_log/\\d{20}\\.json"),
  /** export: the replaceWhere of the date's slice of gold customer_scores. */
  GOLD_REPLACE_WHERE("gold replaceWhere", "export", "gold/customer_scores/.*\\.parquet",
      "gold/customer_scores/_delta_log/\\d{20}\\.json"),
  /** export: the marketing drop, from its first temporary folder to its _SUCCESS. */
  DROP_PUBLISH("drop publish", "export", "exports/marketing/as_of_date=DATE/_tmp_.*",
      "exports/marketing/as_of_date=DATE/_SUCCESS"),
  /** export: the JDBC upsert transaction, which follows the drop and ends before run_log records the job. */
  JDBC_UPSERT("JDBC upsert", "export", "exports/marketing/as_of_date=DATE/_SUCCESS",
      "gold/run_log/_delta_log/\\d{20}\\.json"),
  /** erase: every table, drop and the database rewritten without a person, then the audit row. */
  ERASE("erase", "erase", "(bronze|silver|gold|exports)/.*\\.parquet", "gold/erasure_audit/_delta_log/\\d{20}\\.json");

  final String label;
  /** The command a killed process runs (and its re-run). */
  final String command;
  private final String started;
  private final String committed;

  FaultStage(String label, String command, String started, String committed) {
    this.label = label;
    this.command = command;
    this.started = started;
    this.committed = committed;
  }

  /** A new file matching this is the stage writing (for the scored date {@code date}). */
  Predicate<String> started(String date) {
    return Pattern.compile(started.replace("DATE", date)).asMatchPredicate();
  }

  /** A new file matching this is one of the stage's commits. */
  Predicate<String> committed(String date) {
    return Pattern.compile(committed.replace("DATE", date)).asMatchPredicate();
  }
}
