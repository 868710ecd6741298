package io.centraal.scoring.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The published schema of one output table: name, {@code major.minor} version and columns in order
 * (Spark SQL type names). Files live in {@code common/src/main/resources/schemas/<table>.v<major>.json}.
 * Within a major version only additive changes are allowed: columns appended at the end; a rename,
 * removal, reorder, type change or new NOT NULL is a new major version (a new file).
 */
public record SchemaContract(String table, String version, String description, List<Column> columns) {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One column: name, Spark SQL type ({@code DataType.catalogString}) and nullability. */
  public record Column(String name, String type, boolean nullable) {}

  public int major() {
    return Integer.parseInt(version.substring(0, version.indexOf('.')));
  }

  public int minor() {
    return Integer.parseInt(version.substring(version.indexOf('.') + 1));
  }

  public static SchemaContract parse(String json) {
    try {
      SchemaContract c = MAPPER.readValue(json, SchemaContract.class);
      if (c.version() == null || !c.version().matches("\\d+\\.\\d+")) {
        throw new IllegalArgumentException("schema contract of " + c.table() + ": version '" + c.version()
            + "' is not major.minor");
      }
      return c;
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable schema contract: " + e.getMessage(), e);
    }
  }

  public String toJson() {
    try {
      return MAPPER.writeValueAsString(this) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The contract a written schema would have (same table, version and description). */
  public SchemaContract describing(StructType written) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : written.fields()) {
      cols.add(new Column(f.name(), f.dataType().catalogString(), f.nullable()));
    }
    return new SchemaContract(table, version, description, List.copyOf(cols));
  }

  /**
   * Differences between this contract and what was written; empty when they match. A column the
   * contract allows to be null may be written NOT NULL (whether Spark marks it so depends on the
   * table's history: Delta round-trips relax nullability); the reverse is drift.
   */
  public List<String> drift(StructType written) {
    List<Column> actual = describing(written).columns();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.max(columns.size(), actual.size()); i++) {
      Column want = i < columns.size() ? columns.get(i) : null;
      Column got = i < actual.size() ? actual.get(i) : null;
      if (want == null) {
        out.add("column " + (i + 1) + " '" + got.name() + "' " + got.type() + " is written but not in the contract");
      } else if (got == null) {
        out.add("column " + (i + 1) + " '" + want.name() + "' " + want.type() + " is in the contract but not written");
      } else if (!want.name().equals(got.name()) || !want.type().equals(got.type())
          || (!want.nullable() && got.nullable())) {
        out.add("column " + (i + 1) + ": contract " + want + ", written " + got);
      }
    }
    return out;
  }

  /**
   * Why {@code next} is not an additive evolution of this (older) contract within the same major
   * version: every column of this one must stay at its place with its type, nullable ones nullable;
   * new columns only at the end and nullable. Empty when it is additive (or the major changed).
   */
  public List<String> nonAdditiveChanges(SchemaContract next) {
    List<String> out = new ArrayList<>();
    if (next.major() != major()) {
      return out;
    }
    if (next.minor() < minor()) {
      out.add(table + " " + next.version() + " is older than " + version);
    }
    for (int i = 0; i < columns.size(); i++) {
      Column old = columns.get(i);
      Column now = i < next.columns().size() ? next.columns().get(i) : null;
      if (now == null || !now.name().equals(old.name())) {
        out.add(table + " " + version + " -> " + next.version() + ": column " + (i + 1) + " '" + old.name()
            + "' was removed, renamed or moved (found " + (now == null ? "nothing" : "'" + now.name() + "'") + ")");
      } else if (!now.type().equals(old.type())) {
        out.add(table + " " + version + " -> " + next.version() + ": column '" + old.name() + "' changed type "
            + old.type() + " -> " + now.type());
      } else if (old.nullable() && !now.nullable()) {
        out.add(table + " " + version + " -> " + next.version() + ": column '" + old.name() + "' became NOT NULL");
      }
    }
    for (int i = columns.size(); i < next.columns().size(); i++) {
      if (!next.columns().get(i).nullable()) {
        out.add(table + " " + next.version() + ": added column '" + next.columns().get(i).name()
            + "' must be nullable (old rows have no value)");
      }
    }
    return out;
  }
}
