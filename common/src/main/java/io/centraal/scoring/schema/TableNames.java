package io.centraal.scoring.schema;

/** Names of the tables centraal writes, below the data directory's bronze/silver/gold folders. */
public final class TableNames {
  private TableNames() {}

  public static final String QUARANTINE = "quarantine";
  public static final String IDENTITY_MAP = "identity_map";
  public static final String CUSTOMER_FEATURES = "customer_features";
  public static final String CUSTOMER_SCORES = "customer_scores";
  /** Silver: the scores of the score stage, before export promotes them to gold. */
  public static final String SCORES = "scores";
  public static final String MODEL_RUNS = "model_runs";
  public static final String RUN_LOG = "run_log";
  public static final String MARKETING_DROP = "marketing";
  /** Gold: one row per erasure request (no personal data). */
  public static final String ERASURE_AUDIT = "erasure_audit";
}
