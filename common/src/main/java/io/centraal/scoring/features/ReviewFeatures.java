package io.centraal.scoring.features;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Reviews;
import java.time.LocalDate;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Review behaviour per customer as of a date: how often (with a time decay so recent reviews weigh
 * more), how recently, the ratings, helpfulness votes, length and sentiment of the text, share of
 * verified purchases, rating extremity (|rating - mid| / half range, 0..1) and the number of
 * promoter and detractor reviews.
 */
public final class ReviewFeatures {
  private ReviewFeatures() {}

  /**
   * Bronze reviews with the author's {@code customer_key} (inner join on author_ref = identity_map.ref):
   * the input of {@link #reviews} and of the influence training outcome
   * ({@code InfluenceTraining.helpfulVotesOfReviewsWritten}).
   */
  public static Dataset<Row> keyed(Dataset<Row> reviews, Dataset<Row> identityMap) {
    return Keyed.withKey(reviews, Reviews.AUTHOR_REF, identityMap, FeatureColumns.CUSTOMER_KEY);
  }

  /**
   * @param keyedReviews reviews with customer_key
   * @param sentiment    maps the review text column to a sentiment score in [-1, 1] (null for no text)
   * @param ratingMin    lowest rating of the scale, ratingMax the highest
   */
  public static Dataset<Row> reviews(Dataset<Row> keyedReviews, LocalDate asOf, FeatureSettings settings,
                                     UnaryOperator<Column> sentiment, int ratingMin, int ratingMax) {
    return reviewsAtDates(keyedReviews, List.of(asOf), settings, sentiment, ratingMin, ratingMax).drop(Keyed.AS_OF);
  }

  /** {@link #reviews} per customer and as-of date, for each of {@code dates}. */
  static Dataset<Row> reviewsAtDates(Dataset<Row> keyedReviews, List<LocalDate> dates, FeatureSettings settings,
                                     UnaryOperator<Column> sentiment, int ratingMin, int ratingMax) {
    Column asOfDate = Keyed.asOf();
    Column ageDays = datediff(asOfDate, to_date(col(Reviews.TS)));
    Column rating = col(Reviews.RATING);
    double mid = (ratingMin + ratingMax) / 2.0;
    double half = Math.max((ratingMax - ratingMin) / 2.0, 1e-9);
    return Keyed.atDatesOfTs(keyedReviews, Reviews.TS, dates)
        .groupBy(col(FeatureColumns.CUSTOMER_KEY), asOfDate)
        .agg(count(lit(1)).as(FeatureColumns.REVIEW_COUNT),
            sum(pow(lit(0.5), ageDays.divide(settings.reviewHalfLifeDays()))).as(FeatureColumns.REVIEW_COUNT_DECAYED),
            max(to_date(col(Reviews.TS))).as("_tmp_last_review"),
            avg(rating.cast("double")).as(FeatureColumns.AVG_RATING),
            sum(coalesce(col(Reviews.HELPFUL_VOTES), lit(0L))).as(FeatureColumns.HELPFUL_VOTES),
            sum(coalesce(col(Reviews.TOTAL_VOTES), lit(0L))).as(FeatureColumns.TOTAL_VOTES),
            avg(coalesce(length(col(Reviews.TEXT)), lit(0)).cast("double")).as(FeatureColumns.AVG_REVIEW_LENGTH),
            avg(sentiment.apply(col(Reviews.TEXT))).as(FeatureColumns.AVG_SENTIMENT),
            avg(when(col(Reviews.VERIFIED_PURCHASE), 1.0).otherwise(0.0)).as(FeatureColumns.VERIFIED_SHARE),
            avg(abs(rating.minus(mid)).divide(half)).as(FeatureColumns.RATING_EXTREMITY),
            sum(when(rating.geq(settings.promoterMinRating()), 1L).otherwise(0L)).as(FeatureColumns.PROMOTER_REVIEWS),
            sum(when(rating.leq(settings.detractorMaxRating()), 1L).otherwise(0L)).as(FeatureColumns.DETRACTOR_REVIEWS))
        .withColumn(FeatureColumns.DAYS_SINCE_LAST_REVIEW, datediff(asOfDate, col("_tmp_last_review")))
        .drop("_tmp_last_review");
  }
}
