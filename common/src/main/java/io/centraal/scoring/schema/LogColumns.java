package io.centraal.scoring.schema;

/** Columns of the side tables: quarantine, run_log, model_runs, identity_map. */
public final class LogColumns {
  private LogColumns() {}

  public static final String AS_OF_DATE = FeatureColumns.AS_OF_DATE;
  public static final String RUN_ID = ScoreColumns.RUN_ID;

  // quarantine
  public static final String SOURCE = "source";
  public static final String SOURCE_FILE = "source_file";
  public static final String SOURCE_LINE = "source_line";
  public static final String RAW_RECORD = "raw_record";
  public static final String REASON_CODES = "reason_codes";
  public static final String ERRORS = "errors";

  // bronze ingest metadata
  public static final String INGEST_RUN_ID = "_ingest_run_id";
  public static final String INGEST_AS_OF_DATE = "_ingest_as_of_date";
  /** The user's unmapped columns (name -> text), in bronze when centraal.ingest.extra-columns = keep. */
  public static final String EXTRA_COLUMNS = "_extra_columns";

  // run_log
  public static final String JOB = "job";
  public static final String STATUS = "status";
  public static final String STARTED_AT = "started_at";
  public static final String DURATION_SECONDS = "duration_seconds";
  public static final String ROWS_IN = "rows_in";
  public static final String ROWS_OUT = "rows_out";
  public static final String ROWS_QUARANTINED = "rows_quarantined";
  public static final String DETAIL = "detail";
  public static final String CODE_VERSION = "code_version";

  // model_runs
  public static final String MODEL = "model";
  public static final String MODEL_VERSION = "model_version";
  public static final String TIME_UNIT = "time_unit";
  public static final String PARAMETERS_JSON = "parameters_json";
  public static final String LOG_LIKELIHOOD = "log_likelihood";
  public static final String CONVERGED = "converged";
  public static final String ITERATIONS = "iterations";
  public static final String METRICS_JSON = "metrics_json";

  // identity_map
  public static final String REF = "ref";
  public static final String FIRST_SEEN_AS_OF = "first_seen_as_of";
  /** identity_map: for a hub reference (links set aside), its number of distinct link partners. */
  public static final String HUB_PARTNERS = "hub_partners";
}
