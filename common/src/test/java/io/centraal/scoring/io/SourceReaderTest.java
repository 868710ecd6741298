package io.centraal.scoring.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.schema.SourceContracts;
import io.centraal.scoring.testing.SparkExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JSON source without a declared schema: its columns are named from the first lines of each file
 * and read as text, except the ones an expression reads; nothing the mapping needs is missing.
 */
@ExtendWith(SparkExtension.class)
class SourceReaderTest {

  /**
   * Two files: the first has more lines than the sample and one column only after them; the second
   * has a column of its own and the mapped {@code user} column.
   */
  private static SourceSettings clickstream(Path dir) throws IOException {
    List<String> first = new ArrayList<>();
    for (int i = 0; i < SourceReader.JSON_SAMPLE_LINES + 5; i++) {
      String late = i == SourceReader.JSON_SAMPLE_LINES + 2 ? ",\"late_extra\":\"x\"" : "";
      first.add("{\"event_id\":\"e" + i + "\",\"ts\":\"2024-01-01T10:00:00Z\",\"event_type\":\"page_view\","
          + "\"ctx\":{\"uid\":\"c-" + i + "\"},\"amount\":12.5" + late + "}");
    }
    Files.createDirectories(dir);
    Files.write(dir.resolve("part-0.json"), first);
    Files.write(dir.resolve("part-1.json"), List.of(
        "{\"event_id\":\"f1\",\"ts\":\"2024-01-02T10:00:00Z\",\"event_type\":\"search\",\"user\":\"U9\","
            + "\"file_two_extra\":7,\"amount\":3}"));
    return new SourceSettings(SourceContracts.CLICKSTREAM, true, "json", dir.toString(), Map.of(),
        Map.of("user_ref", "user", "product_id", "sku"), Map.of(), Map.of("anonymous_id", "ctx.uid"), "", "", '.');
  }

  private static DataType typeOf(StructType schema, String column) {
    return schema.apply(column).dataType();
  }

  @Test
  void namesColumnsFromTheFirstLinesOfEachFileAndReadsThemAsText(SparkSession spark, @TempDir Path tmp)
      throws IOException {
    SourceSettings source = clickstream(tmp.resolve("clicks"));
    Dataset<Row> rows = SourceReader.read(spark, source, SourceContracts.CLICKSTREAM_CONTRACT, false);
    StructType schema = rows.schema();
    List<String> names = List.of(schema.fieldNames());

    assertEquals(DataTypes.StringType, typeOf(schema, "amount"), "unmapped numbers are read as their text");
    assertTrue(typeOf(schema, "ctx") instanceof StructType, "a column an expression reads keeps its type: " + schema);
    assertTrue(names.contains("file_two_extra"), "the second file's own column: " + names);
    assertEquals(DataTypes.StringType, typeOf(schema, "user"), "mapped column seen in the second file");
    assertEquals(DataTypes.StringType, typeOf(schema, "sku"), "a mapped column no line has is still read");
    assertTrue(names.contains(SourceReader.CORRUPT_RECORD), "malformed lines are kept: " + names);
    assertFalse(names.contains("late_extra"), "past the sample: the documented limit, " + names);

    assertEquals(SourceReader.JSON_SAMPLE_LINES + 6, rows.count());
    Row second = rows.where("event_id = 'f1'").select("amount", "user", "file_two_extra").first();
    assertEquals("3", second.getString(0));
    assertEquals("U9", second.getString(1));
    assertEquals("7", second.getString(2));
    assertEquals("c-3", rows.where("event_id = 'e3'").selectExpr("ctx.uid").first().getString(0));
  }

  @Test
  void infersEveryLineWhenEveryColumnIsKept(SparkSession spark, @TempDir Path tmp) throws IOException {
    SourceSettings source = clickstream(tmp.resolve("clicks"));
    StructType schema = SourceReader.read(spark, source, SourceContracts.CLICKSTREAM_CONTRACT, true).schema();

    assertTrue(List.of(schema.fieldNames()).contains("late_extra"), schema.treeString());
    assertEquals(DataTypes.DoubleType, typeOf(schema, "amount"));
  }
}
