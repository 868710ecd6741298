package io.centraal.scoring.io;

import java.util.List;
import io.centraal.scoring.schema.SourceContract;
import io.centraal.scoring.run.InvalidConfigException;
import io.centraal.scoring.run.ConfigValues;
import com.typesafe.config.Config;
import java.util.Map;

/**
 * How one canonical source is read and mapped (config {@code centraal.sources.<name>}).
 *
 * @param name            canonical source name
 * @param enabled         whether the source is read at all
 * @param format          csv | json | parquet | delta
 * @param path            file, directory or glob
 * @param options         Spark reader options
 * @param columns         canonical field -> user column name
 * @param constants       canonical field -> literal
 * @param expressions     canonical field -> Spark SQL expression over the user's columns
 * @param timestampFormat java.time pattern for string timestamps; empty for ISO-8601
 * @param schema          the columns of a JSON source in Spark's DDL ({@code "event_id STRING, ts
 *                        STRING"}); empty to infer them, which reads every file once more
 * @param decimalSeparator {@code '.'} or {@code ','}: how numbers written as text mark their decimals
 */
public record SourceSettings(String name, boolean enabled, String format, String path,
                             Map<String, String> options, Map<String, String> columns,
                             Map<String, String> constants, Map<String, String> expressions,
                             String timestampFormat, String schema, char decimalSeparator) {

  /** One {@code centraal.sources.<name>} block, checked against the source's contract. */
  public static SourceSettings from(Config s, SourceContract contract) {
    String format = s.getString("format");
    if (!List.of("csv", "json", "parquet", "delta", "whitespace").contains(format)) {
      throw new InvalidConfigException("centraal.sources." + contract.name() + ".format: '" + format
          + "' is not one of csv, json, parquet, delta, whitespace");
    }
    Map<String, String> columns = ConfigValues.strings(s, "columns");
    Map<String, String> constants = ConfigValues.strings(s, "constants");
    Map<String, String> expressions = ConfigValues.strings(s, "expressions");
    for (Map<String, String> m : List.of(columns, constants, expressions)) {
      for (String field : m.keySet()) {
        if (contract.fields().stream().noneMatch(f -> f.name().equals(field))) {
          throw new InvalidConfigException("centraal.sources." + contract.name() + ": '" + field
              + "' is not a field of the " + contract.name() + " contract; fields are "
              + contract.fields().stream().map(SourceContract.Field::name).toList());
        }
      }
    }
    String schema = s.getString("schema").trim();
    if (!schema.isEmpty()) {
      if (!format.equals("json")) {
        throw new InvalidConfigException("centraal.sources." + contract.name() + ".schema: a declared schema is"
            + " read for json sources only (this one is " + format + "); remove it");
      }
      try {
        org.apache.spark.sql.types.StructType.fromDDL(schema);
      } catch (Exception e) { // Spark's ParseException is checked in Java's eyes but undeclared
        throw new InvalidConfigException("centraal.sources." + contract.name() + ".schema: '" + schema
            + "' is not a list of columns in Spark's DDL (name TYPE, ...): " + e.getMessage().lines().findFirst()
            .orElse(""));
      }
    }
    String decimal = s.getString("decimal-separator");
    if (!decimal.equals(".") && !decimal.equals(",")) {
      throw new InvalidConfigException("centraal.sources." + contract.name() + ".decimal-separator: '" + decimal
          + "' is not \".\" or \",\"");
    }
    return new SourceSettings(contract.name(), s.getBoolean("enabled"), format, s.getString("path"),
        ConfigValues.strings(s, "options"), columns, constants, expressions, s.getString("timestamp-format"), schema,
        decimal.charAt(0));
  }

  /** The reader decodes the files as UTF-8: no {@code encoding} (or {@code charset}) option, or one naming UTF-8. */
  public boolean readsUtf8() {
    for (Map.Entry<String, String> option : options.entrySet()) {
      String key = option.getKey().toLowerCase(java.util.Locale.ROOT);
      if ((key.equals("encoding") || key.equals("charset"))
          && !option.getValue().trim().replace("-", "").equalsIgnoreCase("utf8")) {
        return false;
      }
    }
    return true;
  }

  /**
   * The user's column each of the contract's fields reads directly: its mapped name, or the field's
   * own name when unmapped; fields set by a constant or an expression read none here.
   */
  public java.util.Set<String> mappedColumns(SourceContract contract) {
    java.util.Set<String> mapped = new java.util.LinkedHashSet<>();
    for (SourceContract.Field field : contract.fields()) {
      String name = field.name();
      if (!constants.containsKey(name) && !expressions.containsKey(name)) {
        mapped.add(columns.getOrDefault(name, name));
      }
    }
    return mapped;
  }
}
