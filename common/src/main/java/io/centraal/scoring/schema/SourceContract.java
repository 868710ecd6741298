package io.centraal.scoring.schema;

import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A canonical input contract: the typed fields a source is mapped onto, which of them are
 * required, the natural key that makes ingestion idempotent, and the event-time field that is
 * checked against the as-of date.
 *
 * @param name          the source name, as used in config ({@code centraal.sources.<name>})
 * @param fields        the canonical fields in order
 * @param naturalKey    fields that identify a row; re-ingesting a row with the same key is a no-op
 * @param eventTime     the timestamp field checked against the as-of date and the floor, if any
 */
public record SourceContract(String name, List<Field> fields, List<String> naturalKey,
                             Optional<String> eventTime) {

  /** One canonical field. {@code required} fields may not be null or empty after mapping. */
  public record Field(String name, DataType type, boolean required) {}

  public Field field(String fieldName) {
    return fields.stream().filter(f -> f.name().equals(fieldName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "source '" + name + "' has no canonical field '" + fieldName + "'"));
  }

  /** The typed bronze schema of this source (without ingest metadata columns). */
  public StructType schema() {
    StructType schema = new StructType();
    for (Field f : fields) {
      schema = schema.add(new StructField(f.name(), f.type(), true, org.apache.spark.sql.types.Metadata.empty()));
    }
    return schema;
  }
}
