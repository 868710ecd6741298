package io.centraal.scoring.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Audience;
import io.centraal.scoring.schema.InputColumns.Clickstream;
import io.centraal.scoring.schema.InputColumns.Follows;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Reach and referrals per customer: followers in the follow graph, external audience size, and the
 * visitors, customers, revenue and discounted margin (referral value) that a customer's shared links
 * brought.
 */
public final class ReachFeatures {
  private static final String FOLLOWER_KEY = FeatureColumns.FOLLOWER_KEY;
  private static final String FOLLOWED_KEY = FeatureColumns.FOLLOWED_KEY;

  private ReachFeatures() {}

  /** Follow edges between customers ({@code follower_key, followed_key}), distinct, without self-follows. */
  public static Dataset<Row> followEdges(Dataset<Row> follows, Dataset<Row> identityMap) {
    Dataset<Row> a = Keyed.withKey(follows, Follows.FOLLOWER_REF, identityMap, FOLLOWER_KEY);
    return Keyed.withKey(a, Follows.FOLLOWED_REF, identityMap, FOLLOWED_KEY)
        .select(FOLLOWER_KEY, FOLLOWED_KEY)
        .where(col(FOLLOWER_KEY).notEqual(col(FOLLOWED_KEY)))
        .distinct();
  }

  /** customer_key, followers (distinct customers who follow them). */
  public static Dataset<Row> followers(Dataset<Row> followEdges) {
    return followEdges.groupBy(col(FOLLOWED_KEY).as(FeatureColumns.CUSTOMER_KEY))
        .agg(countDistinct(FOLLOWER_KEY).as(FeatureColumns.FOLLOWERS));
  }

  /** customer_key, audience_size: the largest audience of any of the customer's references, summed over references. */
  public static Dataset<Row> audience(Dataset<Row> audience, Dataset<Row> identityMap) {
    Dataset<Row> perRef = audience.groupBy(Audience.REF).agg(max(Audience.AUDIENCE_SIZE).as("_tmp_size"));
    return Keyed.withKey(perRef, Audience.REF, identityMap, FeatureColumns.CUSTOMER_KEY)
        .groupBy(FeatureColumns.CUSTOMER_KEY).agg(sum("_tmp_size").as(FeatureColumns.AUDIENCE_SIZE));
  }

  /**
   * Referrals: a visitor referred by customer R is any visitor whose event carries
   * {@code referrer_ref} = one of R's references. Visitors are counted distinct (by customer key
   * when known, else by cookie). A referred visitor who is (or becomes) a customer is a referred
   * customer when they have a purchase day (net amount &gt; 0) in R's attribution window: from the
   * day of their first visit referred by R (day 0) up to and including day
   * {@link ReferralSettings#windowDays()}. A customer referred by several customers counts for each.
   *
   * <p><b>Referred revenue</b> is their net amount on those purchase days, undiscounted.
   * <b>Referral value</b> (customer referral value) is the margin of those days, discounted back to
   * the first referred visit: {@code sum over days of margin_d x (1 + r)^(-t_d / 365.25)}, with
   * {@code t_d} the days from the first referred visit, r {@link ReferralSettings#annualDiscountRate()}
   * (continuous discounting at ln(1 + r) a year), and {@code margin_d = total_margin +
   * unknown_margin_rate x unknown_margin_amount}: the known line margins plus, for lines without a
   * margin, the configured share of their amount (CLV's convention with the default rate 1.0: an
   * unknown margin counts at revenue, not as 0).
   *
   * <p>Output: customer_key (the referrer), referred_visitors, referred_customers, referred_revenue,
   * referral_value; one row per customer who referred at least one visitor. The last three are null
   * when no referred visitor bought in the window (the caller treats null as 0).
   *
   * @param visitDays   clickstream from {@link ClickstreamFeatures#visitDays}, up to the as-of date
   * @param daily       purchase days from {@link TransactionFeatures#daily} (needs
   *                    {@code net_amount, total_margin, unknown_margin_amount})
   */
  public static Dataset<Row> referrals(Dataset<Row> visitDays, Dataset<Row> identityMap, Dataset<Row> daily,
                                       ReferralSettings settings) {
    return referrals(visitDays, identityMap, daily, settings, List.of());
  }

