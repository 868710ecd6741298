package io.centraal.scoring.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.testing.SparkExtension;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ExplainMode;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A leaf copy holds the same rows and schema, is persisted, and renders as one plan node. */
@ExtendWith(SparkExtension.class)
class LeafCacheTest {
  @Test
  void holdsTheSameRowsUnderAOneNodePlan(SparkSession spark) {
    Dataset<Row> a = spark.range(0, 500).withColumn("g", col("id").mod(7)).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> totals = a.groupBy("g").agg(sum("id").as("total")).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> joined = a.join(totals, "g").where(col("id").gt(10));
    try {
      Dataset<Row> leaf = LeafCache.of(joined);
      try {
        assertEquals(joined.schema(), leaf.schema());
        assertEquals(joined.orderBy("id").collectAsList(), leaf.orderBy("id").collectAsList());
        assertTrue(leaf.queryExecution().analyzed().children().isEmpty(), "one node: "
            + leaf.queryExecution().analyzed());
        assertTrue(leaf.storageLevel().useMemory(), "persisted");
        // What Spark renders for every query over it: a line, not the nested plans of both caches.
        int leafText = leaf.queryExecution().explainString(ExplainMode.fromString("formatted")).length();
        int joinedText = joined.queryExecution().explainString(ExplainMode.fromString("formatted")).length();
        assertTrue(leafText * 4 < joinedText, leafText + " vs " + joinedText + " characters");
      } finally {
        leaf.unpersist();
      }
    } finally {
      totals.unpersist();
      a.unpersist();
    }
  }
}
