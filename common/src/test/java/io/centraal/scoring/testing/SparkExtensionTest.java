package io.centraal.scoring.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
class SparkExtensionTest {
  @Test
  void sharedSessionWritesAndMergesDelta(SparkSession spark, @TempDir Path dir) {
    String path = dir.resolve("t").toString();
    spark.range(5).toDF("id").write().format("delta").save(path);
    io.delta.tables.DeltaTable.forPath(spark, path).as("t")
        .merge(spark.range(3, 8).toDF("id").as("s"), "t.id = s.id")
        .whenNotMatched().insertAll().execute();
    assertEquals(8, spark.read().format("delta").load(path).count());
  }
}
