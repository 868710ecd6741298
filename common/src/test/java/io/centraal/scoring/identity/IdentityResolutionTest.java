package io.centraal.scoring.identity;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.LogColumns;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.testing.SparkExtension;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class IdentityResolutionTest {
  private static final LocalDate DAY1 = LocalDate.parse("2024-01-31");
  private static final LocalDate DAY2 = LocalDate.parse("2024-02-29");

  private static Dataset<Row> refs(SparkSession spark, String... refs) {
    return spark.createDataFrame(Arrays.stream(refs).map(r -> RowFactory.create(r)).toList(), IdentityResolution.REFS);
  }

  private static Dataset<Row> links(SparkSession spark, String... pairs) {
    return spark.createDataFrame(Arrays.stream(pairs).map(p -> p.split("-"))
        .map(p -> RowFactory.create(p[0], p[1])).toList(), IdentityResolution.LINKS);
  }

  private static Map<String, Long> keys(Dataset<Row> map) {
    return map.collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
  }

  /** A missing input column fails before any plan, naming the input and the column. */
  @Test
  void missingInputColumnsAreNamed(SparkSession spark) {
    Dataset<Row> empty = spark.createDataFrame(List.of(), OutputSchemas.IDENTITY_MAP);
    IllegalArgumentException noRef = assertThrows(IllegalArgumentException.class, () -> IdentityResolution.resolve(
        spark, refs(spark, "L1").withColumnRenamed(LogColumns.REF, "reference"), links(spark, "L1-U1"), empty, DAY1));
    assertTrue(noRef.getMessage().startsWith("IdentityResolution references: required input column 'ref'"),
        noRef.getMessage());
    IllegalArgumentException noRefB = assertThrows(IllegalArgumentException.class, () -> IdentityResolution.resolve(
        spark, refs(spark, "L1"), links(spark, "L1-U1").drop(IdentityResolution.REF_B), empty, DAY1));
    assertTrue(noRefB.getMessage().contains("'" + IdentityResolution.REF_B + "'"), noRefB.getMessage());
    IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class, () -> IdentityResolution.resolve(
        spark, refs(spark, "L1"), links(spark, "L1-U1"), empty.drop(FeatureColumns.CUSTOMER_KEY), DAY1));
    assertTrue(noKey.getMessage().contains("previous map") && noKey.getMessage().contains("customer_key"),
        noKey.getMessage());
  }

  @Test
  void linksCardAccountEmailAndCookieIntoOneCustomer(SparkSession spark) {
    Dataset<Row> empty = spark.createDataFrame(List.of(), OutputSchemas.IDENTITY_MAP);
    Dataset<Row> map = IdentityResolution.resolve(spark, refs(spark, "L1", "L2", "U1", "L3"),
        links(spark, "L1-U1", "U1-e1", "c9-U1", "L2-U2"), empty, DAY1);
    Map<String, Long> k = keys(map);
    assertEquals(7, k.size(), "every reference gets a key: " + k);
    assertEquals(k.get("L1"), k.get("U1"));
    assertEquals(k.get("L1"), k.get("e1"));
    assertEquals(k.get("L1"), k.get("c9"));
    assertEquals(k.get("L2"), k.get("U2"));
    assertNotEquals(k.get("L1"), k.get("L2"));
    assertEquals(3, k.values().stream().distinct().count(), "three people: L1/U1/e1/c9, L2/U2, L3");

    // Same input again: same keys (deterministic, idempotent).
    assertEquals(k, keys(IdentityResolution.resolve(spark, refs(spark, "L1", "L2", "U1", "L3"),
        links(spark, "L1-U1", "U1-e1", "c9-U1", "L2-U2"), empty, DAY1)));
  }

  @Test
  void keysAreStableAcrossRunsAndMergesKeepTheOlderKey(SparkSession spark) {
    Dataset<Row> empty = spark.createDataFrame(List.of(), OutputSchemas.IDENTITY_MAP);
    Dataset<Row> first = IdentityResolution.resolve(spark, refs(spark, "L1", "L2", "L3"),
        links(spark, "L1-U1"), empty, DAY1).cache();
    Map<String, Long> k1 = keys(first);

    // Next month: a new customer arrives (L0 sorts first but must not steal a key) and L3 links to U1.
    Dataset<Row> second = IdentityResolution.resolve(spark, refs(spark, "L0", "L1", "L2", "L3"),
        links(spark, "L1-U1", "L3-U1"), first, DAY2);
    Map<String, Long> k2 = keys(second);
    assertEquals(k1.get("L1"), k2.get("L1"));
    assertEquals(k1.get("L2"), k2.get("L2"));
    assertEquals(Math.min(k1.get("L1"), k1.get("L3")), k2.get("L3"), "merged customers keep the older key");
    assertEquals(k1.values().stream().mapToLong(Long::longValue).max().getAsLong() + 1, k2.get("L0"),
        "new customers get keys after the existing ones");
    Map<String, Object> firstSeen = second.collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.get(2)));
    assertEquals(java.sql.Date.valueOf(DAY1), firstSeen.get("L1"));
    assertEquals(java.sql.Date.valueOf(DAY2), firstSeen.get("L0"));
  }
}
