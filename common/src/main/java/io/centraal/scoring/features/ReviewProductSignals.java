package io.centraal.scoring.features;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log2;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Reviews;
import io.centraal.scoring.schema.StageSchema.Kind;
import io.centraal.scoring.schema.StageSchema;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Review signals that need the other reviews of the same product, not just the reviewer's own:
 * per-product statistics over the review contract ({@code customer_key}, {@code product_id},
 * {@code ts}), so they work for any retailer's reviews table.
 * <ul>
 *   <li>{@code review_novelty}: the mean over a customer's reviews of log2(U / n), with U the
 *       customers who reviewed anything and n those who reviewed the product (the self-information
 *       of the product, the novelty measure of recommender systems, Zhou et al. 2010). High for
 *       reviewers of the long tail, 0 for a reviewer of only products everybody reviewed.</li>
 *   <li>{@code review_earliness}: the mean over a customer's reviews of the share of the product's
 *       other reviews written on a later day (ties on the day count as not later). A review written
 *       early is read by everyone who comes to the product after it. Reviews of a product nobody
 *       else reviewed carry no earliness (they are left out of the mean).</li>
 * </ul>
 *
 * <p><b>Input</b>: keyed reviews with {@code customer_key} (integral), {@code ts} (timestamp) and
 * optionally {@code product_id}; reviews after the as-of date and reviews without a product id are
 * ignored. <b>Output</b>: {@code customer_key}, {@code review_novelty}, {@code review_earliness}
 * (double; null when the customer has no review that allows it). Without a {@code product_id}
 * column, or with dates that never differ (FilmTrust), the signals are null or 0 for everyone and
 * so absent in {@code InfluenceScoring}: they drop out instead of counting as a tie.
 *
 * <p>Part of the features stage ({@link CustomerFeatures} adds both columns to the silver
 * {@code customer_features} table), so a run scores and fits them like the other review features;
 * the influence validation calls it on its own review data. It lives here, not in the influence
 * package: that package reads the features package, so a call the other way would be a package
 * cycle (ArchitectureTest).
 */
public final class ReviewProductSignals {
  private ReviewProductSignals() {}

  private static final String STAGE = "ReviewProductSignals";
  private static final String TMP = StageSchema.TMP_PREFIX + "rps_";
  private static final String DAY = TMP + "day";
  private static final String PRODUCT_REVIEWERS = TMP + "product_reviewers";
  private static final String ALL_REVIEWERS = TMP + "all_reviewers";
  private static final String NOVELTY = TMP + "novelty";
  private static final String EARLINESS = TMP + "earliness";

  /** Per customer: {@code review_novelty} and {@code review_earliness} as of {@code asOf} (see the class doc). */
  public static Dataset<Row> perCustomer(Dataset<Row> keyedReviews, LocalDate asOf) {
    return perCustomerAtDates(keyedReviews, List.of(asOf)).drop(Keyed.AS_OF);
  }

  /** {@link #perCustomer} per customer and as-of date, for each of {@code dates}: each date's own crowd. */
  static Dataset<Row> perCustomerAtDates(Dataset<Row> keyedReviews, List<LocalDate> dates) {
    StageSchema.require(keyedReviews.schema(), STAGE, FeatureColumns.CUSTOMER_KEY, Kind.INTEGRAL);
    if (!StageSchema.has(keyedReviews.schema(), Reviews.TS)) {
      throw new IllegalArgumentException(STAGE + ": missing column " + Reviews.TS);
    }
    if (!StageSchema.has(keyedReviews.schema(), Reviews.PRODUCT_ID)) {
      // No product id in the source: nothing to compare a review with, so both signals are absent.
      return Keyed.onEachOf(keyedReviews.select(col(FeatureColumns.CUSTOMER_KEY)).distinct(), dates)
          .select(col(FeatureColumns.CUSTOMER_KEY), Keyed.asOf(),
              lit(null).cast("double").as(FeatureColumns.REVIEW_NOVELTY),
              lit(null).cast("double").as(FeatureColumns.REVIEW_EARLINESS));
    }
    Dataset<Row> reviews = knownWithProduct(keyedReviews, dates);
    return perReview(reviews).groupBy(col(FeatureColumns.CUSTOMER_KEY), Keyed.asOf())
        .agg(avg(col(NOVELTY)).as(FeatureColumns.REVIEW_NOVELTY), avg(col(EARLINESS)).as(FeatureColumns.REVIEW_EARLINESS));
  }

  /** Reviews known at each date that name a product: customer_key, product_id, day, as_of_date. */
  static Dataset<Row> knownWithProduct(Dataset<Row> keyedReviews, List<LocalDate> dates) {
    return Keyed.atDatesOfTs(keyedReviews
            .where(col(Reviews.PRODUCT_ID).isNotNull().and(col(FeatureColumns.CUSTOMER_KEY).isNotNull())),
            Reviews.TS, dates)
        .select(col(FeatureColumns.CUSTOMER_KEY), col(Reviews.PRODUCT_ID), to_date(col(Reviews.TS)).as(DAY),
            Keyed.asOf());
  }

  /**
   * Each review's novelty and earliness. Reviewer counts are distinct customers (a customer who
   * reviews a product twice is one reader of the crowd, not two); the earliness compares reviews.
   * The distinct counts are aggregations joined back, not windows: Spark has no distinct count over
   * a window, and a set per product would not scale to a best-seller's reviews.
   */
  static Dataset<Row> perReview(Dataset<Row> reviews) {
    Dataset<Row> perProduct = reviews.groupBy(col(Reviews.PRODUCT_ID), Keyed.asOf())
        .agg(countDistinct(col(FeatureColumns.CUSTOMER_KEY)).as(PRODUCT_REVIEWERS));
    Dataset<Row> all = reviews.groupBy(Keyed.asOf())
        .agg(countDistinct(col(FeatureColumns.CUSTOMER_KEY)).as(ALL_REVIEWERS));
    WindowSpec product = Window.partitionBy(col(Reviews.PRODUCT_ID), Keyed.asOf());
    // Reviews of the product on this day or before (this one included); the rest are later.
    WindowSpec upToDay = product.orderBy(col(DAY)).rangeBetween(Window.unboundedPreceding(), Window.currentRow());
    Column reviewsOfProduct = count(lit(1)).over(product);
    Column later = reviewsOfProduct.minus(count(lit(1)).over(upToDay));
    return reviews.join(perProduct, new String[] {Reviews.PRODUCT_ID, Keyed.AS_OF})
        .join(all, new String[] {Keyed.AS_OF})
        .select(col(FeatureColumns.CUSTOMER_KEY), Keyed.asOf(),
            log2(col(ALL_REVIEWERS).cast("double").divide(col(PRODUCT_REVIEWERS))).as(NOVELTY),
            when(reviewsOfProduct.gt(1), later.cast("double").divide(reviewsOfProduct.minus(1))).as(EARLINESS));
  }
}
