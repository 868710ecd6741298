package io.centraal.scoring.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.centraal.scoring.schema.BronzeSchema;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.SourceContract;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Building and comparing data frames in tests (shared through the common module's test jar). */
public final class Frames {
  private Frames() {}

  /** The rows by customer_key (collects: small frames only). */
  public static Map<Long, Row> byKey(Dataset<Row> frame) {
    Map<Long, Row> out = new HashMap<>();
    frame.collectAsList().forEach(r -> out.put(r.getLong(r.fieldIndex(FeatureColumns.CUSTOMER_KEY)), r));
    return out;
  }

  /**
   * A bronze table of {@code contract} from rows of its fields in contract order; the lineage
   * columns (source file, ingest run, ingest date) are left null.
   */
  public static Dataset<Row> bronze(SparkSession spark, SourceContract contract, Object[]... rows) {
    int width = BronzeSchema.of(contract).size();
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(RowFactory.create(Arrays.copyOf(r, width)));
    }
    return spark.createDataFrame(out, BronzeSchema.of(contract));
  }

  /** Same schema and the same rows, in any order. */
  public static void assertSameFrame(Dataset<Row> expected, Dataset<Row> actual) {
    assertEquals(expected.schema(), actual.schema(), "schema");
    assertEquals(sorted(expected), sorted(actual), "rows (in any order)");
  }

  private static List<String> sorted(Dataset<Row> frame) {
    List<String> rows = new ArrayList<>(frame.collectAsList().stream().map(Row::toString).toList());
    rows.sort(null);
    return rows;
  }
}
