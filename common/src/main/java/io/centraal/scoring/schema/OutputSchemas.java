package io.centraal.scoring.schema;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import org.apache.spark.sql.types.StructType;

/** StructType constants of the side tables (the scores table is built from its columns). */
public final class OutputSchemas {
  private OutputSchemas() {}

  public static final StructType DQ_ERROR = new StructType()
      .add("rule", StringType).add("column", StringType).add("value", StringType);

  public static final StructType QUARANTINE = new StructType()
      .add(LogColumns.AS_OF_DATE, DateType, false)
      .add(LogColumns.RUN_ID, StringType, false)
      .add(LogColumns.SOURCE, StringType, false)
      .add(LogColumns.SOURCE_FILE, StringType)
      .add(LogColumns.SOURCE_LINE, LongType)
      .add(LogColumns.RAW_RECORD, StringType)
      .add(LogColumns.REASON_CODES, createArrayType(StringType))
      .add(LogColumns.ERRORS, createArrayType(DQ_ERROR));

  public static final StructType RUN_LOG = new StructType()
      .add(LogColumns.RUN_ID, StringType, false)
      .add(LogColumns.JOB, StringType, false)
      .add(LogColumns.AS_OF_DATE, DateType, false)
      .add(LogColumns.STATUS, StringType, false)
      .add(LogColumns.STARTED_AT, TimestampType)
      .add(LogColumns.DURATION_SECONDS, DoubleType)
      .add(LogColumns.ROWS_IN, LongType)
      .add(LogColumns.ROWS_OUT, LongType)
      .add(LogColumns.ROWS_QUARANTINED, LongType)
      .add(LogColumns.DETAIL, StringType)
      .add(LogColumns.CODE_VERSION, StringType);

  public static final StructType MODEL_RUNS = new StructType()
      .add(LogColumns.RUN_ID, StringType, false)
      .add(LogColumns.AS_OF_DATE, DateType, false)
      .add(LogColumns.MODEL, StringType, false)
      .add(LogColumns.MODEL_VERSION, StringType)
      .add(LogColumns.TIME_UNIT, StringType)
      .add(LogColumns.PARAMETERS_JSON, StringType)
      .add(LogColumns.LOG_LIKELIHOOD, DoubleType)
      .add(LogColumns.CONVERGED, BooleanType)
      .add(LogColumns.ITERATIONS, IntegerType)
      .add(LogColumns.METRICS_JSON, StringType);

  public static final StructType IDENTITY_MAP = new StructType()
      .add(LogColumns.REF, StringType, false)
      .add(FeatureColumns.CUSTOMER_KEY, LongType, false)
      .add(LogColumns.FIRST_SEEN_AS_OF, DateType)
      .add(LogColumns.HUB_PARTNERS, LongType);

  /** gold/erasure_audit: what an erasure removed, without naming whom. */
  public static final StructType ERASURE_AUDIT = new StructType()
      .add("request_id", StringType, false)
      .add("erased_at", org.apache.spark.sql.types.DataTypes.TimestampType, false)
      .add("refs_requested", LongType, false)
      .add("customers_found", LongType, false)
      .add("tables_touched", createArrayType(StringType))
      .add("rows_removed", org.apache.spark.sql.types.DataTypes.createMapType(StringType, LongType))
      .add(LogColumns.CODE_VERSION, StringType);
}
