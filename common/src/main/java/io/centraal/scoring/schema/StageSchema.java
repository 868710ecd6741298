package io.centraal.scoring.schema;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Schema preconditions shared by the scoring stages ({@link Stage}): every stage checks
 * its required input columns and types, and that its output columns are not already present,
 * before building any plan. Failures are {@link IllegalArgumentException}s naming the column.
 *
 * <p>Types are checked by kind, not by exact type, so that an upstream change from {@code int}
 * to {@code long} (or {@code float} to {@code double}) does not break scoring.
 */
public final class StageSchema {
  private StageSchema() {}

  /** Prefix reserved for the stages' temporary columns; inputs may not use it. */
  public static final String TMP_PREFIX = "_tmp_";

  /** The type family a required column must belong to. */
  public enum Kind {
    /** byte, short, int or long. */
    INTEGRAL,
    /** any Spark numeric type (integral, float, double, decimal). */
    NUMERIC,
    STRING,
    BOOLEAN,
    DATE;

    boolean accepts(DataType t) {
      switch (this) {
        case INTEGRAL:
          return t instanceof IntegerType || t instanceof LongType
              || t instanceof ShortType || t instanceof ByteType;
        case NUMERIC:
          return t instanceof NumericType;
        case STRING:
          return t instanceof StringType;
        case BOOLEAN:
          return t instanceof BooleanType;
        case DATE:
          return t instanceof DateType;
        default:
          return false;
      }
    }
  }

  /**
   * Requires {@code column} to exist in {@code schema} with a type of the given kind.
   *
   * @param stage stage name used in the message, e.g. {@code "RfmScoring"}
   */
  public static void require(StructType schema, String stage, String column, Kind kind) {
    StructField field = find(schema, column);
    if (field == null) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%s: required input column '%s' (%s) is missing; input columns: %s",
          stage, column, kind.name().toLowerCase(Locale.ROOT), Arrays.toString(schema.fieldNames())));
    }
    if (!kind.accepts(field.dataType())) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%s: input column '%s' has type %s, expected %s",
          stage, column, field.dataType().simpleString(), kind.name().toLowerCase(Locale.ROOT)));
    }
  }

  /** Requires none of {@code outputs} to exist yet: a stage never overwrites a column. */
  public static void requireAbsent(StructType schema, String stage, String... outputs) {
    for (String out : outputs) {
      if (find(schema, out) != null) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "%s: output column '%s' is already present in the input; refusing to overwrite it",
            stage, out));
      }
    }
  }

  /** Rejects input columns that use the reserved {@link #TMP_PREFIX}. */
  public static void rejectReservedPrefix(StructType schema, String stage) {
    for (String name : schema.fieldNames()) {
      if (name.toLowerCase(Locale.ROOT).startsWith(TMP_PREFIX)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "%s: input column '%s' uses the reserved prefix '%s'", stage, name, TMP_PREFIX));
      }
    }
  }

  /** True if the schema has the column (case-insensitive, as Spark resolves by default). */
  public static boolean has(StructType schema, String column) {
    return find(schema, column) != null;
  }

  private static StructField find(StructType schema, String column) {
    for (StructField f : schema.fields()) {
      if (f.name().equalsIgnoreCase(column)) {
        return f;
      }
    }
    return null;
  }
}
