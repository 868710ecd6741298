package io.centraal.scoring.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.model.btyd.BgNbdModel;
import io.centraal.scoring.model.btyd.BgNbdSimulator;
import io.centraal.scoring.model.btyd.ClvModels;
import io.centraal.scoring.model.btyd.GroupFits;
import io.centraal.scoring.model.btyd.TransactionModel;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.testing.SparkExtension;
import io.centraal.scoring.testing.TestSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** score.clv.fit-by in the score step: each group scored by its own fit, small groups by the pooled one. */
@ExtendWith(SparkExtension.class)
class ClvStepGroupsTest {
  private static final StructType FEATURES = new StructType()
      .add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType, false)
      .add("region", DataTypes.StringType, true)
      .add(FeatureColumns.FREQUENCY, DataTypes.LongType, true)
      .add(FeatureColumns.RECENCY, DataTypes.DoubleType, true)
      .add(FeatureColumns.T, DataTypes.DoubleType, true)
      .add(FeatureColumns.MONETARY_VALUE, DataTypes.DoubleType, true)
      .add(FeatureColumns.TOTAL_SPEND, DataTypes.DoubleType, true)
      .add(FeatureColumns.TOTAL_MARGIN, DataTypes.DoubleType, true);

  @Test
  void eachGroupIsScoredByItsOwnFitAndSmallGroupsByThePooledOne(SparkSession spark, @TempDir Path dir)
      throws Exception {
    List<Row> rows = new ArrayList<>();
    add(rows, "north", new BgNbdModel(2.0, 40, 0.3, 6), 3000, 0, 1);
    add(rows, "south", new BgNbdModel(0.4, 50, 2.0, 2.0), 3000, 10_000, 2);
    add(rows, "island", new BgNbdModel(0.4, 50, 2.0, 2.0), 40, 20_000, 3);
    rows.add(RowFactory.create(30_000L, null, null, null, null, null, null, null)); // never purchased
    Dataset<Row> features = spark.createDataFrame(rows, FEATURES).cache();
    CentraalSettings settings = TestSettings.withDataDir(dir, Map.of("centraal.time-unit", "days",
        "centraal.score.clv.fit-by", "region", "centraal.score.clv.fit-by-min-customers", "500",
        "centraal.score.clv.intervals.replicates", "20"));

    ClvModels pooled = ClvStep.fit(features, settings);
    GroupFits groups = ClvStep.fitGroups(features, settings);
    assertEquals(List.of("north", "south"), new ArrayList<>(groups.fitted().keySet()));
    assertTrue(groups.note("island").contains("fewer than score.clv.fit-by-min-customers = 500"), groups.note("island"));

    Dataset<Row> scored = ClvStep.scoresByGroup(features, pooled, groups, settings);
    assertEquals(6040, scored.count(), "every customer with a purchase, once");
    for (String group : List.of("north", "south", "island")) {
      TransactionModel model = TransactionModel.fromFit(groups.of(group).orElse(pooled).transactionModel().orElseThrow());
      String expectedGroup = group.equals("island") ? GroupFits.POOLED : group;
      List<Row> sample = scored.join(features.where(col("region").equalTo(group)), FeatureColumns.CUSTOMER_KEY)
          .select(col(ScoreColumns.CLV_FIT_GROUP), col(ScoreColumns.P_ALIVE), col(FeatureColumns.FREQUENCY),
              col(FeatureColumns.RECENCY), col(FeatureColumns.T)).limit(25).collectAsList();
      for (Row r : sample) {
        assertEquals(expectedGroup, r.getString(0));
        assertEquals(model.probabilityAlive(r.getLong(2), r.getDouble(3), r.getDouble(4)), r.getDouble(1), 1e-12, group);
      }
    }
    // The two fits differ where the populations do: north's customers buy far more often.
    double north = groups.of("north").orElseThrow().transactionModel().orElseThrow().param("r")
        / groups.of("north").orElseThrow().transactionModel().orElseThrow().param("alpha");
    double south = groups.of("south").orElseThrow().transactionModel().orElseThrow().param("r")
        / groups.of("south").orElseThrow().transactionModel().orElseThrow().param("alpha");
    assertTrue(north > 4 * south, north + " vs " + south);

    // model_runs: each group's fit and its own value of a new customer; the small group says why it is pooled.
    io.centraal.scoring.io.ModelRuns.Entry entry = ClvStep.modelRunEntries(pooled, groups, settings,
            new io.centraal.scoring.run.RunContext(java.time.LocalDate.parse("2024-12-31"), "r1", "test")).stream()
        .filter(e -> e.model().equals(ClvStep.CLV_FIT_BY)).findFirst().orElseThrow();
    com.fasterxml.jackson.databind.JsonNode metrics = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(entry.metricsJson());
    assertEquals("region", metrics.get("fit_by").asText());
    java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> byGroup = new java.util.HashMap<>();
    metrics.get("groups").forEach(g -> byGroup.put(g.get("group").asText(), g));
    assertEquals(3, byGroup.size());
    double northValue = byGroup.get("north").get("new_customer_value").get("expected_repeat_purchases").asDouble();
    double southValue = byGroup.get("south").get("new_customer_value").get("expected_repeat_purchases").asDouble();
    assertTrue(northValue > 3 * southValue, northValue + " vs " + southValue);
    assertTrue(byGroup.get("island").get("note").asText().contains("pooled fit"));

    CentraalSettings bad = TestSettings.withDataDir(dir, Map.of("centraal.score.clv.fit-by", "store_region"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClvStep.fitGroups(features, bad));
    assertTrue(e.getMessage().contains("fit-by = 'store_region'") && e.getMessage().contains("region"), e.getMessage());
  }

  /** A group of customers observed 200-400 days with BG/NBD repeat purchases. */
  private static void add(List<Row> rows, String region, BgNbdModel model, int customers, long firstKey, long seed) {
    double[] ages = new double[customers];
    for (int i = 0; i < customers; i++) {
      ages[i] = 200 + Math.floor(200.0 * i / customers);
    }
    BgNbdSimulator.Population p = new BgNbdSimulator(model).simulate(ages, seed);
    for (int i = 0; i < customers; i++) {
      double x = p.frequency()[i];
      rows.add(RowFactory.create(firstKey + i, region, (long) x, Math.min(Math.ceil(p.recency()[i]), ages[i]), ages[i],
          x > 0 ? 30.0 + (i % 7) : 0.0, 30.0 * (x + 1), 9.0 * (x + 1)));
    }
  }
}
