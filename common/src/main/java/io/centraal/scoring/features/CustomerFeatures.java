package io.centraal.scoring.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Transactions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Assembles the silver {@code customer_features} table: one row per customer_key known to the
 * identity map, as of a date. The date is a parameter, so the same function builds the features
 * at the back-dated cut-offs the churn and influence models train at, in one query with the as-of
 * date's in a run.
 *
 * <p>Null semantics: counts and amounts are 0 when there was no activity; "days since" columns,
 * averages and the BTYD summary are null when there is nothing to measure (no purchase, no visit,
 * no review). {@code review_novelty} and {@code review_earliness} ({@link ReviewProductSignals})
 * are null for customers without a review that names a product.
 */
public final class CustomerFeatures {
  /** Counts and sums that are 0, not null, for customers without that activity. */
  private static final List<String> ZERO_WHEN_ABSENT = List.of(
      FeatureColumns.N_TRANSACTIONS, FeatureColumns.PURCHASE_PERIODS, FeatureColumns.TOTAL_SPEND,
      FeatureColumns.TOTAL_MARGIN, FeatureColumns.RETURNS_COUNT, FeatureColumns.RETURNS_AMOUNT,
      FeatureColumns.SESSIONS, FeatureColumns.PAGE_VIEWS, FeatureColumns.PRODUCT_VIEWS, FeatureColumns.CART_ADDS,
      FeatureColumns.SEARCHES, FeatureColumns.SHARES, FeatureColumns.ACTIVE_DAYS_ONLINE,
      FeatureColumns.REVIEW_COUNT, FeatureColumns.REVIEW_COUNT_DECAYED, FeatureColumns.HELPFUL_VOTES,
      FeatureColumns.TOTAL_VOTES, FeatureColumns.PROMOTER_REVIEWS, FeatureColumns.DETRACTOR_REVIEWS,
      FeatureColumns.FOLLOWERS, FeatureColumns.AUDIENCE_SIZE, FeatureColumns.REFERRED_VISITORS,
      FeatureColumns.REFERRED_CUSTOMERS, FeatureColumns.REFERRED_REVENUE, FeatureColumns.REFERRAL_VALUE);

  /** Output columns, in table order. */
  public static final List<String> COLUMNS = List.of(
      FeatureColumns.CUSTOMER_KEY, FeatureColumns.AS_OF_DATE,
      FeatureColumns.FIRST_PURCHASE_DATE, FeatureColumns.LAST_PURCHASE_DATE, FeatureColumns.N_TRANSACTIONS,
      FeatureColumns.PURCHASE_PERIODS, FeatureColumns.TOTAL_SPEND, FeatureColumns.TOTAL_MARGIN,
      FeatureColumns.RETURNS_COUNT, FeatureColumns.RETURNS_AMOUNT, FeatureColumns.AVG_PURCHASE_VALUE,
      FeatureColumns.DAYS_SINCE_LAST_PURCHASE, FeatureColumns.SHARE_STORE, FeatureColumns.SHARE_ONLINE,
      FeatureColumns.FREQUENCY, FeatureColumns.RECENCY, FeatureColumns.T, FeatureColumns.MONETARY_VALUE,
      FeatureColumns.SESSIONS, FeatureColumns.PAGE_VIEWS, FeatureColumns.PRODUCT_VIEWS, FeatureColumns.CART_ADDS,
      FeatureColumns.SEARCHES, FeatureColumns.SHARES, FeatureColumns.ACTIVE_DAYS_ONLINE,
      FeatureColumns.DAYS_SINCE_LAST_VISIT,
      FeatureColumns.REVIEW_COUNT, FeatureColumns.REVIEW_COUNT_DECAYED, FeatureColumns.DAYS_SINCE_LAST_REVIEW,
      FeatureColumns.AVG_RATING, FeatureColumns.HELPFUL_VOTES, FeatureColumns.TOTAL_VOTES,
      FeatureColumns.AVG_REVIEW_LENGTH, FeatureColumns.AVG_SENTIMENT, FeatureColumns.VERIFIED_SHARE,
      FeatureColumns.RATING_EXTREMITY, FeatureColumns.PROMOTER_REVIEWS, FeatureColumns.DETRACTOR_REVIEWS,
      FeatureColumns.FOLLOWERS, FeatureColumns.AUDIENCE_SIZE,
      FeatureColumns.REFERRED_VISITORS, FeatureColumns.REFERRED_CUSTOMERS, FeatureColumns.REFERRED_REVENUE,
      FeatureColumns.REFERRAL_VALUE, FeatureColumns.PROFILING_ALLOWED, FeatureColumns.MARKETING_ALLOWED,
      // Added after the table's first release: appended, so a table created now has the same column
      // order as an existing one that DeltaTables.ensureTable extended (it adds columns at the end).
      FeatureColumns.REVIEW_NOVELTY, FeatureColumns.REVIEW_EARLINESS);

