package io.centraal.scoring.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Audience;
import io.centraal.scoring.schema.InputColumns.Clickstream;
import io.centraal.scoring.schema.InputColumns.Follows;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Reach and referrals per customer: followers in the follow graph, external audience size, and the
 * visitors, customers and revenue that a customer's shared links brought.
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
   * customer; the revenue they bring is their net spend on purchase days within
   * {@code windowDays} after their first referred visit. Output: customer_key, referred_visitors,
   * referred_customers, referred_revenue.
   *
   * @param keyedEvents clickstream from {@link ClickstreamFeatures#keyed}
   * @param daily       purchase days from {@link TransactionFeatures#daily}
   */
  public static Dataset<Row> referrals(Dataset<Row> keyedEvents, Dataset<Row> identityMap, Dataset<Row> daily,
                                       int windowDays) {
    Dataset<Row> referred = Keyed.withKey(keyedEvents.where(col(Clickstream.REFERRER_REF).isNotNull()),
            Clickstream.REFERRER_REF, identityMap, "_tmp_referrer_key")
        .where(col(ClickstreamFeatures.VISITOR_KEY).isNull()
            .or(col(ClickstreamFeatures.VISITOR_KEY).notEqual(col("_tmp_referrer_key"))));
    Dataset<Row> visitors = referred.withColumn("_tmp_visitor",
            org.apache.spark.sql.functions.coalesce(col(ClickstreamFeatures.VISITOR_KEY).cast("string"),
                org.apache.spark.sql.functions.concat(org.apache.spark.sql.functions.lit("cookie:"),
                    col(Clickstream.ANONYMOUS_ID))))
        .groupBy("_tmp_referrer_key").agg(countDistinct("_tmp_visitor").as(FeatureColumns.REFERRED_VISITORS));

    Dataset<Row> firstVisit = referred.where(col(ClickstreamFeatures.VISITOR_KEY).isNotNull())
        .groupBy(col("_tmp_referrer_key"), col(ClickstreamFeatures.VISITOR_KEY).as(FeatureColumns.CUSTOMER_KEY))
        .agg(min(to_date(col(Clickstream.TS))).as("_tmp_first_visit"));
    Dataset<Row> revenue = firstVisit.join(daily, FeatureColumns.CUSTOMER_KEY)
        .where(col(TransactionFeatures.PURCHASE_DATE).geq(col("_tmp_first_visit"))
            .and(col(TransactionFeatures.PURCHASE_DATE).leq(date_add(col("_tmp_first_visit"), windowDays)))
            .and(col(TransactionFeatures.NET_AMOUNT).gt(0)))  // revenue: days that brought money
        .groupBy("_tmp_referrer_key")
        .agg(countDistinct(FeatureColumns.CUSTOMER_KEY).as(FeatureColumns.REFERRED_CUSTOMERS),
            sum(TransactionFeatures.NET_AMOUNT).as(FeatureColumns.REFERRED_REVENUE));
    return visitors.join(revenue, new String[] {"_tmp_referrer_key"}, "left")
        .withColumnRenamed("_tmp_referrer_key", FeatureColumns.CUSTOMER_KEY);
  }
}
