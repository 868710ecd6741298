package io.centraal.scoring.model.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import io.centraal.scoring.testing.SparkExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class AdvocacyScoringTest {
  private static final StructType RATINGS = new StructType()
      .add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType, false)
      .add(FeatureColumns.AVG_RATING, DataTypes.DoubleType, true)
      .add(FeatureColumns.REVIEW_COUNT, DataTypes.LongType, true);

  private static Dataset<Row> ratings(SparkSession spark, Double... avg) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < avg.length; i++) {
      rows.add(RowFactory.create((long) i, avg[i], avg[i] == null ? 0L : 3L));
    }
    return spark.createDataFrame(rows, RATINGS);
  }

  private static List<String> classes(Dataset<Row> df) {
    return df.orderBy(FeatureColumns.CUSTOMER_KEY).collectAsList().stream()
        .map(r -> r.getString(r.fieldIndex(ScoreColumns.ADVOCACY))).toList();
  }

  @Test
  void fiveStarMappingRoundsTheAverageHalfUp(SparkSession spark) {
    Dataset<Row> out = new AdvocacyScoring(InfluenceFixtures.fiveStar())
        .apply(ratings(spark, 5.0, 4.5, 4.49, 3.5, 3.49, 1.0, null));
    assertEquals(Arrays.asList(AdvocacyScoring.PROMOTER, AdvocacyScoring.PROMOTER, AdvocacyScoring.PASSIVE, AdvocacyScoring.PASSIVE,
        AdvocacyScoring.DETRACTOR, AdvocacyScoring.DETRACTOR, null), classes(out));
    // 2 promoters, 2 detractors of 6 classified customers; the unrated one is left out.
    assertEquals(0.0, AdvocacyScoring.nps(out).getAsDouble(), 1e-12);
  }

  @Test
  void npsScaleZeroToTen(SparkSession spark) {
    Dataset<Row> out = new AdvocacyScoring(new AdvocacySettings(0, 10, 9, 7))
        .apply(ratings(spark, 10.0, 9.0, 8.6, 8.4, 6.5, 6.49, 0.0));
    assertEquals(List.of(AdvocacyScoring.PROMOTER, AdvocacyScoring.PROMOTER, AdvocacyScoring.PROMOTER, AdvocacyScoring.PASSIVE,
        AdvocacyScoring.PASSIVE, AdvocacyScoring.DETRACTOR, AdvocacyScoring.DETRACTOR), classes(out));
    assertEquals(100.0 * (3 - 2) / 7, AdvocacyScoring.nps(out).getAsDouble(), 1e-12);
  }

  @Test
  void noRatingsMeansNoClassAndNoNps(SparkSession spark) {
    List<Row> rows = List.of(RowFactory.create(1L, 4.0, 0L), RowFactory.create(2L, null, 2L),
        RowFactory.create(3L, 5.0, null));
    Dataset<Row> out = new AdvocacyScoring(InfluenceFixtures.fiveStar()).apply(spark.createDataFrame(rows, RATINGS));
    assertEquals(Arrays.asList(null, null, null), classes(out));
    assertEquals(OptionalDouble.empty(), AdvocacyScoring.nps(out));
  }

  @Test
  void schemaAndSettingsAreChecked(SparkSession spark) {
    Dataset<Row> noCount = ratings(spark, 4.0).drop(FeatureColumns.REVIEW_COUNT);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AdvocacyScoring(InfluenceFixtures.fiveStar()).apply(noCount));
    assertTrue(e.getMessage().contains("'review_count'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new AdvocacySettings(1, 5, 3, 4));
    assertThrows(IllegalArgumentException.class, () -> new AdvocacySettings(1, 5, 6, 4));
  }
}