  private CustomerFeatures() {}

  /** Customer-days of {@link TransactionFeatures#daily} up to the as-of date, for customers with a key. */
  public static Dataset<Row> dailyPurchases(FeatureInputs in, LocalDate asOf) {
    Dataset<Row> keyedTx = Keyed.withKey(in.transactions().where(col(Transactions.CUSTOMER_REF).isNotNull()),
        Transactions.CUSTOMER_REF, in.identityMap(), FeatureColumns.CUSTOMER_KEY);
    return TransactionFeatures.daily(keyedTx, asOf);
  }

  /**
   * The features as of one date or several ({@link #rows()}, lazy; {@code as_of_date} tells the
   * dates apart) and the keyed activity they read. A build that made its own activity
   * ({@code owned}) caches it, since the purchase days and the visit rows are each read by two
   * parts, and {@link #close()} releases it once the rows are written or copied; a shared activity
   * is left to its owner.
   */
  public record Built(Dataset<Row> rows, KeyedActivity activity, boolean owned) implements AutoCloseable {
    /** The rows of one of the build's dates. */
    public Dataset<Row> at(LocalDate asOf) {
      return rows.where(Keyed.isAsOf(asOf));
    }

    @Override
    public void close() {
      if (owned) {
        activity.close();
      }
    }
  }

  /**
   * The features as of {@code asOf} from the inputs' own activity up to that date.
   *
   * @param sentiment  text column -> sentiment in [-1, 1]
   * @param ratingMin  lowest rating of the review scale; {@code ratingMax} the highest
   */
  public static Built build(FeatureInputs in, LocalDate asOf, FeatureSettings settings,
                            UnaryOperator<Column> sentiment, int ratingMin, int ratingMax) {
    return build(in, KeyedActivity.cached(in, asOf), true, List.of(asOf), settings, sentiment, ratingMin, ratingMax);
  }

  /**
   * The features as of {@code asOf} from a shared activity up to that date or later (the score
   * stage's cut-off builds); closing the result leaves {@code activity} to its owner. When the
   * activity keeps features built ahead for {@code asOf} ({@link KeyedActivity#keepFeatures}), those
   * rows are returned: they were built with the same inputs and, in a run, the same settings.
   */
  public static Built build(FeatureInputs in, KeyedActivity activity, LocalDate asOf, FeatureSettings settings,
                            UnaryOperator<Column> sentiment, int ratingMin, int ratingMax) {
    Optional<Dataset<Row>> kept = activity.keptFeatures(asOf);
    if (kept.isPresent()) {
      return new Built(kept.get(), activity, false);
    }
    return build(in, activity, false, List.of(asOf), settings, sentiment, ratingMin, ratingMax);
  }

