package io.centraal.scoring.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.run.ScoringException;
import io.centraal.scoring.testing.PostgresServer;
import io.centraal.scoring.testing.SparkExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JDBC export against a real PostgreSQL server started for this class. */
@ExtendWith(SparkExtension.class)
class JdbcScoresExportTest {
  @RegisterExtension
  static final PostgresServer POSTGRES = new PostgresServer();

  private static final LocalDate AS_OF = LocalDate.of(2024, 6, 30);
  private static final StructType SCHEMA = new StructType()
      .add("customer_key", DataTypes.LongType)
      .add("as_of_date", DataTypes.DateType)
      .add("clv_12m", DataTypes.DoubleType)
      .add("rfm_segment", DataTypes.StringType)
      .add("churn_risk", DataTypes.DoubleType)
      .add("marketing_allowed", DataTypes.BooleanType);

  private String table;

  @BeforeEach
  void freshTable(org.junit.jupiter.api.TestInfo info) {
    table = "scores_" + info.getTestMethod().orElseThrow().getName().toLowerCase(java.util.Locale.ROOT);
  }

  private JdbcScoresExport exporter() {
    return new JdbcScoresExport(POSTGRES.url(), PostgresServer.USER, PostgresServer.password(), table, 10);
  }

  /** Customers 1..n; every 7th has no marketing consent; CLV = key * factor. */
  private static Dataset<Row> scores(SparkSession spark, int n, double factor, LocalDate asOf) {
    List<Row> rows = new ArrayList<>();
    for (long k = 1; k <= n; k++) {
      rows.add(RowFactory.create(k, java.sql.Date.valueOf(asOf), k * factor, k % 2 == 0 ? "Champions" : "Lost",
          k == 5 ? null : 0.01 * k, k % 7 != 0));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(3);
  }

  /** customer_key -> "as_of|clv|segment|churn|export_id" of every row in the table. */
  private Map<Long, String> table() throws SQLException {
    Map<Long, String> out = new TreeMap<>();
    try (Connection c = POSTGRES.connect(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT customer_key, as_of_date, clv_12m, rfm_segment, churn_risk, export_id FROM "
             + table)) {
      while (rs.next()) {
        out.put(rs.getLong(1), rs.getDate(2) + "|" + rs.getDouble(3) + "|" + rs.getString(4) + "|"
            + rs.getObject(5) + "|" + rs.getString(6));
      }
    }
    return out;
  }

  private static Map<Long, String> withoutExportId(Map<Long, String> rows) {
    Map<Long, String> out = new TreeMap<>();
    rows.forEach((k, v) -> out.put(k, v.substring(0, v.lastIndexOf('|'))));
    return out;
  }

  @Test
  void upsertTwiceIsIdempotentAndAChangedRunUpdatesInsertsAndDeletes(SparkSession spark) throws SQLException {
    JdbcScoresExport.Result first = exporter().export(scores(spark, 30, 1.5, AS_OF), AS_OF);
    Map<Long, String> afterFirst = withoutExportId(table());
    assertEquals(26, first.upserted(), "30 customers minus 4 without marketing consent (7, 14, 21, 28)");
    assertEquals(26, afterFirst.size());
    assertFalse(afterFirst.containsKey(7L), "no consent, not exported");
    assertEquals("2024-06-30|15.0|Champions|0.1", afterFirst.get(10L));
    assertTrue(afterFirst.get(5L).endsWith("|null"), "a null score stays null: " + afterFirst.get(5L));

    JdbcScoresExport.Result again = exporter().export(scores(spark, 30, 1.5, AS_OF), AS_OF);
    assertEquals(afterFirst, withoutExportId(table()), "same input, same table");
    assertEquals(0, again.deleted());

    // Next day: new CLVs, customer 30 gone from the scores, 31 and 32 new.
    LocalDate next = AS_OF.plusDays(1);
    Dataset<Row> changed = scores(spark, 32, 2.0, next).where("customer_key <> 30");
    JdbcScoresExport.Result update = exporter().export(changed, next);
    Map<Long, String> after = withoutExportId(table());
    assertEquals(1, update.deleted(), "customer 30 is no longer exported");
    assertFalse(after.containsKey(30L));
    assertEquals("2024-07-01|20.0|Champions|0.1", after.get(10L));
    assertEquals("2024-07-01|64.0|Champions|0.32", after.get(32L));
    assertEquals(32 - 4 - 1, after.size());
  }

  @Test
  void aFailureAfterTheFirstBatchLeavesTheTableAsItWas(SparkSession spark) throws SQLException {
    exporter().export(scores(spark, 30, 1.5, AS_OF), AS_OF);
    Map<Long, String> before = table();

    ScoringException e = assertThrows(ScoringException.class, () ->
        exporter().export(scores(spark, 40, 3.0, AS_OF.plusDays(1)), AS_OF.plusDays(1), (batch, rows) -> {
          if (batch == 1) {
            throw new SQLException("injected failure after batch 1 (" + rows + " rows sent)");
          }
        }));
    assertTrue(e.getMessage().contains("rolled back") && e.getMessage().contains("injected"), e.getMessage());
    assertEquals(before, table(), "rows, values and export ids unchanged");
  }

  @Test
  void aRowViolatingTheKeyConstraintInTheThirdBatchLeavesTheTableAsItWas(SparkSession spark) throws SQLException {
    exporter().export(scores(spark, 30, 1.5, AS_OF), AS_OF);
    Map<Long, String> before = table();

    List<Row> rows = new ArrayList<>(scores(spark, 30, 9.0, AS_OF.plusDays(1)).coalesce(1).orderBy("customer_key")
        .collectAsList());
    rows.add(RowFactory.create(null, java.sql.Date.valueOf(AS_OF.plusDays(1)), 1.0, "Lost", 0.5, true));
    ScoringException e = assertThrows(ScoringException.class,
        () -> exporter().export(spark.createDataFrame(rows, SCHEMA).coalesce(1), AS_OF.plusDays(1)));
    assertTrue(e.getMessage().contains("customer_key"), "names the violated column: " + e.getMessage());
    assertEquals(before, table());
  }

  @Test
  void anOlderDateNeverReplacesNewerScores(SparkSession spark) throws SQLException {
    exporter().export(scores(spark, 12, 1.0, AS_OF), AS_OF);
    Map<Long, String> before = table();
    JdbcScoresExport.Result older = exporter().export(scores(spark, 12, 5.0, AS_OF.minusDays(1)), AS_OF.minusDays(1));
    assertTrue(older.skipped(), older.message());
    assertEquals(before, table());
  }

  @Test
  void deleteCustomersRemovesExactlyThoseKeys(SparkSession spark) throws SQLException {
    assertEquals(0, exporter().deleteCustomers(List.of(1L)), "no table yet: nothing to delete");
    exporter().export(scores(spark, 12, 1.0, AS_OF), AS_OF);
    assertEquals(2, exporter().deleteCustomers(List.of(3L, 4L, 7L, 99L)), "7 (no consent) and 99 were never there");
    Map<Long, String> after = table();
    assertFalse(after.containsKey(3L) || after.containsKey(4L));
    assertEquals(12 - 1 - 2, after.size());
  }
}
