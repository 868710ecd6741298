package io.centraal.scoring.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The current schema contract of every output table (gold tables, quarantine, the marketing drop). */
public final class SchemaContracts {
  private SchemaContracts() {}

  public static final String MARKETING_DROP = "marketing_drop";

  /** Output table -> current major version (its file is {@code schemas/<table>.v<major>.json}). */
  public static final Map<String, Integer> CURRENT_MAJOR = Map.of(
      TableNames.CUSTOMER_SCORES, 1,
      TableNames.MODEL_RUNS, 1,
      TableNames.RUN_LOG, 1,
      TableNames.QUARANTINE, 1,
      MARKETING_DROP, 1);

  /** Classpath resource of a table's current contract. */
  public static String resource(String table) {
    Integer major = CURRENT_MAJOR.get(table);
    if (major == null) {
      throw new IllegalArgumentException("no schema contract for table '" + table + "'; known: " + CURRENT_MAJOR.keySet());
    }
    return "schemas/" + table + ".v" + major + ".json";
  }

  public static SchemaContract current(String table) {
    String resource = resource(table);
    try (InputStream in = SchemaContracts.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema contract " + resource + " missing from the classpath");
      }
      return SchemaContract.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }
}
