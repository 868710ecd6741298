package io.centraal.scoring.identity;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.LogColumns;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.centraal.scoring.schema.OutputSchemas;
import io.centraal.scoring.testing.CachedRdds;
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
        spark, refs(spark, "L1").withColumnRenamed(LogColumns.REF, "reference"), links(spark, "L1-U1"), empty, DAY1, 0));
    assertTrue(noRef.getMessage().startsWith("IdentityResolution references: required input column 'ref'"),
        noRef.getMessage());
    IllegalArgumentException noRefB = assertThrows(IllegalArgumentException.class, () -> IdentityResolution.resolve(
        spark, refs(spark, "L1"), links(spark, "L1-U1").drop(IdentityResolution.REF_B), empty, DAY1, 0));
    assertTrue(noRefB.getMessage().contains("'" + IdentityResolution.REF_B + "'"), noRefB.getMessage());
    IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class, () -> IdentityResolution.resolve(
        spark, refs(spark, "L1"), links(spark, "L1-U1"), empty.drop(FeatureColumns.CUSTOMER_KEY), DAY1, 0));
    assertTrue(noKey.getMessage().contains("previous map") && noKey.getMessage().contains("customer_key"),
        noKey.getMessage());
  }

  @Test
  void linksCardAccountEmailAndCookieIntoOneCustomer(SparkSession spark) {
    Dataset<Row> empty = spark.createDataFrame(List.of(), OutputSchemas.IDENTITY_MAP);
    Dataset<Row> map = IdentityResolution.resolve(spark, refs(spark, "L1", "L2", "U1", "L3"),
        links(spark, "L1-U1", "U1-e1", "c9-U1", "L2-U2"), empty, DAY1, 0);
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
        links(spark, "L1-U1", "U1-e1", "c9-U1", "L2-U2"), empty, DAY1, 0)));
  }

  @Test
  void theMapIsTheOnlyThingResolvingLeavesCached(SparkSession spark) {
    Dataset<Row> empty = spark.createDataFrame(List.of(), OutputSchemas.IDENTITY_MAP);
    java.util.Set<Integer> before = CachedRdds.now(spark);
    Dataset<Row> map = IdentityResolution.resolve(spark, refs(spark, "L1", "L2", "U1", "L3"),
        links(spark, "L1-U1", "U1-e1", "c9-U1", "L2-U2"), empty, DAY1, 0);
    java.util.Map<Integer, String> added = CachedRdds.addedSince(spark, before);
    map.unpersist(true);
    // The map itself, computed once; the graph, its components and the numbered references are gone.
    assertEquals(1, added.size(), "cached after resolving: " + added);
  }

  @Test
  void keysAreStableAcrossRunsAndMergesKeepTheOlderKey(SparkSession spark) {
    Dataset<Row> empty = spark.createDataFrame(List.of(), OutputSchemas.IDENTITY_MAP);
    Dataset<Row> first = IdentityResolution.resolve(spark, refs(spark, "L1", "L2", "L3"),
        links(spark, "L1-U1"), empty, DAY1, 0).cache();
    Map<String, Long> k1 = keys(first);

    // Next month: a new customer arrives (L0 sorts first but must not steal a key) and L3 links to U1.
    Dataset<Row> second = IdentityResolution.resolve(spark, refs(spark, "L0", "L1", "L2", "L3"),
        links(spark, "L1-U1", "L3-U1"), first, DAY2, 0);
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

  /** Links given as (ref_a, ref_b, login). */
  private static Dataset<Row> logins(SparkSession spark, String account, String cookiePrefix, int cookies) {
    return spark.createDataFrame(java.util.stream.IntStream.rangeClosed(1, cookies)
        .mapToObj(i -> RowFactory.create(account, cookiePrefix + i, true)).toList(), LINKS_WITH_LOGIN);
  }

  private static final org.apache.spark.sql.types.StructType LINKS_WITH_LOGIN = IdentityResolution.LINKS
      .add(IdentityResolution.LOGIN, org.apache.spark.sql.types.DataTypes.BooleanType, false);

  private static Map<String, Long> hubPartners(Dataset<Row> map) {
    return map.where(org.apache.spark.sql.functions.col(IdentityResolution.HUB_PARTNERS).isNotNull())
        .collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0),
            r -> r.getLong(r.fieldIndex(IdentityResolution.HUB_PARTNERS))));
  }

  /** A placeholder e-mail on 25 cards joins nobody when hubs are set aside, and everybody when not. */
  @Test
  void aPlaceholderEmailOnManyCardsIsAHubAndJoinsNobody(SparkSession spark) {
    Dataset<Row> empty = spark.createDataFrame(List.of(), OutputSchemas.IDENTITY_MAP);
    String[] cards = java.util.stream.IntStream.rangeClosed(1, 25).mapToObj(i -> "L" + i).toArray(String[]::new);
    List<String> pairs = new java.util.ArrayList<>(Arrays.stream(cards).map(c -> c + "-noemail").toList());
    pairs.add("L1-U1"); // one card's own account still joins it
    pairs.add("U1-e1");
    Dataset<Row> links = links(spark, pairs.toArray(String[]::new));

    Dataset<Row> guarded = IdentityResolution.resolve(spark, refs(spark, cards), links, empty, DAY1, 20).cache();
    Map<String, Long> k = keys(guarded);
    assertEquals(Map.of("noemail", 25L), hubPartners(guarded), "the placeholder, with its partners");
    assertEquals(k.get("L1"), k.get("U1"));
    assertEquals(k.get("L1"), k.get("e1"), "links that do not touch the hub are followed");
    assertEquals(26, k.values().stream().distinct().count(), "25 cards (L1 with U1 and e1) and the placeholder alone");

    Map<String, Long> unguarded = keys(IdentityResolution.resolve(spark, refs(spark, cards), links, empty, DAY1, 0));
    assertEquals(1, unguarded.values().stream().distinct().count(), "without the guard: one customer of 28 references");
    assertEquals(Map.of(), hubPartners(IdentityResolution.resolve(spark, refs(spark, cards), links, empty, DAY1, 25)),
        "25 partners are not more than 25");
  }

  /** An account seen with many cookies is one person; a cookie seen with many accounts is a shared screen. */
  @Test
  void aLoginCountsForTheCookieOnly(SparkSession spark) {
    Dataset<Row> empty = spark.createDataFrame(List.of(), OutputSchemas.IDENTITY_MAP);
    Dataset<Row> links = logins(spark, "U1", "c-", 30);
    for (int i = 1; i <= 21; i++) {
      links = links.union(spark.createDataFrame(List.of(RowFactory.create("V" + i, "kiosk", true)), LINKS_WITH_LOGIN));
    }
    Dataset<Row> map = IdentityResolution.resolve(spark, refs(spark, "U1", "V1", "V2"), links, empty, DAY1, 20).cache();
    Map<String, Long> k = keys(map);
    assertEquals(Map.of("kiosk", 21L), hubPartners(map));
    assertEquals(1, java.util.stream.IntStream.rangeClosed(1, 30).mapToObj(i -> k.get("c-" + i)).distinct().count());
    assertEquals(k.get("U1"), k.get("c-7"), "the account keeps its 30 cookies");
    assertNotEquals(k.get("V1"), k.get("V2"), "the kiosk's accounts stay apart");
    // Without the login column every link counts both ways: the account is a hub too.
    assertEquals(java.util.Set.of("U1", "kiosk"), hubPartners(IdentityResolution.resolve(spark,
        refs(spark, "U1"), links.drop(IdentityResolution.LOGIN), empty, DAY1, 20)).keySet());
  }

  /**
   * A customer of the previous map whose hub is now set aside falls apart: its key stays with the
   * part holding most of its references, the other parts get new keys.
   */
  @Test
  void aCustomerSplitByAHubKeepsItsKeyInItsLargestPart(SparkSession spark) {
    Dataset<Row> empty = spark.createDataFrame(List.of(), OutputSchemas.IDENTITY_MAP);
    Dataset<Row> links = links(spark, "L1-E", "L2-E", "L3-E", "L3-U3", "U3-e3");
    Dataset<Row> first = IdentityResolution.resolve(spark, refs(spark, "L1", "L2", "L3"), links, empty, DAY1, 0)
        .cache();
    Map<String, Long> k1 = keys(first);
    assertEquals(1, k1.values().stream().distinct().count());
    long old = k1.get("L1");

    Map<String, Long> k2 = keys(IdentityResolution.resolve(spark, refs(spark, "L1", "L2", "L3"), links, first, DAY2, 2));
    assertEquals(old, k2.get("L3"), "L3 with U3 and e3 is the largest part: " + k2);
    assertEquals(old, k2.get("U3"));
    assertEquals(java.util.Set.of(old + 1, old + 2, old + 3), java.util.Set.of(k2.get("E"), k2.get("L1"), k2.get("L2")),
        "the others get new keys: " + k2);
  }
}
