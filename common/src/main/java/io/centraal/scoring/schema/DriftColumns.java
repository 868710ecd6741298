package io.centraal.scoring.schema;

/** Columns of the run-over-run drift frames (segment migration, rolling backtest) and model_runs names. */
public final class DriftColumns {
  private DriftColumns() {}

  /** model_runs.model of the run-over-run comparison. */
  public static final String RUN_DRIFT_MODEL = "run_drift";
  /** model_runs.model of the validity gates. */
  public static final String VALIDITY_GATES_MODEL = "validity_gates";

  // Segment migration matrix: one row per (from, to) pair.
  public static final String FROM_SEGMENT = "from_segment";
  public static final String TO_SEGMENT = "to_segment";
  public static final String CUSTOMERS = "customers";
  /** Sum of the current date's CLV of the pair's customers (null CLVs ignored). */
  public static final String CURRENT_CLV = "current_clv";
  /** from_segment of a customer not scored on the previous date. */
  public static final String NEW_CUSTOMER = "(new)";
  /** to_segment of a customer scored on the previous date but not on this one. */
  public static final String NOT_SCORED = "(not scored)";

  // Rolling backtest.
  /** Actual purchase periods of a customer in a window (TransactionFeatures#purchasesIn). */
  public static final String PURCHASES = "purchases";
  public static final String RUN_DATE = "run_as_of_date";
  public static final String PREDICTED = "predicted";
}
