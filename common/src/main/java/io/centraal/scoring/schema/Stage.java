package io.centraal.scoring.schema;

import io.centraal.scoring.schema.StageSchema.Kind;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A scoring stage: one frame of customers in, the same rows with the stage's columns added out.
 * Each stage declares the columns it reads (with the kind of type each must have) and the columns
 * it makes; {@link #apply} checks both on the input's schema before any plan is built, as MLlib's
 * {@code transformSchema} does, so a missing or mistyped column fails with a message naming the
 * stage and the column instead of deep inside Spark's analyser.
 */
public interface Stage {
  /** Columns read, in a stable order, with the type family each must belong to. */
  Map<String, Kind> inputColumns();

  /** Columns added; none may be present in the input. */
  List<String> outputColumns();

  /** The stage's work on an input whose schema {@link #checkSchema} accepted. */
  Dataset<Row> transform(Dataset<Row> input);

  /** The name in error messages. */
  default String stageName() {
    return getClass().getSimpleName();
  }

  /** The preconditions: inputs present with their kinds, outputs absent, no reserved temporary column. */
  default void checkSchema(StructType schema) {
    inputColumns().forEach((column, kind) -> StageSchema.require(schema, stageName(), column, kind));
    StageSchema.requireAbsent(schema, stageName(), outputColumns().toArray(String[]::new));
    StageSchema.rejectReservedPrefix(schema, stageName());
  }

  /** Checks the input's schema, then transforms it. */
  default Dataset<Row> apply(Dataset<Row> input) {
    checkSchema(input.schema());
    return transform(input);
  }
}