  /**
   * {@link #referrals} per referrer and per value of the columns {@code by} that both the visit
   * rows and the purchase days carry (the as-of date of a build over several dates).
   */
  static Dataset<Row> referrals(Dataset<Row> visitDays, Dataset<Row> identityMap, Dataset<Row> daily,
                                ReferralSettings settings, List<String> by) {
    for (String c : new String[] {FeatureColumns.CUSTOMER_KEY, TransactionFeatures.PURCHASE_DATE,
        TransactionFeatures.NET_AMOUNT, FeatureColumns.TOTAL_MARGIN, TransactionFeatures.UNKNOWN_MARGIN_AMOUNT}) {
      if (!java.util.Arrays.asList(daily.columns()).contains(c)) {
        throw new IllegalArgumentException("ReachFeatures.referrals: the daily purchases lack column '" + c
            + "' (build them with TransactionFeatures.daily); columns are " + java.util.Arrays.toString(daily.columns()));
      }
    }
    Dataset<Row> referred = Keyed.withKey(visitDays.where(col(Clickstream.REFERRER_REF).isNotNull()),
            Clickstream.REFERRER_REF, identityMap, "_tmp_referrer_key")
        .where(col(ClickstreamFeatures.VISITOR_KEY).isNull()
            .or(col(ClickstreamFeatures.VISITOR_KEY).notEqual(col("_tmp_referrer_key"))));
    String[] referrerKey = withBy("_tmp_referrer_key", by);
    Dataset<Row> visitors = referred.withColumn("_tmp_visitor",
            coalesce(col(ClickstreamFeatures.VISITOR_KEY).cast("string"),
                concat(lit("cookie:"), col(ClickstreamFeatures.COOKIE))))
        .groupBy(columns(referrerKey)).agg(countDistinct("_tmp_visitor").as(FeatureColumns.REFERRED_VISITORS));

    List<Column> firstVisitKey = new ArrayList<>(List.of(columns(referrerKey)));
    firstVisitKey.add(col(ClickstreamFeatures.VISITOR_KEY).as(FeatureColumns.CUSTOMER_KEY));
    Dataset<Row> firstVisit = referred.where(col(ClickstreamFeatures.VISITOR_KEY).isNotNull())
        .groupBy(firstVisitKey.toArray(Column[]::new))
        .agg(min(col(ClickstreamFeatures.VISIT_DATE)).as("_tmp_first_visit"));
    Column daysAfterVisit = datediff(col(TransactionFeatures.PURCHASE_DATE), col("_tmp_first_visit"));
    Column margin = col(FeatureColumns.TOTAL_MARGIN)
        .plus(col(TransactionFeatures.UNKNOWN_MARGIN_AMOUNT).multiply(lit(settings.unknownMarginRate())));
    Column discount = exp(daysAfterVisit.cast("double").multiply(lit(-settings.continuousDailyRate())));
    Dataset<Row> revenue = firstVisit.join(daily, withBy(FeatureColumns.CUSTOMER_KEY, by))
        .where(daysAfterVisit.between(0, settings.windowDays())
            .and(col(TransactionFeatures.NET_AMOUNT).gt(0)))  // purchase days: days that brought money
        .groupBy(columns(referrerKey))
        .agg(countDistinct(FeatureColumns.CUSTOMER_KEY).as(FeatureColumns.REFERRED_CUSTOMERS),
            sum(TransactionFeatures.NET_AMOUNT).as(FeatureColumns.REFERRED_REVENUE),
            sum(margin.multiply(discount)).as(FeatureColumns.REFERRAL_VALUE));
    return visitors.join(revenue, referrerKey, "left")
        .withColumnRenamed("_tmp_referrer_key", FeatureColumns.CUSTOMER_KEY);
  }

  /** The column {@code first} and the columns {@code by}. */
  private static String[] withBy(String first, List<String> by) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(by);
    return all.toArray(String[]::new);
  }

  private static Column[] columns(String[] names) {
    return java.util.Arrays.stream(names).map(functions::col).toArray(Column[]::new);
  }
}
