package io.centraal.scoring.model.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.testing.Frames;
import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.testing.SparkExtension;
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

@ExtendWith(SparkExtension.class)
class ValueQuadrantScoringTest {
  static final StructType SCORED = new StructType()
      .add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType, false)
      .add(ScoreColumns.clv("12m"), DataTypes.DoubleType, true)
      .add(ScoreColumns.INFLUENCE_SCORE, DataTypes.DoubleType, true)
      .add(ScoreColumns.CHURN_RISK, DataTypes.DoubleType, true)
      .add(ScoreColumns.ADVOCACY, DataTypes.StringType, true);

  /**
   * Customers 1..10 with CLV 100..1000 (percent rank (i-1)/9: 9-10 high, 6-8 medium, 1-5 low) and
   * customer 11 without a CLV estimate.
   */
  static Dataset<Row> scored(SparkSession spark) {
    double[] influence = {95, 20, 30, 40, 50, 60, 70, 75, 10, 90, 85};
    Double[] churn = {0.7, 0.9, 0.1, null, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2};
    String[] advocacy = {AdvocacyScoring.PROMOTER, null, AdvocacyScoring.DETRACTOR, null, AdvocacyScoring.PASSIVE, null, null,
        null, null, AdvocacyScoring.PROMOTER, AdvocacyScoring.PROMOTER};
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i <= 11; i++) {
      rows.add(RowFactory.create((long) i, i <= 10 ? 100.0 * i : null, influence[i - 1], churn[i - 1],
          advocacy[i - 1]));
    }
    return spark.createDataFrame(rows, SCORED);
  }

  private static String s(Row r, String c) {
    return r.getString(r.fieldIndex(c));
  }

  private static boolean risk(Row r) {
    return r.getBoolean(r.fieldIndex(ScoreColumns.RISK_FLAG));
  }

  @Test
  void tiersQuadrantsAndRisk(SparkSession spark) {
    Dataset<Row> out = new ValueQuadrantScoring(InfluenceFixtures.quadrant()).apply(scored(spark));
    assertEquals(SCORED.size() + 3, out.schema().size());
    Map<Long, Row> rows = Frames.byKey(out);
    assertEquals(InfluenceScoring.TIER_HIGH, s(rows.get(9L), ScoreColumns.CLV_TIER));
    assertEquals(InfluenceScoring.TIER_MEDIUM, s(rows.get(8L), ScoreColumns.CLV_TIER));
    assertEquals(InfluenceScoring.TIER_MEDIUM, s(rows.get(6L), ScoreColumns.CLV_TIER));
    assertEquals(InfluenceScoring.TIER_LOW, s(rows.get(5L), ScoreColumns.CLV_TIER));
    assertNull(rows.get(11L).get(rows.get(11L).fieldIndex(ScoreColumns.CLV_TIER)));

    assertEquals(ValueQuadrantScoring.CHAMPION, s(rows.get(10L), ScoreColumns.VALUE_QUADRANT));
    assertEquals(ValueQuadrantScoring.SPENDER, s(rows.get(9L), ScoreColumns.VALUE_QUADRANT));
    assertEquals(ValueQuadrantScoring.HIDDEN_INFLUENCER, s(rows.get(1L), ScoreColumns.VALUE_QUADRANT));
    assertEquals(ValueQuadrantScoring.HIDDEN_INFLUENCER, s(rows.get(11L), ScoreColumns.VALUE_QUADRANT));
    assertEquals(ValueQuadrantScoring.LOW_VALUE, s(rows.get(5L), ScoreColumns.VALUE_QUADRANT));
    assertEquals(ValueQuadrantScoring.LOW_VALUE, s(rows.get(8L), ScoreColumns.VALUE_QUADRANT)); // medium CLV, 75

    assertTrue(risk(rows.get(2L)));   // churn 0.9
    assertTrue(risk(rows.get(3L)));   // detractor
    assertTrue(!risk(rows.get(1L)));  // churn 0.7 is not above 0.7
    assertTrue(!risk(rows.get(4L)));  // nulls raise no flag
  }

  @Test
  void topHiddenInfluencersByScore(SparkSession spark) {
    Dataset<Row> out = new ValueQuadrantScoring(InfluenceFixtures.quadrant()).apply(scored(spark));
    List<Long> top = ValueQuadrantScoring.topHiddenInfluencers(out, 5).collectAsList().stream()
        .map(r -> r.getLong(r.fieldIndex(FeatureColumns.CUSTOMER_KEY))).toList();
    assertEquals(List.of(1L, 11L), top);
    assertEquals(1, ValueQuadrantScoring.topHiddenInfluencers(out, 1).count());
  }

  @Test
  void schemaAndSettingsAreChecked(SparkSession spark) {
    Dataset<Row> noChurn = scored(spark).drop(ScoreColumns.CHURN_RISK);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ValueQuadrantScoring(InfluenceFixtures.quadrant()).apply(noChurn));
    assertTrue(e.getMessage().contains("'churn_risk'"), e.getMessage());
    IllegalArgumentException clv = assertThrows(IllegalArgumentException.class,
        () -> new ValueQuadrantScoring(new ValueQuadrantSettings("clv_24m", 0.8, 0.5, 80, 0.7)).apply(scored(spark)));
    assertTrue(clv.getMessage().contains("'clv_24m'"), clv.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ValueQuadrantSettings("clv_12m", 0.5, 0.8, 80, 0.7));
  }
}