  /**
   * The features as of each of {@code dates} in one query, from a shared activity up to the last
   * of them or later; {@link Built#at} gives one date's rows.
   *
   * <p>Why one query: a run needs the features at the as-of date and at the churn and influence
   * cut-offs. Built one date at a time, the same joins and aggregations were planned, compiled and
   * run three times, about a hundred small Spark jobs. Here every dated row (a purchase day, a
   * visit, a review, a consent record) is repeated once for each date on or after its day and the
   * parts group by customer and date, so each date sees exactly the rows it would have seen alone.
   */
  public static Built build(FeatureInputs in, KeyedActivity activity, List<LocalDate> dates, FeatureSettings settings,
                            UnaryOperator<Column> sentiment, int ratingMin, int ratingMax) {
    return build(in, activity, false, dates, settings, sentiment, ratingMin, ratingMax);
  }

  private static Built build(FeatureInputs in, KeyedActivity activity, boolean owned, List<LocalDate> dates,
                             FeatureSettings settings, UnaryOperator<Column> sentiment, int ratingMin,
                             int ratingMax) {
    List<LocalDate> asOf = dates.stream().distinct().sorted().toList();
    if (asOf.isEmpty()) {
      throw new IllegalArgumentException("CustomerFeatures.build: no as-of date");
    }
    LocalDate last = asOf.get(asOf.size() - 1);
    Dataset<Row> map = in.identityMap();
    Dataset<Row> daily = Keyed.atDatesOfDay(activity.dailyPurchases(last), TransactionFeatures.PURCHASE_DATE, asOf);
    Dataset<Row> visits = Keyed.atDatesOfDay(activity.visitDays(last), ClickstreamFeatures.VISIT_DATE, asOf);

    // Parts per customer and date, then parts that have no date (the follow graph and audiences
    // are undated: the same at every date).
    List<Dataset<Row>> dated = new ArrayList<>();
    dated.add(TransactionFeatures.summaryAtDates(daily, settings.timeUnit(), settings.purchaseRule()));
    dated.add(ClickstreamFeatures.engagementAtDates(visits));
    Dataset<Row> keyedReviews = ReviewFeatures.keyed(in.reviews(), map);
    dated.add(ReviewFeatures.reviewsAtDates(keyedReviews, asOf, settings, sentiment, ratingMin, ratingMax));
    // Null, not 0, without a review that names a product: the signal is then absent for the
    // customer (no evidence), and absent for the date when nobody has one (no product_id mapped).
    dated.add(ReviewProductSignals.perCustomerAtDates(keyedReviews, asOf));
    dated.add(ReachFeatures.referrals(visits, map, daily, settings.referrals(), List.of(Keyed.AS_OF)));
    dated.add(ConsentFeatures.consentAtDates(in.consent(), map, asOf));
    List<Dataset<Row>> undated = List.of(ReachFeatures.followers(ReachFeatures.followEdges(in.follows(), map)),
        ReachFeatures.audience(in.audience(), map));

    Dataset<Row> all = Keyed.onEachOf(map.select(FeatureColumns.CUSTOMER_KEY).distinct(), asOf);
    for (Dataset<Row> part : dated) {
      all = all.join(part, new String[] {FeatureColumns.CUSTOMER_KEY, Keyed.AS_OF}, "left");
    }
    for (Dataset<Row> part : undated) {
      all = all.join(part, new String[] {FeatureColumns.CUSTOMER_KEY}, "left");
    }
    // One projection: a withColumn per column would analyse the nine-join plan again for each of
    // the 28 (Spark's analyser was the largest driver cost of a small run's features).
    StructType joined = all.schema();
    Map<String, Column> filled = new HashMap<>();
    for (String c : ZERO_WHEN_ABSENT) {
      filled.put(c, coalesce(col(c), lit(0)).cast(joined.apply(c).dataType()));
    }
    filled.put(FeatureColumns.PROFILING_ALLOWED,
        coalesce(col(FeatureColumns.PROFILING_ALLOWED), lit(settings.defaultProfilingAllowed())));
    filled.put(FeatureColumns.MARKETING_ALLOWED,
        coalesce(col(FeatureColumns.MARKETING_ALLOWED), lit(settings.defaultMarketingAllowed())));
    Column[] out = COLUMNS.stream().map(c -> filled.getOrDefault(c, col(c)).as(c)).toArray(Column[]::new);
    return new Built(all.select(out), activity, owned);
  }
}
