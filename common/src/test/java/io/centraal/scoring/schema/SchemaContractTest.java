package io.centraal.scoring.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The schema contract files and their evolution rule. Every released version of a contract is
 * kept in {@code src/test/resources/schema-history/<table>/<version>.json}; the current file must
 * equal the snapshot of its version (changing a contract means bumping its version and adding a
 * snapshot) and be an additive change over every earlier snapshot of the same major version.
 * Whether what the pipeline writes matches the files is checked in the jobs end-to-end test.
 */
class SchemaContractTest {
  private static final Path HISTORY = Path.of("src/test/resources/schema-history");

  private static List<SchemaContract> history(String table) throws IOException {
    List<SchemaContract> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(HISTORY.resolve(table))) {
      for (Path f : files.sorted().toList()) {
        SchemaContract c = SchemaContract.parse(Files.readString(f));
        assertEquals(f.getFileName().toString(), c.version() + ".json", "snapshot file named after its version");
        out.add(c);
      }
    }
    return out;
  }

  @Test
  void everyCurrentContractIsSnapshottedUnderItsVersionAndAdditiveOverEarlierMinors() throws IOException {
    for (String table : SchemaContracts.CURRENT_MAJOR.keySet()) {
      SchemaContract current = SchemaContracts.current(table);
      assertEquals(table, current.table());
      assertEquals(SchemaContracts.CURRENT_MAJOR.get(table), current.major(), table);
      assertTrue(!current.columns().isEmpty(), table + " has columns");
      List<SchemaContract> released = history(table);
      assertTrue(released.contains(current), SchemaContracts.resource(table) + " " + current.version()
          + " differs from its released snapshot in " + HISTORY.resolve(table)
          + ": a change needs a new version (minor if additive) and a new snapshot");
      for (SchemaContract earlier : released) {
        assertEquals(List.of(), earlier.nonAdditiveChanges(current), table + " " + earlier.version());
      }
    }
  }

  private static SchemaContract contract(String version, SchemaContract.Column... columns) {
    return new SchemaContract("t", version, "test", List.of(columns));
  }

  private static final SchemaContract.Column KEY = new SchemaContract.Column("customer_key", "bigint", false);
  private static final SchemaContract.Column CLV = new SchemaContract.Column("clv", "double", true);
  private static final SchemaContract.Column TIER = new SchemaContract.Column("tier", "string", true);

  @Test
  void withinAMajorVersionOnlyAppendedNullableColumnsAreAllowed() {
    SchemaContract v10 = contract("1.0", KEY, CLV);
    assertEquals(List.of(), v10.nonAdditiveChanges(contract("1.1", KEY, CLV, TIER)));
    assertEquals(1, v10.nonAdditiveChanges(contract("1.1", KEY)).size(), "removed");
    assertEquals(2, v10.nonAdditiveChanges(contract("1.1", CLV, KEY)).size(), "reordered");
    assertEquals(1, v10.nonAdditiveChanges(contract("1.1", KEY, new SchemaContract.Column("clv", "float", true))).size());
    assertEquals(1, v10.nonAdditiveChanges(contract("1.1", KEY, new SchemaContract.Column("clv", "double", false))).size());
    assertEquals(1, v10.nonAdditiveChanges(contract("1.1", KEY, CLV, new SchemaContract.Column("x", "int", false))).size());
    assertEquals(List.of(), v10.nonAdditiveChanges(contract("2.0", CLV)), "a new major version may break");
  }

  @Test
  void driftNamesEveryDifferenceBetweenTheContractAndTheWrittenSchema() {
    SchemaContract c = contract("1.0", KEY, CLV);
    StructType same = new StructType().add("customer_key", DataTypes.LongType, false).add("clv", DataTypes.DoubleType);
    assertEquals(List.of(), c.drift(same));
    StructType drifted = new StructType().add("customer_key", DataTypes.LongType, false).add("clv", DataTypes.StringType)
        .add("extra", DataTypes.IntegerType);
    List<String> drift = c.drift(drifted);
    assertEquals(2, drift.size(), drift.toString());
    assertTrue(drift.get(1).contains("'extra'"), drift.toString());
  }

  @Test
  void aNullableContractColumnMayBeWrittenNotNullButNotTheReverse() {
    SchemaContract c = contract("1.0", KEY, CLV);
    StructType stricter = new StructType().add("customer_key", DataTypes.LongType, false)
        .add("clv", DataTypes.DoubleType, false);
    assertEquals(List.of(), c.drift(stricter));
    StructType looser = new StructType().add("customer_key", DataTypes.LongType, true).add("clv", DataTypes.DoubleType);
    assertEquals(1, c.drift(looser).size(), c.drift(looser).toString());
  }
}
