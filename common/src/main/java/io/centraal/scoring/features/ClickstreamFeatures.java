package io.centraal.scoring.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Clickstream;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Online engagement per customer as of a date. An event belongs to the customer of its logged-in
 * account ({@code user_ref}) or, failing that, of its cookie ({@code anonymous_id}) when identity
 * resolution linked the cookie to a customer. Events of unlinked cookies belong to nobody.
 */
public final class ClickstreamFeatures {
  /** Key of the visitor who generated the event (null for an unknown cookie). */
  public static final String VISITOR_KEY = "_tmp_visitor_key";

  private ClickstreamFeatures() {}

  /** Events up to the as-of date with {@link #VISITOR_KEY}. */
  public static Dataset<Row> keyed(Dataset<Row> clickstream, Dataset<Row> identityMap, LocalDate asOf) {
    Dataset<Row> events = clickstream.where(Keyed.knownAt(Clickstream.TS, asOf));
    Dataset<Row> byUser = Keyed.withOptionalKey(events, Clickstream.USER_REF, identityMap, "_tmp_user_key");
    Dataset<Row> byCookie = Keyed.withOptionalKey(byUser, Clickstream.ANONYMOUS_ID, identityMap, "_tmp_cookie_key");
    return byCookie.withColumn(VISITOR_KEY, coalesce(col("_tmp_user_key"), col("_tmp_cookie_key")))
        .drop("_tmp_user_key", "_tmp_cookie_key");
  }

  /**
   * Output: customer_key, sessions, page_views, product_views, cart_adds, searches, shares,
   * active_days_online, days_since_last_visit. Only customers with at least one event.
   */
  public static Dataset<Row> engagement(Dataset<Row> keyedEvents, LocalDate asOf) {
    Column type = col(Clickstream.EVENT_TYPE);
    return keyedEvents.where(col(VISITOR_KEY).isNotNull())
        .groupBy(col(VISITOR_KEY).as(FeatureColumns.CUSTOMER_KEY))
        .agg(countDistinct(coalesce(col(Clickstream.SESSION_ID), col(Clickstream.EVENT_ID))).as(FeatureColumns.SESSIONS),
            countOf(type, Clickstream.PAGE_VIEW).as(FeatureColumns.PAGE_VIEWS),
            countOf(type, Clickstream.PRODUCT_VIEW).as(FeatureColumns.PRODUCT_VIEWS),
            countOf(type, Clickstream.ADD_TO_CART).as(FeatureColumns.CART_ADDS),
            countOf(type, Clickstream.SEARCH).as(FeatureColumns.SEARCHES),
            countOf(type, Clickstream.SHARE).as(FeatureColumns.SHARES),
            countDistinct(to_date(col(Clickstream.TS))).as(FeatureColumns.ACTIVE_DAYS_ONLINE),
            max(to_date(col(Clickstream.TS))).as("_tmp_last_visit"))
        .withColumn(FeatureColumns.DAYS_SINCE_LAST_VISIT, datediff(lit(Date.valueOf(asOf)), col("_tmp_last_visit")))
        .drop("_tmp_last_visit");
  }

  private static Column countOf(Column type, String eventType) {
    return sum(when(type.equalTo(eventType), 1L).otherwise(0L));
  }
}
