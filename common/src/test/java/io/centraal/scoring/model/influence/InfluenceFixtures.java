package io.centraal.scoring.model.influence;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.ScoreColumns;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Named influence fixtures with explicit schemas, and the recommended settings. */
final class InfluenceFixtures {
  private InfluenceFixtures() {}

  /** The feature columns the influence chain reads (plus follower_pagerank from FollowGraph). */
  static final StructType FEATURES = new StructType()
      .add(FeatureColumns.CUSTOMER_KEY, DataTypes.LongType, false)
      .add(FeatureColumns.REVIEW_COUNT, DataTypes.LongType, true)
      .add(FeatureColumns.REVIEW_COUNT_DECAYED, DataTypes.DoubleType, true)
      .add(FeatureColumns.HELPFUL_VOTES, DataTypes.LongType, true)
      .add(FeatureColumns.TOTAL_VOTES, DataTypes.LongType, true)
      .add(FeatureColumns.AVG_REVIEW_LENGTH, DataTypes.DoubleType, true)
      .add(FeatureColumns.AVG_SENTIMENT, DataTypes.DoubleType, true)
      .add(FeatureColumns.RATING_EXTREMITY, DataTypes.DoubleType, true)
      .add(FeatureColumns.VERIFIED_SHARE, DataTypes.DoubleType, true)
      .add(FeatureColumns.AVG_RATING, DataTypes.DoubleType, true)
      .add(FeatureColumns.PROMOTER_REVIEWS, DataTypes.LongType, true)
      .add(FeatureColumns.DETRACTOR_REVIEWS, DataTypes.LongType, true)
      .add(FeatureColumns.AUDIENCE_SIZE, DataTypes.LongType, true)
      .add(FeatureColumns.FOLLOWERS, DataTypes.LongType, true)
      .add(ScoreColumns.FOLLOWER_PAGERANK, DataTypes.DoubleType, true)
      .add(FeatureColumns.REFERRED_VISITORS, DataTypes.LongType, true)
      .add(FeatureColumns.REFERRED_CUSTOMERS, DataTypes.LongType, true)
      .add(FeatureColumns.REFERRAL_VALUE, DataTypes.DoubleType, true);

  static final StructType FOLLOWS = new StructType()
      .add(FeatureColumns.FOLLOWER_KEY, DataTypes.LongType, false)
      .add(FeatureColumns.FOLLOWED_KEY, DataTypes.LongType, false);

  /** The recommended defaults (see the HOCON block in the report / InfluenceSettings). */
  static InfluenceSettings recommended() {
    return new InfluenceSettings(
        new InfluenceSettings.ComponentWeights(0.35, 0.25, 0.25, 0.15),
        new InfluenceSettings.ReviewWeights(0.30, 0.25, 0.15, 0.10, 0.20, 0, 0),
        new InfluenceSettings.ReachWeights(0.40, 0.30, 0.30),
        new InfluenceSettings.ReferralWeights(0.30, 0.40, 0.30),
        1.96, 80.0, 50.0);
  }

  static AdvocacySettings fiveStar() {
    return new AdvocacySettings(1, 5, 5, 4);
  }

  static ValueQuadrantSettings quadrant() {
    return new ValueQuadrantSettings("clv_12m", 0.8, 0.5, 80.0, 0.7);
  }

  /** A feature row: every column null except the key and the given values. */
  static final class Customer {
    private final Map<String, Object> values = new HashMap<>();

    Customer(long key) {
      values.put(FeatureColumns.CUSTOMER_KEY, key);
    }

    Customer set(String column, Object value) {
      if (!List.of(FEATURES.fieldNames()).contains(column)) {
        throw new IllegalArgumentException("not a fixture column: " + column);
      }
      values.put(column, value);
      return this;
    }

    /** The values in {@link #FEATURES} order. */
    Object[] values() {
      StructField[] fields = FEATURES.fields();
      Object[] out = new Object[fields.length];
      for (int i = 0; i < fields.length; i++) {
        out[i] = values.get(fields[i].name());
      }
      return out;
    }

    Row row() {
      return RowFactory.create(values());
    }
  }

  static Dataset<Row> frame(SparkSession spark, Customer... customers) {
    return spark.createDataFrame(java.util.Arrays.stream(customers).map(Customer::row).toList(), FEATURES);
  }

  /**
   * Five customers: 1 no activity at all; 2 a light reviewer; 3 an all-round influencer; 4 reach
   * only; 5 in the follow graph with nobody following (pagerank floor, 0 followers).
   */
  static Dataset<Row> fiveCustomers(SparkSession spark) {
    return frame(spark,
        new Customer(1),
        new Customer(2).set(FeatureColumns.REVIEW_COUNT, 1L).set(FeatureColumns.REVIEW_COUNT_DECAYED, 1.0)
            .set(FeatureColumns.HELPFUL_VOTES, 1L).set(FeatureColumns.TOTAL_VOTES, 1L)
            .set(FeatureColumns.AVG_REVIEW_LENGTH, 100.0).set(FeatureColumns.AVG_SENTIMENT, 0.5)
            .set(FeatureColumns.RATING_EXTREMITY, 0.5).set(FeatureColumns.VERIFIED_SHARE, 1.0)
            .set(FeatureColumns.AVG_RATING, 4.0).set(FeatureColumns.PROMOTER_REVIEWS, 1L)
            .set(FeatureColumns.DETRACTOR_REVIEWS, 0L),
        new Customer(3).set(FeatureColumns.REVIEW_COUNT, 12L).set(FeatureColumns.REVIEW_COUNT_DECAYED, 10.0)
            .set(FeatureColumns.HELPFUL_VOTES, 90L).set(FeatureColumns.TOTAL_VOTES, 100L)
            .set(FeatureColumns.AVG_REVIEW_LENGTH, 500.0).set(FeatureColumns.AVG_SENTIMENT, 0.8)
            .set(FeatureColumns.RATING_EXTREMITY, 1.0).set(FeatureColumns.VERIFIED_SHARE, 1.0)
            .set(FeatureColumns.AVG_RATING, 4.8).set(FeatureColumns.PROMOTER_REVIEWS, 8L)
            .set(FeatureColumns.DETRACTOR_REVIEWS, 1L).set(FeatureColumns.AUDIENCE_SIZE, 1000L)
            .set(FeatureColumns.FOLLOWERS, 50L).set(ScoreColumns.FOLLOWER_PAGERANK, 3.0)
            .set(FeatureColumns.REFERRED_VISITORS, 20L).set(FeatureColumns.REFERRED_CUSTOMERS, 5L)
            .set(FeatureColumns.REFERRAL_VALUE, 500.0),
        new Customer(4).set(FeatureColumns.AUDIENCE_SIZE, 10L).set(FeatureColumns.FOLLOWERS, 2L)
            .set(ScoreColumns.FOLLOWER_PAGERANK, 0.5),
        new Customer(5).set(FeatureColumns.FOLLOWERS, 0L).set(ScoreColumns.FOLLOWER_PAGERANK, 0.2));
  }
}
