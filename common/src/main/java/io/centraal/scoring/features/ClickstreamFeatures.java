package io.centraal.scoring.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.centraal.scoring.schema.FeatureColumns;
import io.centraal.scoring.schema.InputColumns.Clickstream;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

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

  /** Visit rows: the UTC day of the events. */
  public static final String VISIT_DATE = "visit_date";
  /** Visit rows: the events' session ({@code session_id}, else the event's own id) when the visitor is known. */
  public static final String SESSION_KEY = "_visit_session";
  /** Visit rows: the cookie ({@code anonymous_id}) of a referred visit whose visitor is unknown. */
  public static final String COOKIE = "_visit_cookie";
  /** Visit rows: whether the row is its session's first (by day): sessions are counted by it. */
  public static final String FIRST_IN_SESSION = "_visit_first_in_session";
  /** Visit rows: whether the row is the visitor's first of its day: active days are counted by it. */
  public static final String FIRST_IN_DAY = "_visit_first_in_day";

  /**
   * Keyed events ({@link #keyed}) compacted to one row per visitor, session, day and referrer, with
   * the count of each event type: {@link #VISITOR_KEY}, {@link #SESSION_KEY}, {@link #VISIT_DATE},
   * {@code referrer_ref}, {@link #COOKIE}, page_views, product_views, cart_adds, searches, shares,
   * {@link #FIRST_IN_SESSION}, {@link #FIRST_IN_DAY}. Events of an unknown visitor are kept only
   * when they name a referrer (they count as referred visitors, by cookie); the session is kept
   * only for a known visitor and the cookie only for an unknown one, so the rows are as few as the
   * features allow.
   *
   * <p>Why: the engagement and referral features read nothing finer, and a run needs the features
   * at three dates (the as-of date and the churn and influence cut-offs). The events are keyed
   * (two joins with the identity map) and compacted once, several events to a row, and each date
   * reads the rows up to it ({@link KeyedActivity}, {@link CustomerFeatures#build}).
   *
   * <p>The two flags make the distinct counts of engagement plain sums: a session has an event on
   * or before a date exactly when its first row (the one of its earliest day) is, and a day is
   * counted once, by its first row. Spark plans two distinct counts in one aggregation by copying
   * every row once per count, in every build; the flags are set once, per visitor.
   */
  public static Dataset<Row> visitDays(Dataset<Row> keyedEvents) {
    Column known = col(VISITOR_KEY).isNotNull();
    Column type = col(Clickstream.EVENT_TYPE);
    Dataset<Row> rows = keyedEvents.where(known.or(col(Clickstream.REFERRER_REF).isNotNull()))
        .groupBy(col(VISITOR_KEY),
            when(known, coalesce(col(Clickstream.SESSION_ID), col(Clickstream.EVENT_ID))).as(SESSION_KEY),
            to_date(col(Clickstream.TS)).as(VISIT_DATE),
            col(Clickstream.REFERRER_REF),
            when(not(known), col(Clickstream.ANONYMOUS_ID)).as(COOKIE))
        .agg(countOf(type, Clickstream.PAGE_VIEW).as(FeatureColumns.PAGE_VIEWS),
            countOf(type, Clickstream.PRODUCT_VIEW).as(FeatureColumns.PRODUCT_VIEWS),
            countOf(type, Clickstream.ADD_TO_CART).as(FeatureColumns.CART_ADDS),
            countOf(type, Clickstream.SEARCH).as(FeatureColumns.SEARCHES),
            countOf(type, Clickstream.SHARE).as(FeatureColumns.SHARES));
    // One partition per visitor (per cookie for unknown visitors), ordered two ways.
    WindowSpec bySession = Window.partitionBy(col(VISITOR_KEY), col(COOKIE))
        .orderBy(col(SESSION_KEY), col(VISIT_DATE), col(Clickstream.REFERRER_REF));
    WindowSpec byDay = Window.partitionBy(col(VISITOR_KEY), col(COOKIE))
        .orderBy(col(VISIT_DATE), col(SESSION_KEY), col(Clickstream.REFERRER_REF));
    return rows
        .withColumn(FIRST_IN_SESSION, not(coalesce(lag(col(SESSION_KEY), 1).over(bySession).equalTo(col(SESSION_KEY)),
            lit(false))))
        .withColumn(FIRST_IN_DAY, not(coalesce(lag(col(VISIT_DATE), 1).over(byDay).equalTo(col(VISIT_DATE)),
            lit(false))));
  }

  /**
   * Output: customer_key, sessions, page_views, product_views, cart_adds, searches, shares,
   * active_days_online, days_since_last_visit. Only customers with at least one event.
   *
   * @param visitDays {@link #visitDays} up to the as-of date
   */
  public static Dataset<Row> engagement(Dataset<Row> visitDays, LocalDate asOf) {
    return engagementAtDates(Keyed.atDatesOfDay(visitDays, VISIT_DATE, List.of(asOf))).drop(Keyed.AS_OF);
  }

  /** {@link #engagement} per customer and as-of date, from visit rows spread over the dates ({@link Keyed}). */
  static Dataset<Row> engagementAtDates(Dataset<Row> visitDaysAtDates) {
    return visitDaysAtDates.where(col(VISITOR_KEY).isNotNull())
        .groupBy(col(VISITOR_KEY).as(FeatureColumns.CUSTOMER_KEY), Keyed.asOf())
        .agg(count_if(col(FIRST_IN_SESSION)).as(FeatureColumns.SESSIONS),
            sum(FeatureColumns.PAGE_VIEWS).as(FeatureColumns.PAGE_VIEWS),
            sum(FeatureColumns.PRODUCT_VIEWS).as(FeatureColumns.PRODUCT_VIEWS),
            sum(FeatureColumns.CART_ADDS).as(FeatureColumns.CART_ADDS),
            sum(FeatureColumns.SEARCHES).as(FeatureColumns.SEARCHES),
            sum(FeatureColumns.SHARES).as(FeatureColumns.SHARES),
            count_if(col(FIRST_IN_DAY)).as(FeatureColumns.ACTIVE_DAYS_ONLINE),
            max(col(VISIT_DATE)).as("_tmp_last_visit"))
        .withColumn(FeatureColumns.DAYS_SINCE_LAST_VISIT, datediff(Keyed.asOf(), col("_tmp_last_visit")))
        .drop("_tmp_last_visit");
  }

  private static Column countOf(Column type, String eventType) {
    return sum(when(type.equalTo(eventType), 1L).otherwise(0L));
  }
}
