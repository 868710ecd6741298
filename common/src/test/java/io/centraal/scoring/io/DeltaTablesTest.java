package io.centraal.scoring.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.testing.SparkExtension;
import java.nio.file.Path;
import java.sql.Date;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A table written by an earlier release takes the columns an additive contract change adds. */
@ExtendWith(SparkExtension.class)
class DeltaTablesTest {
  private static final StructType V1 = new StructType()
      .add("customer_key", DataTypes.LongType, false)
      .add("as_of_date", DataTypes.DateType, false)
      .add("clv_12m", DataTypes.DoubleType);
  private static final StructType V1_1 = V1.add("referral_value", DataTypes.DoubleType);

  @Test
  void anAdditiveSchemaChangeAddsTheColumnOnceAndOldRowsReadNull(SparkSession spark, @TempDir Path dir) {
    String path = dir.resolve("customer_scores").toString();
    DeltaTables.ensureTable(spark, path, V1, List.of("as_of_date"), Map.of());
    DeltaTables.replaceSlice(spark.createDataFrame(List.of(RowFactory.create(1L, Date.valueOf("2024-06-30"), 10.0)),
        V1), path, "as_of_date = DATE'2024-06-30'");
    long before = DeltaTables.latestVersion(spark, path);

    DeltaTables.ensureTable(spark, path, V1_1, List.of("as_of_date"), Map.of());
    assertEquals(before + 1, DeltaTables.latestVersion(spark, path), "one commit adds the column");
    DeltaTables.ensureTable(spark, path, V1_1, List.of("as_of_date"), Map.of());
    assertEquals(before + 1, DeltaTables.latestVersion(spark, path), "nothing to add: no commit");

    DeltaTables.replaceSlice(spark.createDataFrame(List.of(RowFactory.create(1L, Date.valueOf("2024-07-31"), 11.0,
        5.5)), V1_1), path, "as_of_date = DATE'2024-07-31'");
    List<Row> rows = DeltaTables.read(spark, path).orderBy("as_of_date").collectAsList();
    assertEquals(List.of("customer_key", "as_of_date", "clv_12m", "referral_value"),
        List.of(DeltaTables.read(spark, path).columns()));
    assertEquals(2, rows.size());
    assertNull(rows.get(0).get(3), "the earlier date has no value for the new column");
    assertEquals(5.5, rows.get(1).getDouble(3));
  }

  @Test
  void aTableOpenedInTheBackgroundExistsOnceItsOpeningIsClosedAndAFailedOpeningIsLeftToTheWrite(
      SparkSession spark, @TempDir Path dir) throws Exception {
    String path = dir.resolve("model_runs").toString();
    try (DeltaTables.Opening opening = DeltaTables.ensureTableInBackground(spark, path, V1, List.of("as_of_date"),
        Map.of())) {
      assertNotNull(opening);
    }
    assertTrue(io.delta.tables.DeltaTable.isDeltaTable(spark, path), "created by the time close() returns");
    assertEquals(List.of("customer_key", "as_of_date", "clv_12m"), List.of(DeltaTables.read(spark, path).columns()));

    // Under a plain file no table can be made: the opening only logs, the write reports.
    Path file = java.nio.file.Files.writeString(dir.resolve("not-a-directory"), "x");
    String impossible = file.resolve("model_runs").toString();
    DeltaTables.ensureTableInBackground(spark, impossible, V1, List.of(), Map.of()).close();
    assertThrows(Exception.class, () -> DeltaTables.ensureTable(spark, impossible, V1, List.of(), Map.of()));
  }

  @Test
  void aChangedPropertyCommitsOnceAndAnUnchangedOneNotAtAll(SparkSession spark, @TempDir Path dir) {
    String path = dir.resolve("model_runs").toString();
    String key = "delta.logRetentionDuration";
    DeltaTables.ensureTable(spark, path, V1, List.of(), Map.of(key, "interval 30 days"));
    assertEquals("interval 30 days", DeltaTables.properties(spark, path).get(key));
    long created = DeltaTables.latestVersion(spark, path);

    DeltaTables.ensureTable(spark, path, V1, List.of(), Map.of(key, "interval 30 days"));
    assertEquals(created, DeltaTables.latestVersion(spark, path), "the same property: no commit");
    DeltaTables.ensureTable(spark, path, V1, List.of(), Map.of(key, "interval 60 days"));
    assertEquals(created + 1, DeltaTables.latestVersion(spark, path), "a changed property: one commit");
    assertEquals("interval 60 days", DeltaTables.properties(spark, path).get(key));
    DeltaTables.ensureTable(spark, path, V1, List.of(), Map.of(key, "interval 60 days"));
    assertEquals(created + 1, DeltaTables.latestVersion(spark, path), "and then none");
  }

  // Sources ingested side by side each replace their own slice of the shared quarantine table.
  // Without the turns, Delta fails one of two overlapping overwrites of a partition.
  @Test
  void slicesOfOneTableWrittenFromTwoThreadsAtOnceAllLand(SparkSession spark, @TempDir Path dir) throws Exception {
    StructType schema = new StructType()
        .add("as_of_date", DataTypes.DateType, false)
        .add("source", DataTypes.StringType, false)
        .add("round", DataTypes.IntegerType, false);
    String path = dir.resolve("quarantine").toString();
    DeltaTables.ensureTable(spark, path, schema, List.of("as_of_date"), Map.of());
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<?>> writes = new java.util.ArrayList<>();
      for (String source : List.of("a", "b")) {
        writes.add(pool.submit(() -> {
          for (int round = 0; round < 2; round++) {
            DeltaTables.replaceSlice(spark.createDataFrame(List.of(RowFactory.create(Date.valueOf("2024-06-30"),
                source, round)), schema), path, "as_of_date = DATE'2024-06-30' AND source = '" + source + "'");
          }
        }));
      }
      for (java.util.concurrent.Future<?> w : writes) {
        w.get();
      }
    } finally {
      pool.shutdown();
    }
    List<Row> rows = DeltaTables.read(spark, path).orderBy("source").collectAsList();
    assertEquals(List.of("a", "b"), rows.stream().map(r -> r.getString(1)).toList(), "one row per source");
    assertEquals(List.of(1, 1), rows.stream().map(r -> r.getInt(2)).toList(), "each the last round written");
  }
}
