package io.centraal.scoring.schema;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The schema of a bronze table: the source contract's typed fields plus lineage (the file a row
 * came from, the ingest run and as-of date) and, when kept, the user's extra columns. Here rather
 * than in the ingest step because every later stage reads bronze (an empty table of a disabled
 * source has this schema too).
 */
public final class BronzeSchema {
  /** The file a row was read from (Spark's input_file_name at read time). */
  public static final String SOURCE_FILE = "_source_file";
  /** Type of {@link LogColumns#EXTRA_COLUMNS}: the user's unmapped column name -> value. */
  public static final DataType EXTRA_TYPE = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);

  private BronzeSchema() {}

  /** The bronze schema without extra columns. */
  public static StructType of(SourceContract contract) {
    return of(contract, false);
  }

  /** The bronze schema, with {@link LogColumns#EXTRA_COLUMNS} when extra columns are kept. */
  public static StructType of(SourceContract contract, boolean keepExtra) {
    StructType schema = contract.schema().add(SOURCE_FILE, DataTypes.StringType);
    if (keepExtra) {
      schema = schema.add(LogColumns.EXTRA_COLUMNS, EXTRA_TYPE);
    }
    return schema
        .add(LogColumns.INGEST_RUN_ID, DataTypes.StringType)
        .add(LogColumns.INGEST_AS_OF_DATE, DataTypes.DateType);
  }
}
